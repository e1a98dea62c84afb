"""Reading an email: who sent it, its text, its attachments, and any case reference it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from django.conf import settings
from django.utils.html import strip_tags

from putright.cases.actions import ALLOWED_ATTACHMENT_TYPES, REFERENCE_PREFIX, NewFile

REFERENCE = re.compile(rf"\b{re.escape(REFERENCE_PREFIX)}-(\d{{4}})-(\d{{6}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    message_id: str
    sender: str
    sender_email: str
    subject: str
    body: str
    files: list[NewFile]
    left_out: list[str]  # attachments that could not be kept, each with the reason


def parse(raw: bytes) -> Parsed:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    name, address = (getaddresses([str(message.get("From", ""))]) or [("", "")])[0]
    files, left_out = [], []
    limit = settings.PUTRIGHT_MAX_ATTACHMENT_BYTES
    for part in message.iter_attachments():
        filename = part.get_filename() or "attachment"
        content_type = part.get_content_type()
        content = part.get_payload(decode=True) or b""
        if content_type not in ALLOWED_ATTACHMENT_TYPES:
            left_out.append(f"{filename}: files of type {content_type} cannot be attached")
        elif not content:
            left_out.append(f"{filename} is empty")
        elif len(content) > limit:
            left_out.append(f"{filename} is larger than {limit // (1024 * 1024)} MB")
        else:
            files.append(NewFile(filename, content_type, content))
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        body = body_part.get_content()
        if body_part.get_content_type() == "text/html":
            body = strip_tags(body)
    return Parsed(
        message_id=str(message.get("Message-ID", "")).strip()[:500],
        sender=(f"{name} <{address}>" if name else address)[:300],
        sender_email=address[:254],
        subject=str(message.get("Subject", "")).strip()[:500],
        body=body.replace("\x00", "").strip(),
        files=files,
        left_out=left_out,
    )


def case_reference(subject: str, body: str) -> str | None:
    """The first case reference in the subject, else in the body (PR-2026-000123)."""
    for text in (subject, body):
        found = REFERENCE.search(text or "")
        if found:
            return f"{REFERENCE_PREFIX}-{found.group(1)}-{found.group(2)}"
    return None
