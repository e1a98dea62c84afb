"""One handler's cases with closed ones ("including closed" or a closed state, with "My cases" or a
handler chosen), and a theme's with closed ones (putright.cases.views.queue_indexes,
`ONE_HANDLER_EVERY`, performance migration 0023; `queue_themes.counted_rows`).

They must give the very cases, in the very order, and the very total the query as written before
the indexes gives (test_open_orders.BEFORE, planned freely), page by page, by "Next" and
"Previous" as by the page number; and read a page from an index in the sort's order after the
handler (a theme: the sort's index of every case, the theme's row probed for each entry), never
all of the handler's or the theme's cases sorted (at a million cases: 100-240 ms a page on SQLite,
up to 1.2 s on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseTheme, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_keyset import _today_and_size, shown, walk  # noqa: F401 (fixture)
from putright.cases.views import queue, queue_indexes
from putright.cases.views.queue import filtered_cases
from putright.performance.tests import built_once
from putright.performance.tests.test_open_orders import SORTS, ordering_before
from putright.performance.tests.test_plans import (  # noqa: F401 (fixtures)
    STATES,
    _forget_statistics,
    captured_get,
    plan,
    planted,
)
from tests.moduledata import module_data

pytestmark = pytest.mark.django_db

PAGING = 'SELECT "cases_case"."id" AS "pk" FROM "cases_case"'


def _closed_too(handler, other_handler, resident) -> None:
    """Closed, withdrawn and refused cases of both handlers (received on shared days, some with a
    resident), and a theme, "Delay", on most cases, open or closed."""
    for i in range(40):
        first, second = (other_handler, handler) if i % 5 else (handler, other_handler)  # closed: stage 2's handler
        f.complaint_at(["closed", "closed", "withdrawn", "stage1_acknowledged"][i % 4], handler=first, stage2_handler=second,
                       resident=None if i % 2 else resident,
                       received_on=f.TODAY - dt.timedelta(days=20 + i % 5))
    delay = Theme.objects.create(name="Delay")
    for i, case in enumerate(Case.objects.order_by("pk")):
        if i % 3:
            case.themes.set([delay], through_defaults=CaseTheme.defaults_for(case))


# test_open_orders' open cases and the closed ones above, built once for the module (built_once.py),
# and its people in place of conftest's.
_built = module_data(lambda: built_once.open_cases(_closed_too))
handler, other_handler = built_once.handler, built_once.other_handler


@pytest.fixture
def closed_too(_built, db):
    return Theme.objects.get(name="Delay")


def expected(user, data: dict) -> list[int]:
    """The cases as the query was written before: filtered plainly, the theme joined, sorted as
    `SORTS` was (test_open_orders.BEFORE)."""
    qs = Case.objects.all()
    if data.get("state") != "all":
        qs = qs.filter(state=data["state"])
    if data.get("cases") == "mine":
        qs = qs.filter(handler=user)
    if data.get("handler"):
        qs = qs.filter(handler=data["handler"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("theme"):
        qs = qs.filter(themes=data["theme"])
    return list(qs.order_by(*ordering_before(data["sort"])).values_list("pk", flat=True))


def filters(theme, other_handler) -> list[dict]:
    return [
        {"state": "all", "cases": "mine"}, {"state": "all", "handler": other_handler}, {"state": "closed", "cases": "mine"},
        {"state": "withdrawn", "handler": other_handler}, {"state": "all", "cases": "mine", "kind": "complaint"},
        {"state": "all", "theme": theme}, {"state": "all", "theme": theme, "cases": "mine"}, {"state": "closed", "theme": theme},
    ]


@pytest.mark.parametrize("sort", SORTS)
def test_the_cases_order_and_total_are_the_query_s_as_written(sort, closed_too, handler, other_handler):
    cal = landlord_calendar()
    sizes = []
    for chosen in filters(closed_too, other_handler):
        data = {"cases": "all", **chosen, "sort": sort}
        want = expected(handler, data)
        sizes.append(len(want))
        now = filtered_cases(handler, data, f.TODAY, cal)
        assert list(now.values_list("pk", flat=True)[:1000]) == want, chosen
        for start in range(0, len(want), 7):  # every offset a page can start at
            assert list(now.values_list("pk", flat=True)[start : start + 7]) == want[start : start + 7], chosen
        assert now.count() == len(want), chosen
    assert min(sizes) > 1 and max(sizes) > 25, sizes  # something to put in order


@pytest.mark.parametrize("sort", ["handler", "-handler", "deadline", "-state", "resident", "received", "-received"])
def test_next_and_previous_give_the_page_number_s_pages(sort, closed_too, handler, client):
    client.force_login(handler)
    for query in ("cases=mine&state=all", "cases=mine&state=closed", f"cases=all&state=all&theme={closed_too.pk}"):
        base = f"/cases/?{query}&sort={sort}"
        seen = walk(client, base)
        flat = [pk for rows in seen for pk in rows]
        data = dict(pair.split("=") for pair in query.split("&"))
        assert flat == expected(handler, {**data, "sort": sort}), query
        assert shown(client, base)[3]["page"].paginator.count == len(flat)


def test_one_handler_by_handler_is_in_the_order_of_their_ids(handler, other_handler):
    """Their names are the same on each of their cases, so the handler sort is the id's: written so
    the handler's index in id order reads a page (SQLite: its index of `handler_id`)."""
    cal = landlord_calendar()
    for data in ({"state": "all", "cases": "mine"}, {"state": "closed", "handler": other_handler}):
        for sort, by in (("handler", "id"), ("-handler", "-id")):
            qs = filtered_cases(handler, {"cases": "all", **data, "sort": sort}, f.TODAY, cal)
            assert [str(term) for term in qs.query.order_by] == [by], (data, sort)
    # Everyone's, or open cases only: the sort as written.
    for data in ({"state": "all"}, {"cases": "mine"}):
        qs = filtered_cases(handler, {"cases": "all", **data, "sort": "handler"}, f.TODAY, cal)
        assert len(qs.query.order_by) == 4, data


