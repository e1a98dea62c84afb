"""Pure helpers for anonymisation: what happens to one piece of text or one event's data.

No database here, so the rules can be read and tested on their own.
"""

from __future__ import annotations

import re

REMOVED = "[removed]"

# Keys of timeline data whose values are free text or identify someone: always removed.
FREE_TEXT_KEYS = frozenset({
    "address", "body", "correspondent", "definition", "description", "email", "escalation_reason",
    "explanation", "good_reason", "name", "not_responsible_for", "note", "outcomes_sought", "owner",
    "phone", "point", "postcode", "reason", "reasons", "representative", "resident", "responsible_for",
    "subject", "summary", "text", "discretion_decision", "attachments", "files", "file", "relationship",
    "contact_notes", "language", "tenancy_reference", "comment", "answered_by", "evidence", "restricted",
    "equality_considerations", "end_reason", "correspondent_name", "withdrawal_reason", "received_by",
})
# Keys whose values are references (of this or a linked case): kept.
REFERENCE_KEY = re.compile(r"(^|_)(reference|ref)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?$")
# A code value such as "upheld", "lcra", "financial", "150.00" or "stage_2": kept.
TOKEN = re.compile(r"^[a-z0-9_.\-]{1,40}$")


def scrub_data(value, key: str | None = None):
    """An event's data with the facts kept (dates, numbers, yes/no, code values, references)
    and every piece of free text replaced by REMOVED."""
    if isinstance(value, dict):
        return {k: scrub_data(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_data(v, key) for v in value]
    if isinstance(value, str):
        if not value:
            return value
        if key in FREE_TEXT_KEYS:
            return REMOVED
        if key and REFERENCE_KEY.search(key):
            return value
        if ISO_DATE.match(value) or TOKEN.match(value):
            return value
        return REMOVED
    return value


def redact(text: str, needles: list[str]) -> str:
    """`text` with every occurrence of each needle (any case) replaced: for text kept because it
    is about the landlord's service (learning), which should not name anyone but might."""
    if not text:
        return text
    for needle in sorted({n.strip() for n in needles if n and len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(needle), REMOVED, text, flags=re.IGNORECASE)
    return text


def address_needles(address: str) -> list[str]:
    """An address as a whole and line by line, so a line quoted on its own is found too."""
    lines = [line.strip(" ,") for line in re.split(r"[\n,]", address or "")]
    return [address.strip()] + [line for line in lines if len(line) >= 5]
