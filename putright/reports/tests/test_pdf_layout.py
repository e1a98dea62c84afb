"""The reports as PDF pages a board member reads: no heading or table caption left alone at the
foot of a page, and a table that runs onto the next page repeats its header row there."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.template.loader import render_to_string

from putright.reports.render import annual_html, pdf_bytes, quarter_html
from putright.reports.tests.test_render import TODAY, YEAR, _demo_built, demo  # noqa: F401 (fixtures)


def pages(data: bytes) -> list[list[str]]:
    """Each page's lines, without the "Page n of m" footer."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        out.append([line for line in lines if not re.fullmatch(r"Page \d+ of \d+", line)])
    return out


def headings(html: str) -> set[str]:
    found = re.findall(r"<(h2|h3|caption)[^>]*>(.*?)</\1>", html, flags=re.S)
    return {" ".join(unescape(re.sub(r"<[^>]+>", "", text)).split()) for _, text in found}


@pytest.mark.parametrize("make", [lambda: annual_html(YEAR, today=TODAY), lambda: quarter_html(YEAR, 4, today=TODAY)])
def test_no_page_ends_with_a_heading_or_a_caption(demo, make):  # noqa: F811
    html = make()
    titles = headings(html)
    assert "Stage 1 and stage 2 complaints, 2025/26" in titles or any(t.startswith("Stage 1 and stage 2") for t in titles)
    document = pages(pdf_bytes(html))
    assert len(document) > 2
    for number, lines in enumerate(document[:-1], start=1):
        last = lines[-1]
        stranded = [t for t in titles if t and (last == t or t.endswith(last) and len(last) > 12)]
        assert not stranded, f"page {number} ends with the heading {stranded[0]!r}"


def test_a_long_table_repeats_its_header_row_on_the_next_page():
    rows = "".join(f"<tr><th scope='row'>Service area {i}</th><td class='n'>{i}</td></tr>" for i in range(120))
    html = (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>t</title>"
        + render_to_string("reports/_doc_style.html")
        + "</head><body><h2>Complaints by area</h2><table><caption>By service area</caption>"
        "<thead><tr><th scope='col'>Service area</th><th scope='col' class='n'>Complaints</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
    document = pages(pdf_bytes(html))
    assert len(document) >= 3
    for lines in document[1:]:
        assert lines[0] == "Service area Complaints", lines[:2]
