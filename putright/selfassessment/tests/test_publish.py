"""The self-assessment as published: the web page, the PDF, the CSV, and who may download them."""

from __future__ import annotations

import csv
import datetime as dt
import html as entities
import io
import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from putright.accounts.models import Role, User
from putright.cases.models import LandlordSettings
from putright.portal import access
from putright.reports.queries import annual_figures
from putright.selfassessment import evidence as data
from putright.selfassessment import publish
from putright.selfassessment.provisions import BY_NUMBER, NUMBERS
from putright.selfassessment.urls import urlpatterns

from . import answers
from .answers import YEAR

COLUMNS = ["section", "provision", "requirement", "complies", "evidence", "data_evidence", "commentary"]


@pytest.fixture
def assessment(db):
    answers.cases()
    return answers.answered()


def rows_of(html: str) -> dict[str, str]:
    """Each published row's HTML, by provision number, in the order of the page."""
    found = re.findall(r'<tr id="provision-([\d.]+)">(.*?)</tr>', html, flags=re.DOTALL)
    return dict(found)


def cells(row_html: str) -> list[str]:
    return [entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, flags=re.DOTALL)]


# --- the web page ------------------------------------------------------------------------------


def test_it_publishes_every_provision_in_the_codes_order_with_its_answer(assessment):
    html = publish.html(assessment, today=dt.date(2026, 5, 20))
    rows = rows_of(html)
    assert list(rows) == list(NUMBERS) and len(rows) == 72
    captions = re.findall(r"<caption>Section (\d): ([^<]+)</caption>", html)
    assert [n for n, _ in captions] == [str(n) for n in range(1, 10)]
    assert captions[5] == ("6", "Complaints Stages") and captions[8][1] == "Scrutiny &amp; oversight: continuous learning and improvement"
    for number in NUMBERS:
        provision, requirement, complies, _evidence, _commentary = cells(rows[number])
        assert provision == number
        assert requirement == BY_NUMBER[number][2]
        expected = "Not answered" if number in answers.UNANSWERED else {"2.1": "N/A", "6.3": "No"}.get(number, "Yes")
        assert complies == expected, number
    assert cells(rows["6.3"])[4] == answers.COMMENTARY_6_3
    assert "2 provisions are not answered yet." in html
    assert "Produced by PutRight on 20 May 2026." in html


def test_it_gives_the_figures_as_evidence_but_nothing_only_staff_see(assessment):
    staff = Client()
    staff.force_login(User.objects.create_user("owen", password="x-Long-pass-99", role=Role.OVERSIGHT))
    page = staff.get(reverse("selfassessment:detail", args=[assessment.pk])).content.decode()
    # The staff page has the warning and the case behind 6.4: the published page must not.
    assert answers.WARNING_6_2 in page and f">{answers.STAFF_ONLY_REFERENCE}</a>" in page

    html = publish.html(assessment)
    evidence = cells(rows_of(html)["6.2"])[3]
    assert evidence == ("Complaints policy, section 4.1. Audit of May 2025: every complaint logged the day it arrived. "
                        f"From our complaint records: {answers.SENTENCE_6_2}")
    assert "From our complaint records: 0 of 0 stage 2 escalation requests acknowledged" in cells(rows_of(html)["6.11"])[3]
    assert "Answered yes, but" not in html and "the figures show" not in html
    assert answers.STAFF_ONLY_REFERENCE not in html
    # Self-contained: no link or resource outside the page.
    assert not re.search(r"""(href|src)=["'](?!#)""", html)
    assert "url(" not in html and "@import" not in html and "<link" not in html and "<script" not in html


def test_it_says_draft_until_the_governing_body_approves_then_the_date_and_its_response(assessment):
    html = publish.html(assessment)
    assert '<p class="draft">DRAFT – not yet approved by the governing body</p>' in html
    assert 'class="status"' not in html and "<h2>The governing body's response</h2>" not in html
    assert "<title>Self-assessment 2025/26, version 1</title>" in html  # no landlord name set: none shown
    assert "Our landlord" not in html

    landlord = LandlordSettings.load()
    landlord.name = "Riverside & District Homes"
    landlord.save()
    assessment.approve(on=dt.date(2026, 7, 10), response="The board accepts it.\nTraining to be reported in March.")
    html = publish.html(assessment)
    assert "DRAFT" not in html
    assert '<p class="status">Approved by the governing body on 10 July 2026.</p>' in html
    assert "<h2>The governing body's response</h2>\n<p>The board accepts it.<br>Training to be reported in March.</p>" in html
    assert '<p class="landlord">Riverside &amp; District Homes</p>' in html
    assert "Version 1, for the reporting year 2025/26 (1 April 2025 to 31 March 2026)." in html


def test_it_escapes_what_staff_wrote(assessment):
    assessment.answers.filter(provision="5.1").update(evidence="<script>alert(1)</script>", commentary="Policy <b>v2</b>")
    row = rows_of(publish.html(assessment))["5.1"]
    assert "<script>" not in row and "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "Policy &lt;b&gt;v2&lt;/b&gt;" in row


def test_it_shows_a_provision_with_no_answer_row_as_not_answered(assessment):
    assessment.answers.filter(provision="7.4").delete()  # 7.4: a provision the figures have nothing on
    assert cells(rows_of(publish.html(assessment))["7.4"])[2:] == ["Not answered", "", ""]
    assert next(r for r in csv.DictReader(io.StringIO(publish.csv_text(assessment))) if r["provision"] == "7.4")["complies"] == ""


# --- the CSV -----------------------------------------------------------------------------------


