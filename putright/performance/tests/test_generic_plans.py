"""Statements the queue prepares on PostgreSQL keep one plan (a "generic" plan) where they can,
instead of being planned again on every request (docs/performance.md, "Planning").

PostgreSQL plans a prepared statement for its values five times, then keeps a plan for any values
only if that does not look dearer than those. Whether it does depends on the indexes a statement
can use: everyone's counts were planned on every request (0.3-0.4 ms) because the updates owed
were counted from an index of every stage owed an update, open case or not, whose range for
"any date" looked like a third of 88,000 entries. The tests check, on tiny tables, the shape that
decides it at a million cases: the plan for any values reads the index of the open cases' stages.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.tests import factories as f
from putright.performance.tests.test_plans import captured_get

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache (prepared statements)"),
]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def generic_plan(sql: str, params: tuple) -> str:
    """The plan PostgreSQL keeps for any values of the statement, as it prepares it (sequential
    scans off: tiny tables are otherwise read whole)."""
    from psycopg.sql import Literal

    raw = connection.connection
    pieces = sql.replace("%%", "\x00").split("%s")
    numbered = pieces[0] + "".join(f"${i}{piece}" for i, piece in enumerate(pieces[1:], start=1))
    values = ", ".join(Literal(value).as_string(raw) for value in params)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE generic_plan_test AS {numbered.replace(chr(0), '%')}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE generic_plan_test({values})" if params else "EXPLAIN EXECUTE generic_plan_test")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE generic_plan_test")


@pytest.mark.parametrize("url", ["/cases/?cases=all", "/cases/?cases=all&due=overdue", "/cases/?cases=all&due=soon"])
def test_everyones_counts_keep_one_plan_reading_the_open_cases_stages_owed_an_update(url, client, handler):
    f.complaint_at("stage1_acknowledged", handler=handler)
    client.force_login(handler)
    client.get("/cases/")
    captured = captured_get(client, url)
    (sql, params), = captured.matching("performance_deadlinecount")
    shown = generic_plan(sql, params)
    assert "stage_update_owed_open" in shown, shown
    assert "Seq Scan on cases_stage" not in shown and "stage_update_owed on" not in shown, shown


@pytest.mark.parametrize("url", ["/cases/?cases=all&due=soon", "/cases/?cases=all&due=today&sort=-deadline", "/cases/?mine=1&due=soon",
                                 "/cases/?cases=all&due=overdue", "/cases/?cases=all&due=overdue&sort=-deadline"])
def test_a_deadline_filters_rows_by_deadline_keep_one_plan_reading_the_range_of_the_sorts_index(url, client, handler):
    """"Due soon" by deadline: the plan for any dates reads the dates' range of the sort's index
    (the index's first term, "has no deadline", held false: `(… IS NULL) IS FALSE`). PostgreSQL,
    left to choose, planned the statement again every request (its estimate for a few days'
    deadlines is low: 1-1.8 ms at a million cases): the rows are run with the generic plan."""
    from django.db import connection

    f.complaint_at("stage1_acknowledged", handler=handler)
    f.complaint_at("stage1_logged", handler=handler)
    client.force_login(handler)
    client.get("/cases/")
    captured = captured_get(client, url)
    (ids_sql, ids_params), = captured.matching("IS FALSE", "LIMIT 25")
    with connection.cursor() as cursor:  # tiny tables: a sort of three rows is cheap; can it be read in order?
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        shown = generic_plan(ids_sql, ids_params)
        cursor.execute("RESET enable_sort")
        cursor.execute("RESET enable_bitmapscan")
    assert "Sort" not in shown and "deadline_order" in shown, shown
    assert "IS NULL)) = false) AND (next_deadline_by" in shown or "IS NULL) = false) AND (next_deadline_by" in shown, shown
    for _ in range(7):
        client.get(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s AND statement LIKE %s",
                       ["%IS FALSE%", '%"accounts_user"."username" AS "handler__username"%'])
        (generic, custom), = cursor.fetchall()
    assert custom == 0 and generic >= 1


def _plans_after(client, handler, url: str, requests: int) -> tuple[int, int]:
    """(generic, custom) plans made on this connection for the queue's rows statements after
    `requests` of `url` by `handler`, with cases in an open and a closed state of theirs."""
    for state in ("stage1_acknowledged", "stage1_logged", "closed", "withdrawn"):
        f.complaint_at(state, handler=handler)
    client.force_login(handler)
    for _ in range(requests):
        assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(generic_plans), 0), COALESCE(SUM(custom_plans), 0) FROM pg_prepared_statements "
                       "WHERE statement LIKE %s", ['%"accounts_user"."username" AS "handler__username"%'])
        (generic, custom), = cursor.fetchall()
    return generic, custom


@pytest.mark.parametrize("url", [
    "/cases/?cases=all", "/cases/?cases=all&due=overdue&sort=resident", "/cases/?cases=all&state=all&sort=-state",
    "/cases/?mine=1&state=stage1_acknowledged", "/cases/?cases=all&stage=1&page=2", "/cases/?cases=all&q=Smith",
])
def test_a_queue_pages_statements_are_planned_for_any_values_from_its_first_request(url, client, handler):
    """The plan for any values, from the first execution (decision 0021): none made for the values,
    where PostgreSQL made five before keeping the same plan (1.5 ms of a page's 2 ms of SQL)."""
    generic, custom = _plans_after(client, handler, url, 3)
    assert custom == 0 and generic >= 3, (generic, custom)


@pytest.mark.parametrize("url, state", [("/cases/?mine=1&state=closed", "closed"),
                                        ("/cases/?cases=all&state=withdrawn&sort=resident&handler={handler}", "withdrawn"),
                                        ("/cases/?cases=all&state=closed&sort=resident", "closed"),
                                        ("/cases/?cases=all&state=closed&kind=complaint", "closed")])
def test_a_closed_states_statements_say_the_state_and_are_planned_for_any_values_from_the_first_request(url, state, client, handler):
    """A closed state ("closed" holds 88% of the cases, "withdrawn" a few) is written into the
    query (queue_indexes.ClosedStateIs, decision 0024), so each state's plan for any values is its
    own. With the state a parameter, PostgreSQL kept a plan for any state after five requests that
    read all of a handler's closed cases for "closed" (77-83 ms a page at a million cases), and the
    pages were planned for their values every time (2-3 ms a page)."""
    url = url.format(handler=handler.pk)
    generic, custom = _plans_after(client, handler, url, 8)
    assert custom == 0 and generic >= 8, (generic, custom)
    captured = captured_get(client, url)
    for sql, _ in captured.matching("LIMIT 25", '"cases_case"."state" ='):  # the words, not a parameter
        assert f"\"cases_case\".\"state\" = '{state}'" in sql and '"cases_case"."state" = %s' not in sql, sql


@pytest.mark.parametrize("url", ["/cases/?cases=all&state=withdrawn&sort=resident", "/cases/?cases=all&state=refused"])
def test_everyones_refused_or_withdrawn_are_planned_for_any_values_from_the_first_request(url, client, handler):
    """Everyone's refused or withdrawn cases: the state written out (queue_indexes.EndedEarly), a
    statement of its own, whose plan for any values reads the index of those cases alone
    (test_ended_early.py): kept from the first request, not planned again each time (3-5 ms)."""
    generic, custom = _plans_after(client, handler, url, 3)
    assert custom == 0 and generic >= 3, (generic, custom)


def _closed_and_a_theme(client, handler, scope: str, sort: str) -> tuple[str, tuple]:
    """The rows statement of "closed" and a theme (`scope`: "all" or "mine") by `sort`, with a
    closed, a withdrawn and an open case of `handler`'s given the theme."""
    from putright.cases.models import CaseTheme, Theme

    theme = Theme.objects.create(name="Damp")
    for state in ("closed", "withdrawn", "stage1_acknowledged"):
        case = f.complaint_at(state, handler=handler)
        case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
    client.force_login(handler)
    client.get("/cases/")
    captured = captured_get(client, f"/cases/?cases={scope}&state=closed&theme={theme.pk}&sort={sort}")
    (sql, params), = [(sql, params) for sql, params in captured.matching("LIMIT 25", "cases_case_themes") if sql.startswith("SELECT")]
    return sql, params


def _in_order_plan(sql: str, params: tuple) -> str:
    """The plan for any values, with sorts and bitmaps off: on tiny tables a sort of three rows is
    cheap, so the question is whether it can be read in order."""
    with connection.cursor() as cursor:
        for setting in ("enable_sort", "enable_incremental_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        shown = generic_plan(sql, params)
        for setting in ("enable_sort", "enable_incremental_sort", "enable_bitmapscan"):
            cursor.execute(f"RESET {setting}")
    return shown


@pytest.mark.parametrize("sort", ["deadline", "-deadline"])
def test_a_closed_state_by_deadline_has_one_plan_for_every_closed_state_reading_the_no_deadline_index(sort, client, handler):
    """By deadline a closed state is written by date received (`queue.query_sort`: a closed state
    has no deadline), so its plan for any values reads the cases with no deadline in that order,
    not the theme's every closed case ("closed" and a theme: 1,080 ms a page at a million cases)."""
    sql, params = _closed_and_a_theme(client, handler, "all", sort)
    shown = _in_order_plan(sql, params)
    assert "case_no_deadline_order" in shown and "Sort" not in shown, shown


def test_the_case_pages_hazards_query_is_planned_for_any_case_from_its_first_request(client, handler):
    """Joined to the case and its indexes, it took 2.7 ms to plan for its values and 0.03 to run
    at a million cases (decision 0021): the plan for any case, from the first request."""
    case = f.complaint_at("stage1_acknowledged", handler=handler)
    client.force_login(handler)
    for _ in range(3):
        assert client.get(f"/cases/{case.reference}/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%FROM "hazards_hazardreport"%"cases_case"."from_service_request_id"%'])
        (generic, custom), = cursor.fetchall()
    assert custom == 0 and generic >= 3, (generic, custom)


@pytest.mark.parametrize("sort", ["deadline", "-deadline"])
def test_one_handlers_closed_state_by_deadline_reads_their_index_by_date_received(sort, client, handler):
    """One handler's closed state by deadline is written by date received too (`queue.query_sort`,
    decision 0024): in deadline order PostgreSQL read the handler's 41,000 closed cases in state
    order and sorted them by date received ("My cases", closed, a theme: 165-200 ms a page at a
    million cases), where the handler's index by date received gives the order."""
    sql, params = _closed_and_a_theme(client, handler, "mine", sort)
    assert "next_deadline_by" not in sql.split("ORDER BY")[-1], sql
    shown = _in_order_plan(sql, params)
    assert "case_one_handler_received_order" in shown and "Sort" not in shown, shown


@pytest.mark.parametrize("text, generic, index", [("SW1A 1AA", True, "resident_postcode_key"), ("07700 900123", True, "resident_phone_digits"),
                                                  ("ann@example.org", True, "resident_email_upper"), ("Exampl", False, "")])
def test_a_search_s_residents_are_planned_for_any_values_unless_it_is_part_of_a_name(text, generic, index, client, handler):
    """A search's tests of equality (email, tenancy, UPRN, phone, postcode) read their own
    indexes whatever the values: planned once, where PostgreSQL planned them for the values every
    time (0.5 ms a search at a million cases): the phone's and postcode's separators are written
    into the SQL (search.AsIndexed), or the plan for any values could not use their indexes and
    read every resident (157 ms). Part of a name is planned for its text: how many names have it
    decides the plan (docs/performance.md, "Search by part of a name")."""
    from putright.residents.models import Resident

    Resident.objects.create(name="Ann Example", email="ann@example.org", phone="07700 900123", postcode="SW1A 1AA")
    client.force_login(handler)
    for _ in range(3):
        assert client.get("/cases/", {"q": text}).status_code == 200
    if index:
        (sql, params), = captured_get(client, "/cases/?q=" + text.replace(" ", "+")).matching('FROM "residents_resident" WHERE UPPER')
        shown = generic_plan(sql, params)
        assert index in shown and "Seq Scan" not in shown, shown
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%FROM "residents_resident" WHERE UPPER("residents_resident"."email") = %'])
        (generic_plans, custom_plans), = cursor.fetchall()
    if generic:
        assert custom_plans == 0 and generic_plans >= 3, (generic_plans, custom_plans)
    else:
        assert custom_plans >= 3 and generic_plans == 0, (generic_plans, custom_plans)
