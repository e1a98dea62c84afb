"""Delivering the outbox: claim a due message, send it, record the result.

A message is claimed with a conditional UPDATE (its next attempt moved past a lease), so two
workers never send the same message, and a worker that dies mid-send only delays it by the
lease. A failure records the error and schedules another try with a growing delay; nothing is
lost while the mail server is down.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse
from django.utils import timezone

from putright.notifications.models import LINK_PLACEHOLDER, Outbox

log = logging.getLogger(__name__)



def lease() -> dt.timedelta:
    """How long a claimed message is left to its worker before another may try it
    (PUTRIGHT_OUTBOX_LEASE_SECONDS, 5 minutes unless set)."""
    return dt.timedelta(seconds=getattr(settings, "PUTRIGHT_OUTBOX_LEASE_SECONDS", 300))


def message_id(row: Outbox) -> str:
    """The same Message-ID on every attempt at one message. If a worker is killed between the
    mail server accepting a message and PutRight recording it as sent, the message goes again
    after the lease; this header lets mail systems and mail clients recognise the copy."""
    from email.utils import parseaddr

    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "putright.invalid"
    return f"<putright-outbox-{row.pk}-{row.created_at:%Y%m%d%H%M%S}@{domain}>"
#: After this many failures a message is given up (shown as failed in the admin): about 4 days.
MAX_ATTEMPTS = 20


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes after each failure (PUTRIGHT_OUTBOX_RETRY_SECONDS the first time),
    at most 6 hours."""
    first = getattr(settings, "PUTRIGHT_OUTBOX_RETRY_SECONDS", 60)
    return min(dt.timedelta(seconds=first * 2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def claim_next(now: dt.datetime | None = None) -> Outbox | None:
    now = now or timezone.now()
    for row in Outbox.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")[:20]:
        claimed = Outbox.objects.filter(pk=row.pk, next_attempt_at=row.next_attempt_at, sent_at__isnull=True).update(
            next_attempt_at=now + lease()
        )
        if claimed:
            row.next_attempt_at = now + lease()
            return row
    return None


def send_one(row: Outbox, now: dt.datetime | None = None, connection=None) -> bool:
    """Send a claimed message (over `connection`, if given, kept open between messages).
    True if the mail server accepted it."""
    from putright.portal.access import mint_token

    now = now or timezone.now()
    text, html, token = row.body_text, row.body_html, None
    if row.link_for:
        raw, token = mint_token(row.link_for, now=now)
        link = settings.PUTRIGHT_SITE_URL + reverse("portal:link", args=[raw])
        text, html = text.replace(LINK_PLACEHOLDER, link), html.replace(LINK_PLACEHOLDER, link)
    message = EmailMultiAlternatives(
        row.subject, text, settings.DEFAULT_FROM_EMAIL, [row.to],
        headers={"Message-ID": message_id(row)}, connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # any failure to hand over the message: keep it and try again
        if token is not None:
            token.delete()  # that link was never sent
        if connection is not None:
            _close_quietly(connection)  # the next message opens a fresh connection
        row.attempts += 1
        row.last_error = f"{now:%Y-%m-%d %H:%M:%S} {type(error).__name__}: {error}"[:2000]
        row.next_attempt_at = None if row.attempts >= MAX_ATTEMPTS else now + backoff(row.attempts)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        # Never the address: logs hold no residents' personal data and are kept outside PutRight's
        # retention (docs/data-protection.md).
        log.warning("Email %s (%s) not sent (attempt %s): %s", row.pk, row.kind, row.attempts, type(error).__name__)
        return False
    row.attempts += 1
    row.sent_at = now
    row.next_attempt_at = None
    row.last_error = ""
    row.save(update_fields=["attempts", "sent_at", "next_attempt_at", "last_error"])
    return True


def send_due(now: dt.datetime | None = None, limit: int | None = None) -> tuple[int, int]:
    """Send every message due now (or the first `limit`). Returns (sent, failed)."""
    counts = deliver(now, limit=limit)
    return counts["sent"], counts["failed"]


def deliver(now: dt.datetime | None = None, limit: int | None = None, budget: float | None = None) -> dict:
    """Send the messages due now, over one mail server connection. Stops after `limit` messages
    or `budget` seconds, if given, saying so with more=True (the worker carries on at once).
    Returns the counts: {"sent": n, "failed": n, "more": bool}."""
    sent = failed = 0
    started = time.monotonic()
    connection = get_connection()
    try:
        connection.open()  # one connection for the whole batch
    except Exception:  # the mail server is down: each message records the failure and waits
        pass
    try:
        while True:
            if limit is not None and sent + failed >= limit or budget is not None and time.monotonic() - started > budget:
                return {"sent": sent, "failed": failed, "more": True}
            row = claim_next(now)
            if row is None:
                return {"sent": sent, "failed": failed, "more": False}
            if send_one(row, now, connection=connection):
                sent += 1
            else:
                failed += 1
    finally:
        _close_quietly(connection)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # a connection the server already dropped
        pass


def send_now(rows) -> None:
    """Try to deliver these messages straight away (a resident is waiting); whatever fails
    stays in the outbox for `send_outbox`. Call after the transaction that wrote them."""
    for row in rows:
        claimed = Outbox.objects.filter(pk=row.pk, next_attempt_at=row.next_attempt_at, sent_at__isnull=True).update(
            next_attempt_at=timezone.now() + lease()
        )
        if claimed:
            row.refresh_from_db()
            send_one(row)