def test_it_writes_the_csv_with_exactly_the_named_columns_and_one_row_per_provision(assessment):
    text = publish.csv_text(assessment)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert reader.fieldnames == COLUMNS
    assert [r["provision"] for r in rows] == list(NUMBERS) and len(rows) == 72
    by = {r["provision"]: r for r in rows}
    assert by["1.2"]["section"] == "1" and by["9.8"]["section"] == "9" and by["6.20"]["section"] == "6"
    assert by["6.13"]["requirement"] == BY_NUMBER["6.13"][2]
    assert {r["complies"] for r in rows} == {"yes", "no", "na", ""}
    assert [r["provision"] for r in rows if r["complies"] == ""] == list(answers.UNANSWERED)
    assert (by["6.2"]["complies"], by["6.2"]["evidence"], by["6.2"]["data_evidence"]) == ("yes", answers.EVIDENCE_6_2, answers.SENTENCE_6_2)
    assert (by["6.3"]["complies"], by["6.3"]["commentary"]) == ("no", answers.COMMENTARY_6_3)
    assert by["1.3"]["data_evidence"] == ""
    assert "Answered yes" not in text and answers.STAFF_ONLY_REFERENCE not in text


# --- the staff pages ---------------------------------------------------------------------------

READERS = (Role.ADMINISTRATOR, Role.MANAGER, Role.HANDLER, Role.OVERSIGHT)
DOWNLOADS = {"download-pdf", "download-csv", "download-html"}


def test_every_url_of_the_app_is_known_to_the_access_tests():
    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    # index, detail, new, answer, approve: test_selfassessment.py; the downloads: below.
    assert names == {"index", "detail", "new", "answer", "approve"} | DOWNLOADS, "a new URL needs an access test"


def test_the_detail_page_links_the_downloads(assessment):
    client = Client()
    client.force_login(User.objects.create_user("hari", password="x-Long-pass-99", role=Role.HANDLER))
    html = client.get(reverse("selfassessment:detail", args=[assessment.pk])).content.decode()
    for name, words in [("download-pdf", "Download as PDF"), ("download-csv", "Download as CSV"),
                        ("download-html", "Open the web page to publish (HTML)")]:
        url = reverse(f"selfassessment:{name}", args=[assessment.pk])
        assert f'href="{url}">{words}</a>' in html
    assert reverse("selfassessment:download-pdf", args=[assessment.pk]) == f"/self-assessment/{assessment.pk}/download.pdf"


def test_oversight_downloads_the_pdf_which_reads_back_with_the_table(assessment):
    from pypdf import PdfReader

    client = Client()
    client.force_login(User.objects.create_user("owen", password="x-Long-pass-99", role=Role.OVERSIGHT))
    response = client.get(f"/self-assessment/{assessment.pk}/download.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="self-assessment-2025-26-v1.pdf"'
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))
    assert "DRAFT – not yet approved by the governing body" in text
    assert "The person considering the complaint at stage 2 must not be the same person" in text  # 6.13
    assert "Comply with the Code (Yes/ No/N/A)" in text or "Comply with the Code (Yes/No/N/A)" in text
    assert "Not answered" in text
    assert answers.SENTENCE_6_2 in text
    assert "Training for handlers by 30 September 2026." in text


@pytest.mark.parametrize("role", READERS)
def test_every_staff_role_downloads_the_csv_and_the_web_page(assessment, role):
    client = Client()
    client.force_login(User.objects.create_user(f"u-{role}", password="x-Long-pass-99", role=role))
    page = client.get(f"/self-assessment/{assessment.pk}/download.html")
    assert page.status_code == 200 and page["Content-Type"] == "text/html; charset=utf-8"
    assert page["Content-Disposition"] == 'inline; filename="self-assessment-2025-26-v1.html"'
    assert len(rows_of(page.content.decode())) == 72
    sheet = client.get(f"/self-assessment/{assessment.pk}/download.csv")
    assert sheet.status_code == 200 and sheet["Content-Type"] == "text/csv; charset=utf-8"
    assert sheet["Content-Disposition"] == 'attachment; filename="self-assessment-2025-26-v1.csv"'
    assert len(list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8"))))) == 72
    assert client.post(f"/self-assessment/{assessment.pk}/download.csv").status_code == 405
    assert client.get(f"/self-assessment/{assessment.pk + 1000}/download.csv").status_code == 404


def _resident_client(resident) -> Client:
    client = Client()
    token, _ = access.mint_token(resident.email)
    assert client.post(f"/track/link/{token}/").status_code == 302  # a private link signs in by its button
    assert client.session[access.SESSION_KEY]["email"] == resident.email  # signed in to the portal
    return client


@pytest.mark.parametrize("who", ["anonymous", "resident", "inactive"])
def test_no_one_without_a_staff_role_downloads_anything(assessment, resident, who):
    if who == "resident":
        client = _resident_client(resident)
    else:
        client = Client()
        if who == "inactive":
            client.force_login(User.objects.create_user("ian", password="x-Long-pass-99", role=Role.OVERSIGHT, is_active=False))
    for name in sorted(DOWNLOADS):
        url = reverse(f"selfassessment:{name}", args=[assessment.pk])
        response = client.get(url)
        assert response.status_code == 302, (who, url)
        assert response.url.startswith(reverse("accounts:sign-in") + "?next="), (who, url)
        assert b"Code requirement" not in response.content


# --- the figures counted once for the annual report -------------------------------------------------


def test_the_evidence_can_reuse_the_years_figures_but_only_that_years(assessment):
    figures = annual_figures(YEAR)
    assert data.evidence_for(YEAR, figures=figures) == data.evidence_for(YEAR)
    with pytest.raises(ValueError, match="the figures given are for 2024/25, not 2025/26"):
        data.evidence_for(YEAR, figures=annual_figures(YEAR - 1))
