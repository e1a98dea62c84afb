"""A theme's cases of every state ("including closed", a closed state) by "Next" and "Previous"
(putright.cases.views.queue_keyset): where a page's branch is ordered by the id alone (inside the
"no resident" group, a closed state's "no deadline" group, one handler's cases by handler), its
position is said of the theme rows' `case_id` too (`conditions`' `same_id`), so that PostgreSQL's
merge join on the id starts the theme's rows at the position. Told of the cases' id alone, it read
the theme's rows from its first case to the position (the middle of "including closed" with a
theme by resident or state at a million cases: 27,000 theme rows, 25-32 ms a page).

The pages must stay the page number's OFFSET pages, forwards and back; the plan test holds the
theme rows' side of a merge join to a range from the position."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from putright.cases.models import Case, CaseTheme, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_keyset import _today_and_size, walk  # noqa: F401 (fixture)
from putright.cases.views import queue as queue_view
from putright.cases.views import queue_indexes, queue_keyset
from putright.performance.tests import built_once
from putright.performance.tests.test_plans import captured_get, plan
from tests.moduledata import module_data

pytestmark = pytest.mark.django_db

SORTS = ["resident", "-resident", "state", "-state", "deadline", "-deadline", "handler", "-handler"]


def _build() -> None:
    """Closed and open cases of one handler, most without a resident, a theme on two in three
    (another on some): built once for the module (tests/moduledata.py), on the day the tests'
    fixtures give the views, with the handler and resident conftest would make."""
    with built_once.on_the_tests_day():
        handler, resident = built_once.hari(), built_once.rita_patel()
        delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
        for i in range(40):
            case = f.complaint_at("stage1_acknowledged" if i % 5 == 0 else "closed", handler=handler,
                                  resident=resident if i % 6 == 0 else None, received_on=f.TODAY - dt.timedelta(days=40 + i % 4))
            chosen = [delay, noise] if i % 3 == 0 else ([delay] if i % 3 == 1 else [noise])
            case.themes.set(chosen, through_defaults=CaseTheme.defaults_for(case))


_built = module_data(_build)
handler = built_once.handler  # the module's handler, in place of conftest's


@pytest.fixture
def delay(_built, db):
    return Theme.objects.get(name="Delay")


@pytest.fixture
def staff_client(client, handler, delay):
    client.force_login(handler)
    client.get("/cases/")
    return client


@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_give_the_offset_pages_of_a_theme_with_closed_cases(sort, staff_client, delay, handler):
    for query in (f"state=all&theme={delay.pk}", f"state=closed&theme={delay.pk}", f"state=all&theme={delay.pk}&handler={handler.pk}"):
        seen = walk(staff_client, f"/cases/?cases=all&{query}&sort={sort}")
        flat = [pk for rows in seen for pk in rows]
        assert len(flat) == len(set(flat)), query
        assert set(flat) == set(Case.objects.filter(themes=delay, **({"state": "closed"} if "closed" in query else {})).values_list("pk", flat=True)), query


def first_without(column: str, sort: str, theme) -> int:
    """The theme's first case, in the sort's order, with `column` empty: a "Next" link from it is
    inside the group, where the branch is ordered by the id."""
    return Case.objects.filter(themes=theme, **{f"{column}__isnull": True}).order_by(*queue_view.ordering(sort)).values_list("pk", flat=True)[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite probes the theme rows case by case from the sort's index named")
@pytest.mark.parametrize("way", [queue_keyset.AFTER, queue_keyset.BEFORE])
@pytest.mark.parametrize("sort, column", [("resident", "resident_name"), ("-resident", "resident_name"),
                                          ("state", "next_deadline_by"), ("-state", "next_deadline_by")])
def test_a_page_inside_a_group_by_id_starts_the_theme_rows_at_its_position(sort, column, way, staff_client, delay):
    at = first_without(column, sort, delay)
    captured = captured_get(staff_client, f"/cases/?cases=all&state=all&theme={delay.pk}&sort={sort}&page=2&{way}={at}")
    # The keyset page's statement (a short page is read again by its number's OFFSET after it).
    sql, params = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")[0]
    assert "OFFSET" not in sql, sql
    assert re.search(r'\("cases_case_themes"\."case_id"\) [<>] %s', sql), sql
    with connection.cursor() as cursor:
        # The plan at a million cases: the id's order from both sides, merged.
        for setting in ("enable_nestloop", "enable_hashjoin", "enable_sort", "enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        shown = "\n".join(row[0] for row in cursor.fetchall())
    assert "Merge Join" in shown, shown
    themes = shown.split("on cases_case_themes", 1)[1].split("\n")[1]
    assert re.search(r"Index Cond: \(\(case_id [<>] ", themes), shown


def sampled_statistics() -> None:
    """SQLite's sampled statistics as the million-case bench had them (`analysis_limit`): the sorts'
    indexes of every case rated at 2.3 million entries, the theme rows at 1.5-2.0 million."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table, rows in (("cases_case", 2_300_000), ("cases_case_themes", 1_500_000)):
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if not info["index"] or info["primary_key"]:
                    continue
                width = len(info["columns"]) or 1
                first = 2 if info["columns"][:1] == ["case_id"] else 1001
                stat = f"{rows} {first} " + " ".join(["1"] * (width - 1))
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [table, name, stat.strip()])
        cursor.execute("ANALYZE sqlite_schema")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's Bloom filter of a join's inner table")
@pytest.mark.parametrize("sort", ["-state", "state", "resident", "-resident", "deadline", "-deadline", "reference", "handler"])
def test_sqlite_probes_the_theme_row_of_each_entry_never_a_bloom_filter_of_every_theme_row(sort, staff_client, delay):
    """Joined to the theme rows, SQLite built a Bloom filter of every theme row (1.5 million at a
    million cases: 145-160 ms) before reading the sort's index whenever its statistics rated that
    index above the theme rows; the theme's row of each entry is probed instead (ThemeProbe)."""
    sampled_statistics()
    captured = captured_get(staff_client, f"/cases/?cases=all&state=all&theme={delay.pk}&sort={sort}")
    (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
    shown = plan(sql, params)
    assert "BLOOM FILTER" not in shown and "TEMP B-TREE" not in shown, shown
    assert queue_indexes.EVERY_ORDERS[sort] in shown and "cases_case_themes_case_id_theme_id" in shown, shown
