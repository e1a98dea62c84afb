"""Looking for personal data everywhere: every column of every table (sessions decoded) and every
file in the file store (PDFs read as text), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from putright.operations.models import Session
from django.db import connection
from pypdf import PdfReader


def database_text() -> str:
    """Every value of every row of every table, lower-cased, one line per row."""
    quote = connection.ops.quote_name
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            for row in cursor.fetchall():
                lines.append(f"{table}: " + " | ".join("" if v is None else str(v) for v in row))
    for session in Session.objects.all():
        lines.append(f"session (decoded): {session.get_decoded()!r}")
    return "\n".join(lines).lower()


def files_text() -> str:
    """Every stored file, PDFs as their text, others as bytes read as Latin-1, lower-cased."""
    root = Path(settings.MEDIA_ROOT)
    parts = []
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if data.startswith(b"%PDF"):
                text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
            else:
                text = data.decode("latin-1")
            parts.append(f"{path.relative_to(root)}: {text}")
    return "\n".join(parts).lower()


def found(needles: dict[str, str], haystack: str) -> dict[str, str]:
    """The needles (label: value) that occur in the haystack, with a little context."""
    hits = {}
    for label, needle in needles.items():
        at = haystack.find(needle.lower())
        if at >= 0:
            hits[label] = haystack[max(0, at - 80): at + len(needle) + 40]
    return hits