def test_the_total_of_a_theme_with_closed_cases_is_its_kept_count(closed_too, handler, client):
    """Each theme row is one case: the theme's cases are counted by triggers (decision 0019), read
    with the page's other counts; neither the theme's rows nor its cases are counted (at a million
    cases 2 ms on SQLite and 4-6 on PostgreSQL for the rows, against 70 and 190 joined)."""
    client.force_login(handler)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/?cases=all&state=all&theme={closed_too.pk}&sort=-state")
    assert response.context["page"].paginator.count == len(expected(handler, {"state": "all", "theme": closed_too, "sort": "state"}))
    assert any("performance_themecasecount" in q["sql"] for q in queries.captured_queries)
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"] and "cases_case_themes" in q["sql"]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite is told its indexes; PostgreSQL's planner chooses")
def test_sqlite_names_the_handler_s_index_in_the_sort_s_order(handler, other_handler):
    cal = landlord_calendar()

    def sql(data):
        qs = filtered_cases(handler, {"cases": "all", **data}, f.TODAY, cal)
        return str(qs.values_list("pk", flat=True)[:25].query), str(qs.order_by().values("pk").query)

    for sort, index in queue_indexes.ONE_HANDLER_EVERY.items():
        for data in ({"state": "all", "cases": "mine"}, {"state": "all", "handler": other_handler.pk},
                     {"state": "refused", "cases": "mine", "kind": "complaint"}, {"state": "all", "cases": "mine", "theme": 1}):
            assert f"INDEXED BY {index}" in sql({**data, "sort": sort})[0], (sort, data)
    # Counted: the handler's index, or with a closed state the handler's cases in that state (one range).
    assert "INDEXED BY cases_case_handler_id_" in sql({"state": "all", "cases": "mine"})[1]
    assert "INDEXED BY case_one_handler_state_order" in sql({"state": "closed", "cases": "mine"})[1]
    # A theme among every case: the sort's index of every case; the count left to the planner.
    paged, counted = sql({"state": "all", "theme": 1, "sort": "resident"})
    assert "INDEXED BY case_resident_order" in paged and "INDEXED BY" not in counted


