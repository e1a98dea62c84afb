"""Plan tests for closed cases' pages ("including closed", a closed state) deep in the groups with
no deadline and no resident (putright.cases.views.queue_keyset, queue_indexes.EMPTY_APART):

- On PostgreSQL a "Next" page inside the "no deadline" group of every case reads the group's own
  index (performance migration 0021) from its position, and inside the "no resident" group the
  primary key: the sort's own index had no range there (PostgreSQL matches `x IS NULL` to its
  boolean first term) and read the group from its start (page 20,000: 500,000 entries).
- A keyset page's branches are read nearest first and stop at the page: the next state's cases
  are not read while the position's own state fills it.
- A closed state by deadline, page 1, reads the sort's index from its "no deadline" end, never the
  open cases with a deadline before it (each looked up: 50-90 ms at a million cases on SQLite).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.cases.views import queue as queue_view
from putright.performance.tests.test_plans import STATES, _forget_statistics, captured_get, plan, planted  # noqa: F401

pytestmark = pytest.mark.django_db

SIZE = 4
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads the group as a range of the sort's index")


@pytest.fixture(autouse=True)
def _today_and_size(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
    monkeypatch.setattr(queue_view, "PAGE_SIZE", SIZE)


@pytest.fixture
def staff_client(client, handler, resident):
    for i in range(18):
        f.complaint_at("stage1_acknowledged" if i % 3 == 0 else "closed", handler=handler, resident=resident if i % 4 == 0 else None,
                       received_on=f.TODAY - dt.timedelta(days=40 + i % 5))
    client.force_login(handler)
    client.get("/cases/")
    return client


def rows_statement(client, url: str) -> tuple[str, tuple]:
    captured = captured_get(client, url)
    (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
    assert "OFFSET" not in sql, sql
    return sql, params


def first_without(column: str, order: list) -> int:
    """The first case, in `order`, with `column` empty: a "Next" link from it is inside the group."""
    return Case.objects.filter(**{f"{column}__isnull": True}).order_by(*order).values_list("pk", flat=True)[0]


#: The sort, the group's column, and the index a page inside that group reads from its position.
INSIDE = [
    ("deadline", "next_deadline_by", "case_no_deadline_order"),
    ("-deadline", "next_deadline_by", "case_no_deadline_order"),
    ("state", "next_deadline_by", "case_no_deadline_state_order"),
    ("-state", "next_deadline_by", "case_no_deadline_state_order"),
    ("resident", "resident_name", None),
    ("-resident", "resident_name", None),
]


@postgresql_only
@pytest.mark.parametrize("sort, column, index", INSIDE)
def test_a_next_page_inside_an_empty_group_reads_the_group_s_own_index_from_its_position(sort, column, index, staff_client):
    after = first_without(column, queue_view.ordering(sort))
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=all&sort={sort}&page=2&after={after}")
    assert f'"cases_case"."{column}" IS NULL' in sql and f'"cases_case"."{column}" IS NULL)) IS TRUE' not in sql, sql
    shown = plan(sql, params)
    assert "Sort" not in shown, shown
    if index:
        assert index in shown, shown
        assert re.search(r"Index (Only )?Scan (Backward )?using " + index + r" .*\n\s+Index Cond: .*(ROW\(received_on, id\)|id [<>] )", shown), shown
    else:  # no resident: by id, the primary key (or another index led by the id)
        assert re.search(r"Index Cond: \(id [<>] ", shown), shown
    assert "Filter: (ROW" not in shown, shown


@pytest.mark.parametrize("state", STATES)
def test_a_keyset_page_reads_the_nearest_branch_first_and_stops_at_the_page(state, staff_client):
    planted(state)
    after = first_without("next_deadline_by", queue_view.ordering("state"))  # the first closed case by state
    assert Case.objects.get(pk=after).state == "closed"
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=all&sort=state&page=2&after={after}")
    ids = sql.split(" IN (", 1)[-1]  # SQLite's is the ids' statement alone (test_plans.paging_apart)
    # The branch of the closed cases after the position (the state held equal) first, the next states after it.
    assert ids.index('"cases_case"."state" = ') < ids.index('("cases_case"."state") > '), sql
    assert re.search(rf"UNION ALL .*\) LIMIT {SIZE}(\)|$)", ids), sql
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
            shown = "\n".join(row[0] for row in cursor.fetchall())
        # Four closed cases follow: the next states' branch never runs.
        assert re.search(r"\(never executed\)\n\s+Index Cond: \(\(?state\)?(::text)? > 'closed'::text\)", shown), shown


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("sort, index", [("deadline", "case_deadline_order"), ("-deadline", "case_deadline_order_desc")])
def test_a_closed_state_by_deadline_reads_the_no_deadline_end_of_the_sort_s_index(state, sort, index, staff_client):
    planted(state)
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=closed&kind=complaint&sort={sort}")
    shown = plan(sql, params)
    if connection.vendor == "sqlite":
        # A range of the index where "next_deadline_by" is empty, in its order: not the whole index.
        assert index in shown, shown
        assert re.search(rf"SEARCH cases_case USING INDEX {index} \(.*next_deadline_by=\?\)", shown), shown
        assert "TEMP B-TREE" not in shown, shown
    else:
        # Ordered by date received (the same order: no deadline; queue.query_sort, decision 0021),
        # read from the index of the cases with no deadline in that order, either way.
        assert "case_no_deadline_order" in shown and "Sort" not in shown, shown
        assert ("Backward" in shown) == sort.startswith("-"), shown


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("sort, index", [("state", "case_state_order"), ("-state", "case_state_order_desc")])
def test_a_closed_state_by_state_reads_the_state_s_range_of_the_sort_s_index_in_order(state, sort, index, staff_client):
    """Not told "no deadline" (test above): SQLite sorted the state's every case for it."""
    planted(state)
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=closed&kind=complaint&sort={sort}")
    shown = plan(sql, params)
    assert index in shown and "TEMP B-TREE" not in shown and "Sort" not in shown, shown


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's range of a row comparison")
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("sort, index", [("handler", "case_handler_order"), ("-handler", "case_handler_order_desc")])
def test_sqlite_reads_the_rest_of_a_handler_s_cases_as_a_range(state, sort, index, staff_client):
    """SQLite's range of `(first name, username, id) > (…)` stops before the id (the rowid): a
    page deep in a handler's 47,000 cases read every one of them before it. The id is compared
    apart, after the names held equal."""
    planted(state)
    after = Case.objects.order_by(*queue_view.ordering(sort)).values_list("pk", flat=True)[2]
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=all&sort={sort}&page=2&after={after}")
    shown = plan(sql, params)
    assert re.search(rf"SEARCH cases_case USING INDEX {index} \(<expr>=\? AND handler_first_name=\? AND handler_username=\? AND id[<>]\?\)",
                     shown), shown
    assert "TEMP B-TREE" not in shown, shown


