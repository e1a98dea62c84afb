"""Reading the complaints mailbox over IMAP: `run_once()`, for the worker and `putright mailbox`.

1. Connect and select the folder; note its UIDVALIDITY.
2. Ask for every message's UID; leave out those already stored (folder, UIDVALIDITY, UID).
3. For each new one, oldest first: fetch it without marking it read (BODY.PEEK), then in one
   transaction store it and either add it to the case it names (with its attachments) or leave
   it waiting in the inbox to log.
4. Only after that transaction commits, mark it \\Seen in the mailbox (for people looking at
   the mailbox; PutRight itself goes by what it stored).

Stopped at any moment, the next run carries on: a message whose transaction did not commit is
fetched again; one that did is skipped by its unique address. Nothing is lost or stored twice.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, Direction
from putright.mailbox.models import InboundMessage, MessageState
from putright.mailbox.parsing import case_reference, parse
from putright.residents.models import ContactChannel

MAILBOX_LABEL = "complaints mailbox"


class MailboxNotConfigured(Exception):
    pass


def connect() -> imaplib.IMAP4:
    host = settings.PUTRIGHT_MAILBOX_HOST
    if not host:
        raise MailboxNotConfigured("Set PUTRIGHT_MAILBOX_HOST (and the user and password) to read the complaints mailbox.")
    port = settings.PUTRIGHT_MAILBOX_PORT
    imap = imaplib.IMAP4_SSL(host, port, timeout=60) if settings.PUTRIGHT_MAILBOX_SSL else imaplib.IMAP4(host, port, timeout=60)
    token = settings.PUTRIGHT_MAILBOX_OAUTH_TOKEN
    if settings.PUTRIGHT_MAILBOX_OAUTH_TOKEN_FILE:
        # Read afresh each time: access tokens last about an hour and are renewed outside PutRight.
        with open(settings.PUTRIGHT_MAILBOX_OAUTH_TOKEN_FILE, encoding="utf-8") as file:
            token = file.read().strip()
    if token:
        # Exchange Online and Google Workspace: XOAUTH2 with an access token kept fresh elsewhere.
        auth = f"user={settings.PUTRIGHT_MAILBOX_USER}\x01auth=Bearer {token}\x01\x01".encode()
        imap.authenticate("XOAUTH2", lambda _: auth)
    else:
        imap.login(settings.PUTRIGHT_MAILBOX_USER, settings.PUTRIGHT_MAILBOX_PASSWORD)
    return imap


def _check(result) -> list:
    status, data = result
    if status != "OK":
        raise imaplib.IMAP4.error(f"the mail server answered {status}: {data!r}")
    return data


def run_once(now: dt.datetime | None = None, *, imap: imaplib.IMAP4 | None = None) -> dict:
    """Fetch what is new. Returns counts: joined (added to a case), waiting (inbox to log), skipped."""
    counts = {"joined": 0, "waiting": 0, "skipped": 0}
    folder = settings.PUTRIGHT_MAILBOX_FOLDER
    own = imap is None
    imap = imap or connect()
    try:
        _check(imap.select(f'"{folder}"'))
        uidvalidity = int(imap.response("UIDVALIDITY")[1][0])
        data = _check(imap.uid("SEARCH", None, "ALL"))
        uids = [int(u) for u in (data[0] or b"").split()]
        known = set(InboundMessage.objects.filter(folder=folder, uidvalidity=uidvalidity, uid__in=uids).values_list("uid", flat=True))
        for uid in uids:
            if uid in known:
                continue
            raw, received_at = _fetch(imap, uid)
            if raw is None:
                continue  # expunged in the meantime
            stored = store(raw, folder=folder, uidvalidity=uidvalidity, uid=uid, received_at=received_at, now=now)
            counts[stored] += 1
            imap.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
    finally:
        if own:
            try:
                imap.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    return counts


INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def _fetch(imap: imaplib.IMAP4, uid: int) -> tuple[bytes | None, dt.datetime | None]:
    data = _check(imap.uid("FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])"))
    for item in data:
        if isinstance(item, tuple):
            found = INTERNALDATE.search(item[0])
            received_at = None
            if found:
                received_at = dt.datetime.strptime(found.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
            return item[1], received_at
    return None, None


def read_as(subject: str, body: str) -> str:
    """What triage makes of an email waiting to be logged: read once when it arrives, so the inbox
    does not run the triage engine (about a millisecond) for every waiting email on every view."""
    from putright.triage.engine import suggest

    return suggest(f"{subject}\n{body}").kind


def store(raw: bytes, *, folder: str, uidvalidity: int, uid: int, received_at: dt.datetime | None, now=None) -> str:
    """Store one message and put it where it belongs, in one transaction. Returns what happened."""
    now = now or timezone.now()
    parsed = parse(raw)
    received_at = received_at or now  # IMAP servers always give INTERNALDATE (RFC 3501)
    try:
        with transaction.atomic():
            if parsed.message_id and InboundMessage.objects.filter(message_id=parsed.message_id).exists():
                # The same message again under a new address (the folder was rebuilt): keep a
                # record of where it was, but do not add it to a case twice.
                state, case = MessageState.NOT_A_CASE, None
                note = "A copy of a message already read from the mailbox."
            else:
                reference = case_reference(parsed.subject, parsed.body)
                case = Case.objects.filter(reference=reference).first() if reference else None
                state = MessageState.JOINED if case else MessageState.WAITING
                note = ""
            message = InboundMessage.objects.create(
                folder=folder, uidvalidity=uidvalidity, uid=uid, message_id=parsed.message_id, sender=parsed.sender,
                sender_email=parsed.sender_email, subject=parsed.subject, body=parsed.body, received_at=received_at,
                raw=raw, state=state, case=case, fetched_at=now, note=note,
                reads_as=read_as(parsed.subject, parsed.body) if state == MessageState.WAITING else "",
            )
            if case is not None:
                add_to_case(message, case, parsed)
    except IntegrityError:
        return "skipped"  # another fetcher stored it first
    return "waiting" if state == MessageState.WAITING else "joined" if state == MessageState.JOINED else "skipped"


def add_to_case(message: InboundMessage, case: Case, parsed=None, *, actor=None) -> None:
    """The email, with its attachments, as correspondence received on the case (5.12)."""
    parsed = parsed or parse(bytes(message.raw))
    body = parsed.body
    if parsed.left_out:
        body += "\n\n[Not kept: " + "; ".join(parsed.left_out) + ".]"
    actions.add_correspondence(
        case, direction=Direction.IN, occurred_on=timezone.localdate(message.received_at), body=body or "(no text)",
        subject=parsed.subject[:200], method=ContactChannel.EMAIL, correspondent=parsed.sender[:200], files=parsed.files,
        actor=actor, actor_label="" if actor else MAILBOX_LABEL,
    )
