"""`putright report self-assessment`, and the self-assessment appended to the annual report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.reports.render import annual_html
from putright.selfassessment import publish
from putright.selfassessment.provisions import NUMBERS
from putright.selfassessment.tests import answers
from putright.selfassessment.tests.answers import YEAR

TODAY = dt.date(2026, 11, 23)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("report", *args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(raised.value)
    assert "\n" not in message
    return message


def provisions_in(html: str) -> list[str]:
    return re.findall(r'<tr id="provision-([\d.]+)">', html)


@pytest.fixture
def versions(db):
    """Version 1 approved; version 2 a later draft of the same year."""
    answers.cases()
    first = answers.answered()
    first.approve(on=dt.date(2026, 5, 1), response="The board accepts the self-assessment.")
    second = answers.answered("Self-assessment after the restructure", previous=first)
    second.answers.filter(provision="6.3").update(complies="yes", commentary="")
    return first, second


# --- the command --------------------------------------------------------------------------------


def test_it_writes_the_approved_version_as_html_to_standard_output_and_says_which(versions):
    out, err = run("self-assessment", "--year", str(YEAR), "--format", "html")
    assert provisions_in(out) == list(NUMBERS)
    assert "<h1>Self-assessment 2025/26</h1>" in out and "Approved by the governing body on 1 May 2026." in out
    assert err.strip() == "2025/26 self-assessment “Self-assessment 2025/26”, version 1: approved by the governing body on 1 May 2026"


def test_it_writes_a_chosen_version_as_csv_to_a_file(versions, tmp_path):
    target = tmp_path / "sa.csv"
    out, err = run("self-assessment", "--year", str(YEAR), "--format", "CSV", "--version", "2", "--output", str(target))
    assert out == ""
    assert "version 2: DRAFT – not yet approved by the governing body" in err
    assert f"Wrote the 2025/26 self-assessment, version 2 (CSV), to {target}" in err
    raw = target.read_bytes()
    assert raw.startswith(b"section,provision,") and raw.endswith(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == 72 and [r["provision"] for r in rows] == list(NUMBERS)
    assert next(r for r in rows if r["provision"] == "6.3")["complies"] == "yes"  # version 2's answer, not version 1's
    assert raw.decode("utf-8") == publish.csv_text(versions[1])


def test_it_takes_the_latest_version_while_none_is_approved(db):
    answers.cases()
    first = answers.answered()
    answers.answered("Second draft", previous=first)
    out, err = run("self-assessment", "--year", str(YEAR), "--format", "csv")
    assert "“Second draft”, version 2: DRAFT – not yet approved by the governing body" in err
    assert len(list(csv.DictReader(io.StringIO(out)))) == 72


def test_it_writes_a_pdf_that_reads_back_with_the_table(versions, tmp_path):
    from pypdf import PdfReader

    target = tmp_path / "sa.pdf"
    _, err = run("self-assessment", "--year", str(YEAR), "--format", "pdf", "--output", str(target))
    assert "Wrote the 2025/26 self-assessment, version 1 (PDF)" in err
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(str(target)).pages))
    assert text.startswith("Self-assessment 2025/26")
    assert "Approved by the governing body on 1 May 2026." in text
    assert "Complaints must be acknowledged, defined and logged at stage 1" in text  # 6.2
    assert answers.COMMENTARY_6_3 in text


@pytest.mark.parametrize("args, says", [
    (["--format", "json"], "--format json is not available for a self-assessment: use html, pdf or csv"),
    (["--format", "xml"], "--format must be html, pdf or csv for a self-assessment, not 'xml'"),
    ([], "--format is required with `self-assessment`: html, pdf or csv"),
    (["--format", "pdf"], "--format pdf needs --output FILE"),
    (["--format", "html", "--version", "two"], "--version must be a version number such as 2, not 'two'"),
    (["--format", "html", "--version", "0"], "--version must be a version number"),
    (["--format", "html", "--version", "3"], "there is no version 3 of the 2025/26 self-assessment (versions for 2025/26: 1, 2)"),
    (["--format", "html", "--quarter", "1"], "--quarter is only for `putright report quarter`"),
    (["--format", "html", "--output", "/no/such/dir/sa.html"], "does not exist"),
])
def test_it_refuses_bad_self_assessment_input_in_one_line(versions, args, says):
    assert says in fails("self-assessment", "--year", str(YEAR), *args)


def test_it_says_when_a_year_has_no_self_assessment(versions):
    assert fails("self-assessment", "--year", "2023", "--format", "html") == (
        "there is no self-assessment for 2023/24 (years with one: 2025/26)")


@pytest.mark.django_db
def test_it_says_when_there_is_no_self_assessment_at_all():
    assert fails("self-assessment", "--year", "2024", "--format", "csv") == (
        "there is no self-assessment for 2024/25 (none has been started)")


@pytest.mark.django_db
def test_the_other_reports_refuse_a_version_and_name_the_new_kind():
    assert fails("annual", "--year", "2024", "--version", "2") == "--version is only for `putright report self-assessment`, not `annual`"
    assert "`putright report self-assessment --year 2024 --format html`" in fails("monthly", "--year", "2024")


# --- the annual report's appendix -------------------------------------------------------------------


APPENDIX = '<h2 id="appendix-self-assessment" class="appendix">Appendix: self-assessment against the Complaint Handling Code</h2>'
NOT_APPROVED = ("The self-assessment against the Complaint Handling Code for 2025/26 has not yet been approved by the "
                "governing body, so it is not appended to this report.")


def appendix_of(html: str) -> str:
    assert html.count(APPENDIX) == 1
    return html.split(APPENDIX, 1)[1]


def test_the_annual_report_appends_the_approved_self_assessment_table(versions):
    first, _draft = versions
    html = annual_html(YEAR, today=TODAY)
    assert 'The full self-assessment is in the <a href="#appendix-self-assessment">appendix</a>.' in html
    appendix = appendix_of(html)
    assert NOT_APPROVED not in html
    assert "“Self-assessment 2025/26”, version 1, approved by the governing body on 1 May 2026" in appendix
    assert provisions_in(appendix) == list(NUMBERS) and provisions_in(html) == list(NUMBERS)
    assert "Training for handlers by 30 September 2026." in appendix  # version 1's 6.3, not the later draft's
    assert f"From our complaint records: {answers.SENTENCE_6_2}" in appendix
    assert "Answered yes, but" not in appendix
    # Written once: the appendix's tables are the published document's, character for character.
    tables = re.compile(r'<table class="sa">.*?</table>', flags=re.DOTALL)
    assert tables.findall(appendix) == tables.findall(publish.html(first)) != []


def test_the_annual_report_says_plainly_when_no_self_assessment_is_approved(db):
    answers.cases()
    answers.answered()  # a draft only
    html = annual_html(YEAR, today=TODAY)
    appendix = appendix_of(html)
    assert NOT_APPROVED in appendix
    assert '<table class="sa">' not in html and provisions_in(html) == []