@postgresql_only
@pytest.mark.parametrize("sort, index", [("resident", "case_open_one_handler_resident_order"),
                                         ("-resident", "case_open_one_handler_resident_order_desc")])
def test_a_next_page_of_my_open_cases_by_resident_reads_their_open_cases_alone(sort, index, staff_client):
    """"My cases" by resident: from their open cases' own index (performance migration 0029), not
    their every case's tested for being open (about 600 entries a page at a million cases)."""
    from putright.performance.tests.test_ended_early import without_other_indexes

    after = Case.objects.filter(is_open=True).order_by(*queue_view.ordering(sort)).values_list("pk", flat=True)[0]
    sql, params = rows_statement(staff_client, f"/cases/?mine=1&sort={sort}&page=2&after={after}")
    without_other_indexes(index)
    shown = plan(sql, params)
    # Read from the position in the index's order (newest first, two runs: the names after it,
    # then no resident; only the page's few rows are sorted, by the rows statement).
    assert re.search(r"Index (Only )?Scan using " + index + r" .*\n\s+Index Cond: \(\(handler_id = \d+\) AND .*ROW\(.*resident_name, id\)", shown), shown


@postgresql_only
@pytest.mark.parametrize("url", ["/cases/?cases=all&sort={sort}", "/cases/?cases=all&stage=1&sort={sort}",
                                 "/cases/?cases=all&due=overdue&sort={sort}"])
@pytest.mark.parametrize("sort", ["resident", "-resident"])
def test_a_next_page_among_the_open_cases_with_no_resident_reads_their_own_index(url, sort, staff_client):
    """Everyone's open cases by resident, deep in those with no resident (80% at a million cases):
    from that group's own index (performance migration 0030) at the position, where the sort's
    index had no range there (PostgreSQL matches `resident_name IS NULL` to its first term) and
    read the group from its first entry (stage 2, page 196: 3,472 index pages)."""
    from putright.performance.tests.test_ended_early import without_other_indexes

    after = first_without("resident_name", queue_view.ordering(sort)) if sort == "resident" else \
        Case.objects.filter(is_open=True, resident_name__isnull=True).order_by(*queue_view.ordering(sort)).values_list("pk", flat=True)[0]
    sql, params = rows_statement(staff_client, url.format(sort=sort) + f"&page=2&after={after}")
    assert '"cases_case"."resident_name" IS NULL' in sql, sql  # the group alone, not "(x IS NULL) = true"
    without_other_indexes("case_open_no_resident_order")
    shown = plan(sql, params)
    assert re.search(r"Index (Only )?Scan (Backward )?using case_open_no_resident_order .*\n\s+Index Cond: \(id [<>] ", shown), shown
    assert "Sort" not in shown, shown  # in the index's order: nothing sorted
