"""The counts of cases by state kept by triggers (putright.performance.casecounts) always equal a
live COUNT: after an import, every step of the service path, queryset updates, SQL typed by hand,
deletes, folding the rows together, and triggers taken off and put back. The queue shows them as
exact totals, so they must be."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, ServiceArea
from putright.cases.tests import factories as f
from putright.performance import casecounts, schema
from putright.performance.casecounts import Kept
from putright.performance.counting import count_each
from putright.performance.models import CaseCount
from putright.performance.tests.test_open_orders import area  # noqa: F401 (fixture)
from putright.performance.tests.test_tallies import history
from putright.reports.tests.histories import load
from putright.rules.lifecycle import Kind, State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def assert_counts_agree() -> None:
    areas = list(ServiceArea.objects.values_list("pk", flat=True))
    kept = count_each({"all": Kept(None), "open": Kept(open=True), **{s.value: Kept([s.value]) for s in State},
                       "two": Kept([State.CLOSED.value, State.STAGE1_LOGGED.value]),
                       **{f"{k}:open": Kept(open=True, kind=k.value) for k in Kind},
                       **{f"{k}:{s}": Kept([s.value], kind=k.value) for k in Kind for s in State},
                       **{f"{a}:{s}": Kept([s.value], area=a) for a in areas for s in State},
                       **{f"{a}:all": Kept(None, area=a) for a in areas}})
    live = {"all": Case.objects.count(), "open": Case.objects.filter(is_open=True).count(),
            **{s.value: Case.objects.filter(state=s.value).count() for s in State},
            "two": Case.objects.filter(state__in=[State.CLOSED, State.STAGE1_LOGGED]).count(),
            **{f"{k}:open": Case.objects.filter(is_open=True, kind=k).count() for k in Kind},
            **{f"{k}:{s}": Case.objects.filter(kind=k, state=s).count() for k in Kind for s in State},
            **{f"{a}:{s}": Case.objects.filter(service_area=a, state=s).count() for a in areas for s in State},
            **{f"{a}:all": Case.objects.filter(service_area=a).count() for a in areas}}
    assert kept == live
    assert live["all"] > 0
    assert casecounts.agree()


def test_an_import_and_every_step_of_the_service_path_keep_them_true(handler, other_handler, manager, resident):
    load([r for r in history(5, 30) if dt.date.fromisoformat(max(v for k, v in r.items() if k.endswith("_on") and v)) <= f.TODAY])
    rows = 2 * len(State) * len(Kind) * (ServiceArea.objects.count() + 1)
    assert CaseCount.objects.count() <= rows  # the import's rows folded, one a kind, state and area
    assert_counts_agree()
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
        assert_counts_agree()
    case = f.complaint_at("refused", handler=handler, resident=resident)
    actions.reopen(case, reason="Refused in error.", actor=manager)
    f.log_service_request()
    f.log_compliment()
    assert_counts_agree()
    assert casecounts.compact()["rows"] <= rows
    assert CaseCount.objects.count() <= rows
    assert_counts_agree()


def test_changes_outside_the_service_path_keep_them_true(handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(3)] + [f.log_compliment()]
    casecounts.compact()
    Case.objects.filter(pk=cases[0].pk).update(state=State.CLOSED, is_open=False)
    Case.objects.filter(pk=cases[1].pk).update(is_open=False)  # out of step with its state: counted as it is
    assert_counts_agree()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = 'withdrawn' WHERE id = %s", [cases[2].pk])
        cursor.execute("UPDATE cases_case SET state = state WHERE id = %s", [cases[3].pk])  # no change
    assert_counts_agree()
    with connection.cursor() as cursor:  # a kind changed by hand (the service path never does)
        cursor.execute("UPDATE cases_case SET kind = 'service_request' WHERE id = %s", [cases[3].pk])
    assert_counts_agree()
    # A case copied in and removed again by hand.
    columns = [f.column for f in Case._meta.concrete_fields if f.column not in ("id", "reference")]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO cases_case (reference, {listed}) SELECT 'BY-HAND-1', {listed} FROM cases_case WHERE id = %s",
                       [cases[3].pk])
        assert_counts_agree()
        cursor.execute("DELETE FROM cases_case WHERE reference = 'BY-HAND-1'")
    assert_counts_agree()
    casecounts.compact()
    assert_counts_agree()


def test_counted_again_when_the_triggers_come_back(handler):
    f.complaint_at("stage1_acknowledged", handler=handler)
    schema.drop_triggers(connection)  # as before a migrate
    case = f.log_compliment()
    Case.objects.filter(pk=case.pk).update(state=State.CLOSED, is_open=False)
    schema.ensure(connection)  # as after it
    assert_counts_agree()
    casecounts.rebuild()
    assert_counts_agree()


@pytest.mark.parametrize("url, live", [
    ("/cases/?cases=all&state=all", lambda: Case.objects.count()),
    ("/cases/?cases=all&state=closed", lambda: Case.objects.filter(state="closed").count()),
    ("/cases/?cases=all", lambda: Case.objects.filter(is_open=True).count()),
])
def test_the_queue_shows_the_kept_total_and_it_is_the_live_one(url, live, client, handler):
    for state in ("stage1_acknowledged", "closed", "closed", "withdrawn"):
        f.complaint_at(state, handler=handler)
    # A kept count that disagreed would show: plant a wrong row, then put it right.
    CaseCount.objects.create(kind="complaint", state="closed", is_open=False, delta=1000)
    client.force_login(handler)
    html = client.get(url).content.decode()
    shown = int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', html)[1])
    assert shown == live() + (1000 if "state=closed" in url or "state=all" in url else 0)
    casecounts.rebuild()
    html = client.get(url).content.decode()
    assert int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', html)[1]) == live()


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_them_true(handler, monkeypatch):
    """SQLite's flush deletes the cases row by row, each counted by the triggers, in the order of a
    set of table names (it varies from run to run): the counts may be emptied first, leaving the
    removals counted. They are made again after a flush (as after a migrate)."""
    from django.core.management import call_command

    f.complaint_at("stage1_acknowledged", handler=handler)
    names = connection.introspection.django_table_names
    monkeypatch.setattr(connection.introspection, "django_table_names",  # the counts first: the bad order
                        lambda *a, **kw: sorted(names(*a, **kw), key=lambda t: t != "performance_casecount"))
    call_command("flush", interactive=False, verbosity=0)
    assert not Case.objects.exists()
    assert count_each({"all": Kept(None), "open": Kept(open=True)}) == {"all": 0, "open": 0}


#: Every way a queue can be filtered by kind or stage that the kept counts answer (everyone's).
KIND_FILTERS = [
    {"kind": kind, "stage": stage, "state": state}
    for kind in ("", "complaint", "service_request", "compliment")
    for stage in ("", "1", "2")
    for state in ("", "all", "stage1_acknowledged", "stage2_requested", "open", "closed", "withdrawn")
    if kind or stage
]


def test_kind_and_stage_totals_are_kept_and_equal_the_live_count(client, manager, handler, other_handler, resident):
    """A queue filtered by kind or stage (with any state, or none) takes its total from the counts
    kept by kind and state, and it is the count of the cases the page lists."""
    from putright.cases.calendar import landlord_calendar
    from putright.cases.views.queue import filtered_cases
    from putright.cases.views.queue_totals import kept_total

    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
    f.complaint_at("stage1_acknowledged", handler=handler, resident=resident)
    f.log_service_request()
    f.log_compliment()
    casecounts.compact()
    f.log_service_request()  # one still a +1 row of its own
    today, cal = f.TODAY, landlord_calendar()  # the day the views see (the autouse _today)
    for filters in KIND_FILTERS:
        data = {"cases": "all", **filters}
        kept = kept_total(data, today, cal, manager)
        assert isinstance(kept, Kept), filters
        assert count_each({"total": kept}) == {"total": filtered_cases(manager, data, today, cal).count()}, filters
    # A "My cases" filter, a due filter or another filter beside them is counted live.
    for other in ({"cases": "mine"}, {"due": "overdue"}, {"q": "boiler"}):
        assert kept_total({"cases": "all", "kind": "complaint", **other}, today, cal, manager) is None
    # The page shows the kept count: a wrong row planted shows, and is put right by a rebuild.
    CaseCount.objects.create(kind="complaint", state="stage1_acknowledged", is_open=True, delta=100)
    client.force_login(manager)
    url = "/cases/?cases=all&kind=complaint&stage=1"
    live = Case.objects.filter(kind="complaint", is_open=True, state__in=["stage1_logged", "stage1_acknowledged", "stage1_responded"]).count()
    shown = lambda: int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', client.get(url).content.decode())[1])  # noqa: E731
    assert live > 0 and shown() == live + 100
    casecounts.rebuild()
    assert shown() == live


def test_area_totals_are_kept_and_equal_the_live_count(client, manager, handler, area, today):  # noqa: F811
    """A queue filtered by a service area (with a state, "including closed", a kind, or none) takes
    its total from the counts kept by area, and it is the count of the cases the page lists; a
    case moved to another area (by hand here: the triggers count it) moves its count."""
    from putright.cases.calendar import landlord_calendar
    from putright.cases.views.queue import filtered_cases
    from putright.cases.views.queue_totals import kept_total

    cases = [f.complaint_at(state, handler=handler) for state in ("stage1_acknowledged", "closed", "closed", "withdrawn", "refused")]
    f.log_complaint(handler=handler, actor=handler, service_area=area)
    Case.objects.filter(pk__in=[c.pk for c in cases[1:4]]).update(service_area=area)
    assert_counts_agree()
    today, cal = f.TODAY, landlord_calendar()  # the day the views see (the autouse _today)
    for filters in ({"state": ""}, {"state": "all"}, {"state": "closed"}, {"state": "withdrawn", "kind": "complaint"},
                    {"state": "refused"}, {"state": "all", "stage": "1"}, {"state": "closed", "sort": "-deadline"}):
        data = {"cases": "all", "service_area": area, "sort": "deadline", **filters}
        kept = kept_total(data, today, cal, manager)
        assert isinstance(kept, Kept) and kept.area == area.pk, filters
        assert count_each({"total": kept}) == {"total": filtered_cases(manager, data, today, cal).count()}, filters
    assert count_each({"closed": Kept(["closed"], area=area.pk)}) == {"closed": 2}
    client.force_login(manager)
    html = client.get(f"/cases/?cases=all&state=closed&service_area={area.pk}").content.decode()
    assert int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', html)[1]) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps a table's pages after its rows are deleted")
@pytest.mark.django_db(transaction=True)
def test_a_table_a_bulk_write_left_big_is_written_again_small_when_folded():
    """A bulk write leaves a +1/-1 row a case; folded, their space stayed in the table and every
    page's total read it all (130 MB for 180 rows after a million-case build: 84 ms a page)."""
    with connection.cursor() as cursor:  # as an import of 100,000 cases, then a case closed each
        cursor.execute(f"INSERT INTO {casecounts.TABLE} (kind, state, is_open, service_area_id, delta) "
                       "SELECT 'complaint', CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'stage1_acknowledged' END, g % 2 = 1, NULL, "
                       "CASE WHEN g <= 100000 THEN 1 ELSE -1 END FROM generate_series(1, 200000) AS g")
        cursor.execute("SELECT pg_relation_size(%s)", [casecounts.TABLE])
        assert cursor.fetchone()[0] >= casecounts.BLOATED_BYTES
    assert casecounts.compact()["shrunk"] == casecounts.TABLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [casecounts.TABLE])
        assert cursor.fetchone()[0] < 64 * 1024
        cursor.execute(f"SELECT state, SUM(delta) FROM {casecounts.TABLE} GROUP BY state")
        assert cursor.fetchall() == []  # every +1 met its -1
    assert "shrunk" not in casecounts.compact()  # small now: left alone