def test_the_indexes_named_exist():
    with connection.cursor() as cursor:
        names = {info for info, about in connection.introspection.get_constraints(cursor, "cases_case").items() if about["index"]}
    meant = set(queue_indexes.ONE_HANDLER_EVERY.values())
    if connection.vendor == "postgresql":
        meant = (meant - {"cases_case_handler_id_21cefe0d"}) | {"case_one_handler_id_order"}
    assert meant <= names, meant - names


@pytest.mark.parametrize("sort", SORTS)
def test_a_page_reads_the_handler_s_entries_in_order_not_sorted(sort, closed_too, handler, client):
    """Under statistics as at a million cases (SQLite), and with sorts off (PostgreSQL: a test's few
    cases would be sorted gladly)."""
    client.force_login(handler)
    client.get("/cases/")
    for state in STATES:
        planted(state)
        for query in ("cases=mine&state=all", "cases=mine&state=closed"):
            captured = captured_get(client, f"/cases/?{query}&sort={sort}")
            (sql, params), = captured.matching(PAGING, "ORDER BY", "LIMIT")
            shown_plan = plan(sql, params)
            assert "TEMP B-TREE" not in shown_plan and "Sort" not in shown_plan, (query, state, shown_plan)
            if connection.vendor == "sqlite":
                assert queue_indexes.ONE_HANDLER_EVERY[sort] in shown_plan, (query, state, shown_plan)


@pytest.mark.parametrize("sort", [sort for sort in SORTS if sort.lstrip("-") != "received"])  # (by date: its rows, below)
def test_a_theme_with_closed_cases_reads_the_sort_s_index_probing_the_theme(sort, closed_too, handler, client):
    client.force_login(handler)
    client.get("/cases/")
    for state in STATES:
        planted(state)
        captured = captured_get(client, f"/cases/?cases=all&state=all&theme={closed_too.pk}&sort={sort}")
        (sql, params), = captured.matching(PAGING, "ORDER BY", "LIMIT")
        shown_plan = plan(sql, params)
        assert "TEMP B-TREE" not in shown_plan and "Sort" not in shown_plan, (state, shown_plan)
        if connection.vendor == "sqlite":
            assert queue_indexes.EVERY_ORDERS[sort] in shown_plan, (state, shown_plan)
            assert "cases_case_themes_case_id_theme_id" in shown_plan, (state, shown_plan)  # probed by case


@pytest.mark.parametrize("sort", ["received", "-received"])
def test_a_theme_with_closed_cases_by_date_received_is_paged_from_its_rows(sort, closed_too, handler, client):
    """The theme's rows carry the date received: one range of `case_theme_received`, where the
    sort's index of every case would read every case received before the theme's first."""
    client.force_login(handler)
    client.get("/cases/")
    url = f"/cases/?cases=all&state=all&theme={closed_too.pk}&sort={sort}"
    for state in STATES:
        planted(state)
        captured = captured_get(client, url)
        (sql, params), = captured.matching('FROM "cases_case_themes"', "ORDER BY", "LIMIT")
        shown_plan = plan(sql, params)
        assert "case_theme_received" in shown_plan, (state, shown_plan)
        assert "TEMP B-TREE" not in shown_plan and "Sort" not in shown_plan, (state, shown_plan)
    # Not with another filter: the rows carry no handler once their case is closed.
    assert queue.theme_rows(handler, {"cases": "mine", "state": "all", "theme": closed_too, "sort": sort}) is None
    assert queue.theme_rows(handler, {"cases": "all", "state": "all", "theme": closed_too, "sort": "resident"}) is None
