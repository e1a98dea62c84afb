"""Plan tests for the queue's corners (docs/performance.md): a theme by a sort its rows are not
kept in, and a search by part of a name most residents share. The queries are the pages' own,
captured while the page is served (test_plans.py's helpers, whose file is long enough)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from putright.cases.models import CaseTheme, Theme
from putright.cases.tests import factories as f
from putright.performance import names
from putright.performance.tests.test_plans import STATES, _forget_statistics, _today, captured_get, plan, planted  # noqa: F401 (fixtures)
from putright.residents.models import Resident

pytestmark = pytest.mark.django_db

PAGING = 'SELECT "cases_case"."id" AS "pk" FROM "cases_case"'


@pytest.fixture
def staff_client(client, handler):
    client.force_login(handler)
    client.get("/cases/")
    return client


@pytest.mark.parametrize("sort, index", [("resident", "case_open_resident_order"), ("-state", "case_open_state_order_desc"),
                                         ("-deadline", "case_open_deadline_order_desc"), ("reference", "case_open_reference_order")])
def test_a_theme_by_another_sort_is_paged_from_the_sort_s_index_testing_the_theme_on_each_entry(sort, index, staff_client, handler):
    """Never the theme's cases looked up and sorted (SQLite), nor joined to them as if a theme's
    cases were as often closed as any (PostgreSQL: 137 expected of 3,398, then a parallel scan or
    a sort): the sort's index in order, each entry tested against the theme's ids read once."""
    delay = Theme.objects.create(name="Delay")
    for i in range(12):
        case = f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler)
        case.themes.set([delay], through_defaults=CaseTheme.defaults_for(case))
    for state in [None, *STATES]:
        if state:
            planted(state)
            theme_rows_statistics()
        captured = captured_get(staff_client, f"/cases/?cases=all&theme={delay.pk}&sort={sort}")
        (sql, params), = captured.matching(PAGING, "ORDER BY", "LIMIT")
        # PostgreSQL sorts a test's few cases gladly: sorts off, the join the planner would make
        # of the theme's ids (a nested loop in index order) is what the plan must not show.
        shown = plan(sql, params)
        assert "case_theme_open" in shown, (state, shown)
        if connection.vendor == "sqlite":  # (PostgreSQL may read a test's few cases from any index in that order)
            assert index in shown, (state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown and "Gather" not in shown, (state, shown)
        if connection.vendor == "postgresql":
            assert "hashed SubPlan" in shown and " Join" not in shown and "Nested Loop" not in shown, (state, shown)


def theme_rows_statistics() -> None:
    """SQLite: statistics of the case themes as at a million cases (1.5 million rows, 67,000 of
    open cases, 20 themes), beside test_plans' planted ones for the cases: a test's few theme rows
    are read whole, which at that scale would be every theme row."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "cases_case_themes")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases_case_themes'")
        for name, info in constraints.items():
            if not info["index"] or info["primary_key"]:
                continue
            width = len(info["columns"]) or 1
            rows = 67_000 if name.startswith("case_theme_open") else 1_500_000
            first = {"theme_id": rows // 20, "case_id": 2}.get(info["columns"][0], 300)  # rows a value of the first column
            stat = f"{rows} " + " ".join([str(first)] + ["1"] * (width - 1))
            cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('cases_case_themes', %s, %s)", [name, stat])
        cursor.execute("ANALYZE sqlite_schema")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics (SQLite: FTS5 with a LIMIT)")
def test_a_name_most_residents_share_reads_the_residents_until_enough_are_found():
    """The trigram index of UPPER(name), made as a migration makes it, has statistics at once
    (names.ensure analyses the table): the planner knows a text most names have and reads the
    residents in id order (the primary key's index: the same residents every time) until the
    search's 1,000 and one more are found, where with no statistics it expected 64 and
    built a bitmap of every match first (19-48 ms at 200,000 residents); a rare text it expects
    to be rare (the index's plan at scale)."""
    from putright.cases.search import Query, found_residents

    Resident.objects.bulk_create(Resident(name=f"Resident {i:05d}" + (" Smith" if i % 500 == 0 else "")) for i in range(6000))
    names.drop(connection)
    assert names.ensure(connection) == [names.PG_INDEX]

    def plans(text: str) -> str:
        with connection.execute_wrapper(captured := _Captured()):
            found = found_residents(Query(text)).ids
        assert found, text
        (sql, params), = captured.queries
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    # What the plan at scale rests on: the names a text is expected to match.
    common, rare = plans("esiden"), plans("smith")
    assert expected_names(common) > 5000 and expected_names(rare) < 100, (common, rare)
    assert "Index Scan using residents_resident_pkey" in common and names.PG_INDEX not in common, common


def expected_names(shown: str) -> int:
    """The rows the planner expects the name's test to give (the plan node testing UPPER(name))."""
    lines = shown.splitlines()
    at = next(i for i, line in enumerate(lines) if "upper((name)::text) ~~" in line)
    node = next(line for line in reversed(lines[:at]) if "rows=" in line)
    return int(re.search(r"rows=(\d+)", node).group(1))


class _Captured:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        if "UNION ALL" in sql and "residents_resident" in sql:
            self.queries.append((sql, params))
        return execute(sql, params, many, context)
