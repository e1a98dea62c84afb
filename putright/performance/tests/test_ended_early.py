"""A state a case ends early in (refused, withdrawn) of everyone's cases, alone or with a filter few
of them pass (a theme, a service area): a page is read from the index of the refused and withdrawn
cases alone in the sort's order (performance migration 0027, `queue_indexes.ENDED_ORDERS`), where
it read the sort's index of every case, testing each case's state and theme (about 10,000 cases
for "withdrawn" and a theme at a million cases: 10-20 ms on either database).

The query says the state as written words (`queue_indexes.EndedEarly`): SQLite reads a partial
index only for a query with its condition, and PostgreSQL's plan for any values (decision 0021)
only where the words imply it. So the pages must be the state's cases in the sort's order by
"Next", "Previous" and page number, and the plans must read those indexes, planned once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.models import Case, CaseTheme, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_keyset import ALL_SORTS, walk
from putright.cases.views import queue as queue_view
from putright.cases.views import queue_indexes, queue_reads
from putright.performance.compiled import GENERIC
from putright.performance.tests.test_plans import captured_get, plan
from putright.rules import lifecycle

pytestmark = pytest.mark.django_db

#: Pages of 3: a state and a theme or an area fill a few.
SIZE = 3


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
    monkeypatch.setattr(queue_view, "PAGE_SIZE", SIZE)


@pytest.fixture
def chosen(handler, other_handler, resident):
    """Cases of every kind of state, a theme and a service area on some: ties in each sort (the
    same date, no resident, the same handler) and cases of the other states between them."""
    delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
    area = ServiceArea.objects.create(name="Lifts")
    states = ["withdrawn", "refused", "closed", "stage1_acknowledged", "withdrawn", "refused", "withdrawn"]
    for i in range(42):
        case = f.complaint_at(states[i % len(states)], handler=handler if i % 3 else other_handler,
                              resident=resident if i % 4 == 0 else None, received_on=f.TODAY - dt.timedelta(days=40 + i % 5))
        if i % 2 == 0:
            case.themes.set([delay] if i % 4 else [delay, noise], through_defaults=CaseTheme.defaults_for(case))
        if i % 3 == 0:
            Case.objects.filter(pk=case.pk).update(service_area=area)
    return {"theme": delay, "area": area}


@pytest.fixture
def staff_client(client, handler, chosen):
    client.force_login(handler)
    client.get("/cases/")  # the first request after signing in does one-off work
    return client


@pytest.mark.parametrize("sort", ALL_SORTS)
def test_pages_give_the_state_s_cases_in_the_sort_s_order(sort, staff_client, chosen):
    for state in ("withdrawn", "refused"):
        for extra, narrowed in (("", {}), (f"&theme={chosen['theme'].pk}", {"themes": chosen["theme"]}),
                                (f"&service_area={chosen['area'].pk}", {"service_area": chosen["area"]})):
            base = f"/cases/?cases=all&state={state}{extra}&sort={sort}"
            seen = walk(staff_client, base)  # each "Next" and "Previous" page is its number's OFFSET page
            expected = list(Case.objects.filter(state=state, **narrowed).order_by(*queue_view.ordering(sort)).values_list("pk", flat=True))
            assert [pk for rows in seen for pk in rows] == expected, base
            assert staff_client.get(base).context["page"].paginator.count == len(expected), base


def test_one_handler_s_and_other_states_are_read_as_before():
    assert queue_indexes.ended_early({"state": "withdrawn"}) and queue_indexes.ended_early({"state": "refused", "theme": 1})
    for data in ({"state": "closed"}, {"state": "all"}, {"state": ""}, {"state": "stage1_logged"},
                 {"state": "withdrawn", "cases": "mine"}, {"state": "refused", "handler": 1}):
        assert not queue_indexes.ended_early(data), data
    # Written out, each state its own statement, planned once for any values; the other closed
    # states too, since decision 0024 (queue_indexes.ClosedStateIs).
    for data in ({"state": "withdrawn", "cases": "all"}, {"state": "closed", "cases": "all"}, {"state": "withdrawn", "cases": "mine"}):
        assert queue_reads.planning_for(data) == GENERIC, data


def rows_statement(client, url: str) -> tuple[str, tuple]:
    captured = captured_get(client, url)
    (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
    return sql, params


#: The index a page of a state a case ends early in reads, by each sort.
INDEXES = [(sort, queue_indexes.ENDED_ORDERS[sort.replace("deadline", "received")]) for sort in ALL_SORTS]


def without_other_indexes(kept: str) -> None:
    """PostgreSQL, in the test's transaction: the case table's other plain indexes dropped. On a
    few rows its choice among indexes giving one order says nothing of a million cases (the
    benchmark's); what it must show is that this one can be read for the query, in its order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE i.indrelid = 'cases_case'::regclass AND NOT i.indisunique AND c.relname <> %s", [kept])
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


@pytest.mark.parametrize("sort, index", INDEXES)
def test_a_page_reads_the_index_of_the_cases_ended_early_in_the_sort_s_order(sort, index, staff_client, chosen):
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=withdrawn&theme={chosen['theme'].pk}&sort={sort}")
    assert "\"cases_case\".\"state\" = 'withdrawn'" in sql, sql  # the words, not a parameter
    if connection.vendor == "postgresql":
        without_other_indexes(index)
    shown = plan(sql, params)  # on PostgreSQL, sorts and whole-table reads off
    assert index in shown, shown
    assert "TEMP B-TREE" not in shown and "Sort" not in shown, shown


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache (prepared statements)")
@pytest.mark.parametrize("sort, index", [("resident", "case_ended_resident_order"), ("-handler", "case_ended_handler_order_desc")])
def test_the_plan_for_any_values_reads_the_index_of_the_cases_ended_early(sort, index, staff_client, chosen):
    """Planned for any values (the theme a parameter), the statement still reads the partial
    index: its condition follows from the state written out. With the state a parameter it could
    not; with the condition said beside it, PostgreSQL expected a tenth of the cases and sorted
    them all (35-55 ms a page at a million cases)."""
    from putright.performance.tests.test_generic_plans import generic_plan

    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=withdrawn&theme={chosen['theme'].pk}&sort={sort}")
    without_other_indexes(index)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        shown = generic_plan(sql, params)
    assert index in shown and "Sort" not in shown, shown


def test_the_indexes_named_exist_with_the_condition_the_query_says():
    """SQLite is told these indexes (`INDEXED BY`) and refuses one whose condition the query does
    not say: the condition the migration wrote must be the states `EndedEarly` writes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases_case'")
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case'")
        made = dict(cursor.fetchall())
    states = ", ".join(f"'{state}'" for state in sorted(s.value for s in lifecycle.ENDED_EARLY))
    for name in set(queue_indexes.ENDED_ORDERS.values()) - {"case_state_order", "case_state_order_desc"}:
        assert name in made, name
        if connection.vendor == "sqlite":
            assert made[name].endswith(f"WHERE state IN ({states})"), made[name]
        else:
            assert "WHERE ((state)::text = ANY" in made[name] and all(s.value in made[name] for s in lifecycle.ENDED_EARLY), made[name]
