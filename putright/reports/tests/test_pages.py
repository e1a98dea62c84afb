"""The staff report pages: who may read and edit, figures with definitions, the cases behind a figure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from putright.accounts.models import Role, User
from putright.cases.demo import build_demo
from putright.reports.models import ReportNarrative
from putright.reports.queries import annual_figures, case_filters
from tests.moduledata import module_data

TODAY = dt.date(2026, 5, 20)
YEAR = 2025


_demo_built = module_data(lambda: build_demo(today=TODAY, residents=30, complaints=60, requests=6, compliments=3))


@pytest.fixture
def demo(_demo_built, db):
    """The demo landlord, built once for the module (tests/moduledata.py)."""


def client_for(role: str | None) -> Client:
    client = Client()
    if role:
        user = User.objects.create_user(username=f"r-{role}", password="x-Long-pass-99", role=role)
        client.force_login(user)
    return client


URLS = [
    "/reports/",
    f"/reports/{YEAR}/",
    f"/reports/{YEAR}/q2/",
    f"/reports/{YEAR}/cases/stage1.received/",
    f"/reports/{YEAR}/annual-report/",
    f"/reports/{YEAR}/q1/board-report/",
]


# Before the first test that asks for `demo`: it must not see the demo landlord.
def test_the_figures_read_as_words_not_keys(client, handler, db):
    from putright.reports.render import figure_label, in_words

    assert figure_label("stage1.received_by_tenure.lcra") == "Stage 1: Received, by tenure: LCRA"
    text = in_words("stage1.received split by tenure; counted under not_recorded; lcra over LCRA homes; null when not set.")
    assert text == "“Stage 1: Received” split by tenure; counted under not recorded; LCRA over LCRA homes; not available when not set."
    client.force_login(handler)
    html = client.get("/reports/2025/").content.decode()
    assert "1 April 2025 to 31 March 2026" in html
    shown = re.sub(r'(href|id)="[^"]*"', "", html)  # keys may stay in links, not in the words
    assert "stage1." not in shown and "null" not in shown and "n/a%" not in shown
    html = client.get("/reports/2025/cases/stage1.received/").content.decode()
    assert "Cases behind “Stage 1: Received”" in html


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_staff_role_may_read_the_reports(demo, role):
    client = client_for(role)
    for url in URLS:
        assert client.get(url).status_code == 200, url
    assert client.get("/reports/").content.count(b"/reports/2025/") >= 1


def test_the_pdf_report_is_served(demo):
    response = client_for(Role.OVERSIGHT).get(f"/reports/{YEAR}/annual-report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_every_figure_shows_its_definition_and_links_to_its_cases(demo):
    page = client_for(Role.OVERSIGHT).get(f"/reports/{YEAR}/").content.decode()
    figures = annual_figures(YEAR)
    assert figures["definitions"]["stage1.received"].split(":")[0] in page.replace("&#x27;", "'")
    assert f'href="/reports/{YEAR}/cases/stage1.received/">{figures["stage1"]["received"]}<' in page
    assert f'href="/reports/{YEAR}/cases/stage2.responded/">{figures["stage2"]["responded"]}<' in page


@pytest.mark.parametrize("key", ["stage1.received", "stage1.within_timescale", "stage1.decisions.upheld", "refused.total"])
def test_a_figure_link_lists_exactly_figure_many_cases(demo, key, monkeypatch):
    from putright.reports import views

    assert views.PAGE_SIZE == 25
    monkeypatch.setattr(views, "PAGE_SIZE", 5)  # the demo's counts are small: walk several pages
    figures = annual_figures(YEAR)
    value = figures
    for part in key.split("."):
        value = value[part]
    client = client_for(Role.HANDLER)
    seen: set[str] = set()
    page = 1
    while True:
        html = client.get(f"/reports/{YEAR}/cases/{key}/", {"page": page}).content.decode()
        refs = re.findall(r'<td class="govuk-table__cell"><a class="govuk-link" href="/cases/([^/"]+)/"', html)
        assert len(refs) <= 5
        seen.update(refs)
        if 'rel="next"' not in html:
            break
        page += 1
    assert len(seen) == value
    assert value <= 5 or page > 1
    assert seen == set(case_filters(YEAR, key).values_list("reference", flat=True))


def test_a_quarter_figure_lists_the_quarter_cases(demo):
    q = 2
    expected = case_filters(YEAR, "stage1.received", quarter=q).count()
    html = client_for(Role.HANDLER).get(f"/reports/{YEAR}/cases/stage1.received/", {"quarter": q}).content.decode()
    assert f"<strong>{expected}</strong> case" in html


def test_an_unknown_figure_or_year_is_not_found(demo):
    client = client_for(Role.MANAGER)
    assert client.get(f"/reports/{YEAR}/cases/stage1.nothing/").status_code == 404
    assert client.get("/reports/1066/").status_code == 404
    assert client.get(f"/reports/{YEAR}/q5/").status_code == 404


@pytest.mark.parametrize("role, allowed", [(Role.MANAGER, True), (Role.ADMINISTRATOR, True), (Role.HANDLER, False), (Role.OVERSIGHT, False)])
def test_only_managers_and_administrators_edit_the_narrative(demo, role, allowed):
    client = client_for(role)
    url = f"/reports/{YEAR}/narrative/governing_body_response/"
    response = client.post(url, {"text": "The board <b>accepts</b> the report."})
    if not allowed:
        assert response.status_code == 403
        assert not ReportNarrative.objects.exists()
        assert b"/narrative/" not in client.get(f"/reports/{YEAR}/").content
        return
    assert response.status_code == 302
    item = ReportNarrative.objects.get(year=YEAR, section="governing_body_response")
    assert item.text == "The board <b>accepts</b> the report." and item.updated_by.role == role
    html = client.get(f"/reports/{YEAR}/annual-report/").content.decode()
    assert "The board &lt;b&gt;accepts&lt;/b&gt; the report." in html  # escaped, never markup
    assert client.get(f"/reports/{YEAR}/narrative/q3.issues_and_trends/").status_code == 200
    assert client.get(f"/reports/{YEAR}/narrative/nonsense/").status_code == 404


def test_satisfaction_survey_answers_are_counted_per_point_for_cases_closed_in_the_period(demo):
    from putright.cases.models import Case
    from putright.portal.models import SurveyResponse
    from putright.reports.render import satisfaction
    from putright.reports import periods

    closed = list(Case.objects.filter(closed_on__range=(dt.date(2025, 4, 1), dt.date(2026, 3, 31))).order_by("pk")[:4])
    other = Case.objects.filter(closed_on__lt=dt.date(2025, 4, 1)).first()
    assert len(closed) == 4
    for case, rating in zip(closed, [5, 5, 2, 4]):
        SurveyResponse.objects.create(case=case, rating=rating)
    if other:
        SurveyResponse.objects.create(case=other, rating=1)  # closed in 2024/25: not counted
    result = satisfaction(periods.reporting_year(YEAR))
    assert {r["rating"]: r["count"] for r in result["rows"]} == {5: 2, 4: 1, 3: 0, 2: 1, 1: 0}
    assert (result["total"], result["satisfied"], result["satisfied_percent"]) == (4, 3, 75.0)
    client = client_for(Role.OVERSIGHT)
    page = client.get(f"/reports/{YEAR}/").content.decode()
    assert f'href="/reports/{YEAR}/cases/satisfaction.5/">2<' in page
    listed = client.get(f"/reports/{YEAR}/cases/satisfaction.5/").content.decode()
    assert "<strong>2</strong> cases" in listed
    assert "75.0% satisfied or very satisfied" in client.get(f"/reports/{YEAR}/annual-report/").content.decode()
