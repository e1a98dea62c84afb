"""The annual report and the board's quarterly report, as HTML and PDF, for the demo landlord."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.cases.demo import build_demo
from putright.reports import charts
from putright.reports.models import ReportNarrative
from putright.reports.render import annual_html, pdf_bytes, quarter_html
from putright.reports.queries import annual_figures
from tests.moduledata import module_data

TODAY = dt.date(2026, 5, 20)  # the demo's Ombudsman determinations fall in 2025/26
YEAR = 2025


def _build() -> None:
    build_demo(today=TODAY, residents=30, complaints=60, requests=6, compliments=3)
    ReportNarrative.objects.create(year=YEAR, section="governing_body_response", text="The board accepts this report.\n\nIt asks for faster stage 2 replies.")


_demo_built = module_data(_build)


@pytest.fixture
def demo(_demo_built, db):
    """The demo landlord, built once for the module (tests/moduledata.py)."""


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


HEADINGS = [
    "8.1 a. Our self-assessment against the Complaint Handling Code",
    "8.1 b. Our complaint handling performance",
    "8.1 c. Ombudsman findings of non-compliance with the Code",
    "8.1 d. Service improvements from learning: you said, we did",
    "8.1 e. The Ombudsman's annual report about us",
    "8.1 f. Other Ombudsman reports and publications",
    "The governing body's response",
]


# Before the first test that asks for `demo`: it must not see the demo landlord.
def test_the_annual_report_gives_the_approved_self_assessment_under_8_1_a(db):
    from putright.selfassessment.models import Answer, SelfAssessment

    assert "Self-assessment not yet recorded" in annual_html(YEAR, today=TODAY)
    assessment = SelfAssessment.start(title="Self-assessment 2025/26", year=YEAR)
    answers = list(assessment.answers.order_by("id"))
    for answer, complies in zip(answers, ["yes"] * (len(answers) - 3) + ["no", "na", "na"]):
        answer.complies = complies
    Answer.objects.bulk_update(answers, ["complies"])
    # Not approved yet: not reported.
    assert "Self-assessment not yet recorded" in annual_html(YEAR, today=TODAY)
    assessment.approve(on=dt.date(2026, 5, 1), response="The board accepts the self-assessment.")
    html = annual_html(YEAR, today=TODAY)
    assert "Self-assessment not yet recorded" not in html
    assert f"{len(answers) - 3} comply, 1 do not comply, 2 not applicable" in html
    assert "approved our self-assessment “Self-assessment 2025/26” (version 1) on 1 May 2026" in html
    assert "The board accepts the self-assessment." in html


def test_the_annual_report_renders_to_html_and_pdf_with_charts_and_the_figures(demo, tmp_path):
    figures = annual_figures(YEAR)
    assert figures["stage1"]["received"] > 0
    html = annual_html(YEAR, today=TODAY)
    for heading in HEADINGS:
        assert heading.replace("'", "&#x27;") in html or heading in html
    assert html.count('src="data:image/svg+xml;base64,') >= 3  # received by quarter, timescales, themes
    assert "Self-assessment not yet recorded." in html
    assert "The board accepts this report." in html

    text = pdf_text(pdf_bytes(html))
    assert text.startswith("Annual complaints performance and service improvement report 2025/26")
    for heading in HEADINGS:
        assert heading in text, heading
    s1, s2 = figures["stage1"], figures["stage2"]
    assert f"Complaints received {s1['received']} {s2['received']}" in text
    assert f"Responses sent {s1['responded']} {s2['responded']}" in text
    assert f"We refused {figures['refused']['total']} complaint" in text
    assert "The board accepts this report." in text
    assert "The Ombudsman found we had not complied with the Complaint Handling Code in 1 determination" in text


def test_the_command_writes_html_and_pdf(demo, tmp_path):
    out = tmp_path / "annual.pdf"
    call_command("report", "annual", "--year", str(YEAR), "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "8.1 c. Ombudsman findings" in pdf_text(out.read_bytes())
    page = tmp_path / "annual.html"
    call_command("report", "annual", "--year", str(YEAR), "--format", "html", "--output", str(page))
    assert "<h2 id=\"d\">8.1 d." in page.read_text()
    board = tmp_path / "q4.pdf"
    call_command("report", "quarter", "--year", str(YEAR), "--quarter", "4", "--format", "pdf", "--output", str(board))
    text = pdf_text(board.read_bytes())
    for heading in ("9.7 a. Volumes, categories and outcomes", "9.7 b. Issues and trends", "9.7 c. Ombudsman outcomes and progress on orders"):
        assert heading in text
    with pytest.raises(CommandError, match="--format pdf needs --output"):
        call_command("report", "annual", "--year", str(YEAR), "--format", "pdf")


def test_the_quarterly_report_has_9_7_a_to_c(demo):
    html = quarter_html(YEAR, 1, today=TODAY)
    assert "9.7 a." in html and "9.7 b." in html and "9.7 c." in html
    assert "data:image/svg+xml;base64," in html


def test_charts_are_svg_with_text_and_no_outside_references():
    svg = charts.received_by_quarter([("Q1", 3, 1), ("Q2", 5, 0), ("Q3", 0, 0), ("Q4", 2, 2)])
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Stage 1" in svg  # text kept as text
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]+"|<!DOCTYPE[^>]+>', "", svg)
    assert svg == charts.received_by_quarter([("Q1", 3, 1), ("Q2", 5, 0), ("Q3", 0, 0), ("Q4", 2, 2)])
