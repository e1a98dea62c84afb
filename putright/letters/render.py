"""Letters as HTML (on screen, by email) and PDF (WeasyPrint, for post and the record).

1. `draft_wording` renders the landlord's template (Django template text) for a case: the wording
   a handler then edits, still carrying the `{{ required }}` marker.
2. `render_letter` puts the letter together: letterhead, addressee, date, reference, the edited
   wording with the required parts (`letters/sections/<kind>.html`) in place of the marker, the
   sign-off, in the resident's format (standard, large print or easy read).
3. `pdf_bytes` turns that HTML into a PDF; `html_to_text` gives the exact text sent.

Staff-edited wording passes through `clean_html`, an allow-list of a few formatting tags, so a
draft can neither run script on the preview page nor make WeasyPrint fetch anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import html as html_lib
import mimetypes
import re
from html.parser import HTMLParser

from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from putright.cases.models import Case, LandlordSettings
from putright.residents.models import Format

from .models import REQUIRED_MARKER, Letter, LetterFormat, LetterTemplate

# --- the wording -------------------------------------------------------------------------------

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "h2", "h3", "blockquote"}
_VOID = {"br"}


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0  # inside <script> or <style>: drop the content too

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ALLOWED_TAGS and not self.skip:
            self.out.append(f"<{tag}>")

    def handle_startendtag(self, tag, attrs):
        if tag in _VOID and not self.skip:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ALLOWED_TAGS and tag not in _VOID and not self.skip:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(html_lib.escape(data, quote=False))


def clean_html(value: str) -> str:
    """Keep paragraphs, line breaks, bold, italics, lists and subheadings; drop every attribute
    and every other tag (their text stays)."""
    cleaner = _Cleaner()
    cleaner.feed(value or "")
    cleaner.close()
    return "".join(cleaner.out).strip()


def _long(day: dt.date | None) -> str:
    return f"{day:%A %-d %B %Y}" if day else ""


def template_context(case: Case, stage_number: int | None) -> dict:
    landlord = LandlordSettings.load()
    stage = case.stage(stage_number) if stage_number else None
    return {
        "resident_name": case.resident.name if case.resident else "resident",
        "reference": case.reference,
        "landlord": landlord.name,
        "stage": stage_number or "",
        "received_on": _long(stage.requested_on if stage else case.received_on),
        "acknowledged_on": _long(stage.acknowledged_on if stage else None),
        "respond_by": _long(stage.respond_by if stage else None),
        "complaints_email": landlord.complaints_email,
        "complaints_phone": landlord.complaints_phone,
        # The marker stays as it is: the required parts are added at rendering, from the record.
        "required": mark_safe(REQUIRED_MARKER),
    }


def draft_wording(template: LetterTemplate, case: Case, stage_number: int | None) -> tuple[str, str]:
    """The template's subject and body for this case, ready to edit."""
    context = Context(template_context(case, stage_number))
    subject = Template(template.subject).render(context).strip()
    body = clean_html(Template(template.body).render(context))
    return html_lib.unescape(subject), body


# --- the whole letter --------------------------------------------------------------------------


def format_for(case: Case) -> str:
    """Large print or easy read when the resident's preferred format asks for it."""
    wanted = case.resident.preferred_format if case.resident else Format.STANDARD
    return wanted if wanted in LetterFormat.values else LetterFormat.STANDARD


def _logo_data_uri(template: LetterTemplate) -> str:
    if not template.logo:
        return ""
    try:
        with template.logo.open("rb") as f:
            data = f.read()
    except (FileNotFoundError, ValueError):
        return ""
    kind = mimetypes.guess_type(template.logo.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def sections_html(sections: dict, fmt: str) -> str:
    return render_to_string(
        f"letters/sections/{sections['kind']}.html", {"s": sections, "easy_read": fmt == LetterFormat.EASY_READ}
    )


def body_with_sections(body_html: str, sections: dict, fmt: str) -> str:
    return clean_html(body_html).replace(REQUIRED_MARKER, sections_html(sections, fmt))


def render_letter(letter: Letter, *, sections: dict, fmt: str, on: dt.date) -> str:
    """The whole letter as an HTML document: what is emailed, printed and kept."""
    case = letter.case
    template = LetterTemplate.for_kind(letter.kind)
    landlord = LandlordSettings.load()
    resident = case.resident
    context = {
        "letter": letter,
        "subject": letter.subject,
        "format": fmt,
        "landlord": landlord,
        "logo": _logo_data_uri(template),
        "resident": resident,
        # "Copy to" only a representative whose authority is verified (putright.residents.consent).
        "representative": case.representative if case.representative and case.representative.consent_verified else None,
        "date": _long(on),
        "reference": case.reference,
        "body": mark_safe(body_with_sections(letter.body_html, sections, fmt)),
        "signatory": template.signatory,
    }
    return render_to_string("letters/letter.html", context)


def _data_only_fetcher():
    """WeasyPrint may read the data: URIs a document embeds (the logo, the report's charts) and
    nothing else: no file on the server, no address on the network, whatever a template, a draft
    or a narrative contains."""
    try:  # WeasyPrint 68 and later: a fetcher class with an allow-list of protocols
        from weasyprint.urls import URLFetcher

        return URLFetcher(allowed_protocols={"data"})
    except ImportError:  # earlier releases: a function
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"PutRight's PDFs do not load outside resources ({url[:60]}).")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


def pdf_bytes(html: str) -> bytes:
    """A letter, report or other document as a PDF; see _data_only_fetcher for what it may load."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    return HTML(string=html, url_fetcher=_data_only_fetcher()).write_pdf()


# --- plain text --------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "li", "ul", "ol", "header", "footer", "section", "tr", "table", "blockquote", "dt", "dd"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title", "head"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            if self.parts and self.parts[-1] == "- ":
                return  # the first paragraph of a list item stays on the item's line
            self.parts.append("\n\n" if tag not in ("li", "tr", "dd") else "\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title", "head"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text: one paragraph per block, list items as '- ' lines."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
