"""Throttling by address and by account (security finding, Medium).

Each limit counts events in a sliding window, in the database so every web process sees the
same counts. Keys are HMACs of the address or account (keyed with SECRET_KEY). A landlord can
change a limit with PUTRIGHT_THROTTLE_LIMITS = {"scope": [count, seconds]} in settings.

The pages that use them answer the same way whether or not an address or account is known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from putright.protect.models import Hit


@dataclass(frozen=True)
class Limit:
    count: int
    window: dt.timedelta


HOUR = dt.timedelta(hours=1)
DEFAULT_LIMITS: dict[str, Limit] = {
    # Staff sign-in: django-axes locks a username *from one address* after 5 failures. These stop
    # one address trying passwords across many usernames, and many addresses against one account.
    "sign-in-address": Limit(30, dt.timedelta(minutes=15)),
    "sign-in-account": Limit(50, HOUR),
    # The portal: codes asked for and codes tried, from one address (the per-address-of-email
    # limits in portal.access stay too).
    "portal-code-request-address": Limit(20, HOUR),
    "portal-code-check-address": Limit(30, HOUR),
    # The complaint form: complaints sent from one address, and receipts to one email address.
    "complaint-address": Limit(10, HOUR),
    "complaint-recipient": Limit(5, dt.timedelta(days=1)),
    # Uploads: bytes from one address in an hour (each journey also has its own quota).
    "upload-bytes-address": Limit(100 * 1024 * 1024, HOUR),
}


def limit_for(scope: str) -> Limit:
    override = getattr(settings, "PUTRIGHT_THROTTLE_LIMITS", {}).get(scope)
    if override:
        count, seconds = override
        return Limit(int(count), dt.timedelta(seconds=int(seconds)))
    return DEFAULT_LIMITS[scope]


def client_address(request) -> str:
    """The visitor's address. Behind a reverse proxy, set PUTRIGHT_CLIENT_ADDRESS_HEADER (e.g.
    "HTTP_X_FORWARDED_FOR") and the proxy's own address is not used: the last entry, which
    the proxy appended, is taken."""
    header = getattr(settings, "PUTRIGHT_CLIENT_ADDRESS_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), (value or "").strip().lower().encode(), hashlib.sha256).hexdigest()


def used(scope: str, value: str, *, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    since = now - limit_for(scope).window
    total = Hit.objects.filter(scope=scope, key=_key(value), at__gt=since).aggregate(total=Sum("amount"))["total"]
    return total or 0


def exceeded(scope: str, value: str, *, amount: int = 0, now: dt.datetime | None = None) -> bool:
    """Whether `amount` more (0: any more at all) would go past the limit."""
    limit = limit_for(scope)
    current = used(scope, value, now=now)
    return current + amount > limit.count if amount else current >= limit.count


def count(scope: str, value: str, *, amount: int = 1, now: dt.datetime | None = None) -> None:
    limit_for(scope)  # an unknown scope is a programming error: fail here, not silently
    Hit.objects.create(scope=scope, key=_key(value), at=now or timezone.now(), amount=amount)


def run_once(now: dt.datetime | None = None) -> dict:
    """Remove counts older than any window (a day): idempotent, safe to stop at any point."""
    now = now or timezone.now()
    longest = max(limit_for(s).window for s in DEFAULT_LIMITS)
    deleted, _ = Hit.objects.filter(at__lt=now - max(longest, dt.timedelta(days=1))).delete()
    return {"removed": deleted}
