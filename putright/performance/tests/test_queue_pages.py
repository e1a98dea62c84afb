"""The queue stays within ten queries however full it is, its counts come in one query, and the
"reads as dissatisfied" tag is read from what triage stored when the request was logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.hazards.queries import counts as hazard_counts
from putright.ombudsman.views import review_counts, review_querysets
from putright.performance.compiled import CUSTOM, GENERIC, PLANNING
from putright.performance.counting import count_each
from putright.triage import stored

pytestmark = pytest.mark.django_db

UNHAPPY = "This is the third time I have reported the leak and nobody came. I am not happy at all."
PLAIN = "Please could you book someone to fix the kitchen tap."


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


@pytest.fixture
def staff_client(client, handler):
    client.force_login(handler)
    client.get("/cases/")
    return client


def request_logged(description: str, **kw) -> Case:
    return actions.log_case(kind="service_request", received_on=f.TODAY, description=description, today=f.TODAY, **kw)


def queries_of(client, url: str) -> tuple[int, str]:
    """The page's queries, and its HTML. The settings around statements planned one way on
    PostgreSQL (compiled.PLANNING, decisions 0021, 0022) read nothing: not counted."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    planning = {write.sql for writes in PLANNING[GENERIC] + PLANNING[CUSTOM] for write in writes}
    return sum(query["sql"] not in planning for query in captured), response.content.decode()


@pytest.mark.parametrize("url", ["/cases/?cases=all", "/cases/?cases=all&state=all", "/cases/?cases=all&due=overdue",
                                 "/cases/?cases=all&sort=resident", "/cases/?mine=1",
                                 # Searches: every test of the residents in one query (putright.cases.search).
                                 "/cases/?q=rita@example.org", "/cases/?q=07700+900+123", "/cases/?q=sw1a1aa", "/cases/?q=Pat",
                                 "/cases/?q=100023336956"])
def test_a_full_queue_page_makes_at_most_ten_queries(url, staff_client, handler, resident):
    ServiceArea.objects.create(name="Repairs")
    Theme.objects.create(name="Delay")
    type(resident).objects.filter(pk=resident.pk).update(phone="07700 900123", postcode="SW1A 1AA", uprn="100023336956")
    for i in range(6):
        f.complaint_at("stage1_acknowledged", handler=handler, resident=resident)
        request_logged(UNHAPPY if i % 2 else PLAIN, handler=handler)
    n, html = queries_of(staff_client, url)
    assert n <= 10, n
    assert html.count('<tr class="govuk-table__row">') == 1 + (6 if "q=" in url or "overdue" in url else 12), html  # the heading's row and the cases'


def test_the_tag_shows_the_words_stored_when_the_request_was_logged(staff_client, handler):
    unhappy = request_logged(UNHAPPY, handler=handler)
    plain = request_logged(PLAIN, handler=handler)
    assert unhappy.reads_as_complaint is True and unhappy.complaint_words
    assert plain.reads_as_complaint is False and plain.complaint_words == []
    _, html = queries_of(staff_client, "/cases/?cases=all")
    assert html.count("Reads as dissatisfied") == 1
    assert f"Words: {unhappy.complaint_words[0]}" in html

    # A complaint raised from it: the tag goes (Code 1.5 is answered), counted for the whole page in one query.
    actions.convert_to_complaint(unhappy, received_on=f.TODAY, description="Complaint about the leak.", actor=handler, today=f.TODAY)
    _, html = queries_of(staff_client, "/cases/?cases=all")
    assert "Reads as dissatisfied" not in html


def test_a_request_not_read_yet_is_read_on_the_spot_and_by_the_backfill_job(staff_client, handler):
    case = request_logged(UNHAPPY, handler=handler)
    Case.objects.filter(pk=case.pk).update(reads_as_complaint=None, complaint_words=None)  # as imported closed, or before upgrade
    _, html = queries_of(staff_client, "/cases/?cases=all")
    assert "Reads as dissatisfied" in html
    assert stored.backfill() == {"read": 1}
    case.refresh_from_db()
    assert case.reads_as_complaint is True and case.complaint_words
    assert stored.backfill() == {"read": 0}


def test_only_service_requests_are_read(handler):
    complaint = f.log_complaint(handler=handler, description=UNHAPPY)
    assert complaint.reads_as_complaint is None


def test_count_each_gives_the_same_counts_as_counting_one_by_one(handler, resident):
    for state in ("stage1_logged", "stage1_acknowledged", "closed"):
        f.complaint_at(state, handler=handler, resident=resident)
    querysets = {"all": Case.objects.all(), "open": Case.objects.filter(is_open=True), "none": Case.objects.none(),
                 "nothing": Case.objects.filter(pk__in=[]), **review_querysets(f.TODAY)}
    with CaptureQueriesContext(connection) as captured:
        counted = count_each(querysets)
    assert len(captured) == 1
    assert counted == {name: qs.count() for name, qs in querysets.items()}
    assert counted["all"] == 3 and counted["open"] == 2 and counted["none"] == counted["nothing"] == 0
    with pytest.raises(ValueError, match="sliced"):
        count_each({"first two": Case.objects.order_by("pk")[:2]})
    assert review_counts(f.TODAY)["total"] == 0
    assert hazard_counts() == {name: 0 for name in hazard_counts()}


def test_the_same_count_asked_twice_is_counted_once(handler, resident):
    f.complaint_at("stage1_acknowledged", handler=handler, resident=resident)
    with CaptureQueriesContext(connection) as captured:
        counted = count_each({"total": Case.objects.filter(is_open=True), "open": Case.objects.filter(is_open=True), "all": Case.objects.all()})
    assert counted == {"total": 1, "open": 1, "all": 1}
    assert captured.captured_queries[0]["sql"].count("COUNT(*)") == 2


def test_the_filters_options_are_read_fresh_each_time_though_written_out_once(staff_client, handler):
    theme = Theme.objects.create(name="Delay")
    area = ServiceArea.objects.create(name="Repairs")
    _, html = queries_of(staff_client, f"/cases/?cases=all&theme={theme.pk}")
    assert f'<option value="{theme.pk}" selected>Delay</option>' in html
    assert f'<option value="{area.pk}">Repairs</option>' in html
    # Changed without a signal (as another process would): the next page shows it.
    Theme.objects.filter(pk=theme.pk).update(name="Delays & waits")
    ServiceArea.objects.create(name="Lettings")
    _, html = queries_of(staff_client, "/cases/?cases=all")
    assert f'<option value="{theme.pk}">Delays &amp; waits</option>' in html
    assert ">Lettings</option>" in html and f'<option value="{theme.pk}" selected>' not in html
