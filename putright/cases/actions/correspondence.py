"""Letters, emails, calls and notes kept on the case record, with attachments (5.12)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    format_date,
    lock,
    refresh_next_update,
    record,
    resolve_today,
)
from putright.cases.models import (
    Attachment,
    Case,
    Correspondence,
    Direction,
)
from putright.rules.errors import RuleViolation


@dataclass(frozen=True)
class NewFile:
    name: str
    content_type: str
    content: bytes


ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/heic",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "message/rfc822",
    "audio/mpeg",
    "video/mp4",
}


@transaction.atomic
def add_correspondence(
    case: Case,
    *,
    direction: Direction | str,
    occurred_on: dt.date,
    body: str = "",
    subject: str = "",
    method: str = "",
    correspondent: str = "",
    internal: bool = False,
    files: Sequence[NewFile] = (),
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> Correspondence:
    """Keep a letter, email, call or note on the record, with attachments (5.12)."""
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    if direction not in Direction.values:
        raise RuleViolation("Say whether it was received, sent, or is an internal note.", field="direction")
    check_date(occurred_on, "occurred_on", "of the correspondence", today=today)
    if not (body or "").strip() and not files:
        raise RuleViolation("Enter the text, or attach a file.", field="body")
    limit = settings.PUTRIGHT_MAX_ATTACHMENT_BYTES
    for f in files:
        if f.content_type not in ALLOWED_ATTACHMENT_TYPES:
            raise RuleViolation(f"{f.name}: files of type {f.content_type} cannot be attached.", field="files")
        if len(f.content) > limit:
            raise RuleViolation(f"{f.name} is larger than {limit // (1024 * 1024)} MB.", field="files")
        if not f.content:
            raise RuleViolation(f"{f.name} is empty.", field="files")
    item = Correspondence.objects.create(
        case=case,
        direction=direction,
        method=method,
        occurred_on=occurred_on,
        correspondent=correspondent.strip(),
        subject=subject.strip(),
        body=(body or "").strip(),
        internal=internal or direction == Direction.NOTE,
        created_by=actor,
    )
    saved = []
    for f in files:
        digest = hashlib.sha256(f.content).hexdigest()
        attachment = Attachment(correspondence=item, name=f.name, content_type=f.content_type, size=len(f.content), sha256=digest)
        attachment.file.save(f.name, ContentFile(f.content), save=False)
        attachment.save()
        saved.append({"name": f.name, "size": len(f.content), "sha256": digest})
    if direction == Direction.OUT and not item.internal:
        refresh_next_update(case)  # a message to the resident is an update (5.9, 6.6)
    label = Direction(direction).label
    record(
        case,
        "correspondence",
        f"{label}{' from' if direction == Direction.IN else ' to' if direction == Direction.OUT else ''}"
        f"{(' ' + item.correspondent) if item.correspondent else ''} on {format_date(occurred_on)}: {item.subject or item.body[:80]}",
        actor=actor,
        actor_label=actor_label,
        correspondence=item.pk,
        internal=item.internal,
        attachments=saved,
    )
    return item
