"""Letters edited as plain paragraphs, never as HTML.

The handler sees the wording as two pieces of plain text, the part before what the Code requires
and the part after, with the required parts between them as a fixed block they cannot delete
(it is printed from the case record). A blank line starts a new paragraph; a paragraph whose
every line starts with "- " is a bulleted list. Whatever is typed is text: "<b>" stays the four
characters "<b>" in the letter, so nothing typed can break the letter's markup.

Stored as before (Letter.body_html, with REQUIRED_MARKER where the required parts go), so the
checks, the preview and issuing are unchanged.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from .models import REQUIRED_MARKER
from .render import html_to_text

_BULLET = re.compile(r"^\s*[-•*]\s+")


def to_html(text: str) -> str:
    """Plain paragraphs as the letter's HTML: <p> per paragraph, <ul> for "- " lines."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()) if b.strip()]
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{escape(_BULLET.sub('', line))}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return "\n".join(html)


def to_text(html: str) -> str:
    """The letter's HTML as the plain paragraphs a handler edits."""
    return html_to_text(html or "")


def split(body_html: str) -> tuple[str, str]:
    """The wording before and after the required parts, as plain text. Wording without the
    marker (an old draft) is all "before": the required parts then follow it."""
    before, marker, after = (body_html or "").partition(REQUIRED_MARKER)
    return to_text(before), to_text(after) if marker else ""


def join(before: str, after: str) -> str:
    """The stored wording: the paragraphs, with the required parts always between them."""
    return "\n".join(part for part in (to_html(before), REQUIRED_MARKER, to_html(after)) if part)
