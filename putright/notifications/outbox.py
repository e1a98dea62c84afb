"""Delivering the outbox: claim a due message, send it, record the result.

A message is claimed with a conditional UPDATE (its next attempt moved past a lease), so two
workers never send the same message, and a worker that dies mid-send only delays it by the
lease. A failure records the error and schedules another try with a growing delay; nothing is
lost while the mail server is down.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from putright.notifications.models import LINK_PLACEHOLDER, Outbox

log = logging.getLogger(__name__)

#: How long a claimed message is left to its worker before another may try it.
LEASE = dt.timedelta(minutes=5)
#: After this many failures a message is given up (shown as failed in the admin): about 4 days.
MAX_ATTEMPTS = 20


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes after each failure, at most 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def claim_next(now: dt.datetime | None = None) -> Outbox | None:
    now = now or timezone.now()
    for row in Outbox.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")[:20]:
        claimed = Outbox.objects.filter(pk=row.pk, next_attempt_at=row.next_attempt_at, sent_at__isnull=True).update(
            next_attempt_at=now + LEASE
        )
        if claimed:
            row.next_attempt_at = now + LEASE
            return row
    return None


def send_one(row: Outbox, now: dt.datetime | None = None) -> bool:
    """Send a claimed message. True if the mail server accepted it."""
    from putright.portal.access import mint_token

    now = now or timezone.now()
    text, html, token = row.body_text, row.body_html, None
    if row.link_for:
        raw, token = mint_token(row.link_for, now=now)
        link = settings.PUTRIGHT_SITE_URL + reverse("portal:link", args=[raw])
        text, html = text.replace(LINK_PLACEHOLDER, link), html.replace(LINK_PLACEHOLDER, link)
    message = EmailMultiAlternatives(row.subject, text, settings.DEFAULT_FROM_EMAIL, [row.to])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # any failure to hand over the message: keep it and try again
        if token is not None:
            token.delete()  # that link was never sent
        row.attempts += 1
        row.last_error = f"{now:%Y-%m-%d %H:%M:%S} {type(error).__name__}: {error}"[:2000]
        row.next_attempt_at = None if row.attempts >= MAX_ATTEMPTS else now + backoff(row.attempts)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        log.warning("Email %s to %s not sent (attempt %s): %s", row.pk, row.to, row.attempts, error)
        return False
    row.attempts += 1
    row.sent_at = now
    row.next_attempt_at = None
    row.last_error = ""
    row.save(update_fields=["attempts", "sent_at", "next_attempt_at", "last_error"])
    return True


def send_due(now: dt.datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Send every message due now. Returns (sent, failed)."""
    sent = failed = 0
    for _ in range(limit):
        row = claim_next(now)
        if row is None:
            break
        if send_one(row, now):
            sent += 1
        else:
            failed += 1
    return sent, failed


def send_now(rows) -> None:
    """Try to deliver these messages straight away (a resident is waiting); whatever fails
    stays in the outbox for `send_outbox`. Call after the transaction that wrote them."""
    # Oldest first: the resident reads them in the order things happened.
    for row in sorted(rows, key=lambda r: (r.created_at, r.pk)):
        claimed = Outbox.objects.filter(pk=row.pk, next_attempt_at=row.next_attempt_at, sent_at__isnull=True).update(
            next_attempt_at=timezone.now() + LEASE
        )
        if claimed:
            row.refresh_from_db()
            send_one(row)
