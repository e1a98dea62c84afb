"""Uploads checked by what they contain, not by what the browser says (security finding, Medium).

The first bytes of each file ("magic bytes") must be those of a type on the allowlist, the
attachment types PutRight accepts (`cases.actions.ALLOWED_ATTACHMENT_TYPES`: PDF, JPEG, PNG,
HEIC, Word, plain text, email, MP3, MP4). The type recorded is the one found, never the one
claimed, and the file is renamed to a safe name with that type's extension: `run.exe` sent as a
PDF is refused, and `letter.pdf.exe` with a real PDF inside is kept as `letter_pdf.pdf`.
"""

from __future__ import annotations

import re

import filetype
from django.utils.text import get_valid_filename

from putright.cases.actions import ALLOWED_ATTACHMENT_TYPES

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "text/plain": "txt",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "message/rfc822": "eml",
    "audio/mpeg": "mp3",
    "video/mp4": "mp4",
}
#: How much of a file is read to find its type (a Word document's parts are named near its start).
HEAD_BYTES = 64 * 1024
_HEADER_LINE = re.compile(rb"^[A-Za-z0-9-]{2,40}:[ \t]")


class Refused(ValueError):
    """The file's content is not a type we accept."""


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def content_type(head: bytes, *, name: str = "", declared: str = "") -> str:
    """The allowed type these bytes are, or raise Refused."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = "image/heic" if kind.mime in ("image/heic", "image/heif") else kind.mime
        if mime == "audio/mp3":
            mime = "audio/mpeg"
        if mime in ALLOWED_ATTACHMENT_TYPES:
            return mime
        raise Refused(kind.mime)
    if _is_text(head):
        first = head.lstrip().split(b"\n", 1)[0]
        if (declared == "message/rfc822" or name.lower().endswith(".eml")) and _HEADER_LINE.match(first):
            return "message/rfc822"
        return "text/plain"
    raise Refused("unknown")


def safe_name(name: str, mime: str) -> str:
    """A name with no path, no odd characters, no second extension, and the extension of `mime`."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = get_valid_filename(stem.replace(".", "_").strip()) if stem.strip(". ") else ""
    stem = stem.strip("._-")[:80] or "file"
    return f"{stem}.{EXTENSIONS[mime]}"


def check(upload) -> tuple[str, str]:
    """(safe name, content type) for an uploaded file, read from its content; raises Refused."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(position)
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    mime = content_type(head, name=upload.name, declared=declared)
    return safe_name(upload.name, mime), mime
