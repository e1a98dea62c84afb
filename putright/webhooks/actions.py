"""Registering webhooks (administrators, or the server's command line)."""

from __future__ import annotations

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases.models import CaseEvent
from putright.rules.errors import RuleViolation
from putright.webhooks.models import Webhook

KIND = re.compile(r"^[a-z0-9_]+$")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RuleViolation("Enter the full address the deliveries go to, starting https://", field="url")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        # Deliveries carry personal data: only over TLS, except to this machine itself.
        raise RuleViolation("Use an https:// address: deliveries carry residents' details.", field="url")
    return parts.geturl()


def check_events(events) -> list[str]:
    events = sorted({e.strip() for e in events if e and e.strip()})
    if not events:
        raise RuleViolation('Choose the events it wants (timeline kinds such as logged, responded), or "*" for all.', field="events")
    bad = [e for e in events if e != "*" and not KIND.match(e)]
    if bad:
        raise RuleViolation(f"Not event kinds: {', '.join(bad)}.", field="events")
    return events


@transaction.atomic
def register(*, name: str, url: str, events, actor=None) -> tuple[Webhook, str]:
    """A new hook, from the next event on. Returns it and its signing secret (shown once)."""
    if actor is not None and not getattr(actor, "is_administrator", False):
        raise PermissionDenied("Only an administrator can register webhooks.")
    name = (name or "").strip()
    if not name:
        raise RuleViolation("Name the webhook after the system it serves.", field="name")
    if Webhook.objects.filter(name=name).exists():
        raise RuleViolation(f"There is already a webhook named {name}.", field="name")
    secret = secrets.token_urlsafe(32)
    last = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    hook = Webhook.objects.create(
        name=name, url=check_url(url), events=check_events(events), secret=secret, created_at=timezone.now(), last_event_id=last
    )
    return hook, secret
