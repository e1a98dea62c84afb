"""Plan tests: the queries where a wrong index choice costs seconds at a million cases are
answered from the right index, with or without statistics, on both databases.

The queries are the pages' own (captured while the page is served), not copies. On SQLite each is
planned with statistics planted as at a million cases, twice: as ANALYZE found them, and at their
most misleading, where every plain index of the case table looks useless, which is what a column
empty on nearly every row looks like (the trap that made the case page take 4.4 s). The plans
without statistics at that scale are what benchmarks/queue.py --no-worker --explain shows.
PostgreSQL plans tiny test tables by reading them whole, so there the test turns sequential scans
and sorts off and checks the index the planner then picks is the one meant for the query.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case
from putright.cases.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


@pytest.fixture(autouse=True)
def _forget_statistics():
    """SQLite keeps the statistics it last read in memory, past the test's rollback: forget them,
    so a test without planted statistics plans as without any."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")


PAGE_IDS = '"cases_case"."id" IN (SELECT '
COUNTED_PAGE = "WITH putright_page AS ("


def paging_apart(sql: str, params: tuple) -> list[tuple[str, tuple]]:
    """A statement as the tests look at it: the queue sends its page's rows with the paging query
    inside, as a subquery of their ids (`"cases_case"."id" IN (SELECT … ORDER BY … LIMIT …)`:
    queue_table.page_read), so that subquery is taken out as a statement of its own (it is the
    paging query's SQL as it would be sent alone), and the rest kept with `(…)` in its place. A
    page whose rows count its total (a search: `WITH putright_page AS (SELECT … COUNT(*) OVER ()
    … LIMIT …) SELECT …`) likewise, its ids' statement the expression's."""
    if sql.startswith(COUNTED_PAGE):
        depth = 0
        for end in range(len(COUNTED_PAGE) - 1, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        inner = sql[len(COUNTED_PAGE):end]
        count = inner.count("%s")
        return [(inner, params[:count]), (COUNTED_PAGE + "…" + sql[end:], params[count:])]
    start = sql.find(PAGE_IDS)
    while start != -1:
        opening = start + len(PAGE_IDS) - len("(SELECT ")
        depth = 0
        for end in range(opening, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        inner = sql[opening + 1:end]
        if " ORDER BY " in inner and " LIMIT " in inner:
            before, count = sql[:opening].count("%s"), inner.count("%s")
            rest = sql[:opening] + "(…)" + sql[end + 1:]
            return [(inner, params[before:before + count]), (rest, params[:before] + params[before + count:])]
        start = sql.find(PAGE_IDS, start + 1)
    return [(sql, params)]


class Captured:
    def __init__(self):
        self.queries: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many:
            self.queries.extend(paging_apart(sql, tuple(params or ())))
        return execute(sql, params, many, context)

    def matching(self, *needles: str) -> list[tuple[str, tuple]]:
        found = [(sql, params) for sql, params in self.queries if all(n in sql for n in needles)]
        assert found, f"no query with {needles}"
        return found


def captured_get(client, url: str) -> Captured:
    captured = Captured()
    with connection.execute_wrapper(captured):
        response = client.get(url)
    assert response.status_code == 200, url
    return captured


def plan(sql: str, params: tuple, *, sorting: bool = False) -> str:
    """The plan; on PostgreSQL with sequential scans (and, unless ``sorting``, sorts) turned off."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"SET LOCAL enable_sort = {'on' if sorting else 'off'}")
        cursor.execute(f"SET LOCAL enable_incremental_sort = {'on' if sorting else 'off'}")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


#: Rows a value, as ANALYZE found them at a million cases (benchmarks/queue.py's database).
REALISTIC = {"cases_case": 1_000_000, "cases_stage": 700_000}
#: The case themes' statistics as SQLite's sampled ANALYZE took them on a million-case build
#: (session 33): 1.9 million rows, 67,172 of them open; about 1,001 a theme in every index (the
#: sample's cap), partial or not.
THEME_ROWS = {
    "case_theme_received": "1861500 1001 21 1",
    "case_theme_open": "59274 1001 1",
    "case_theme_open_deadline": "71928 1001 1001 2 1 1",
    "case_theme_open_stage_deadline": "49062 1001 1001 1001 1001 2 1 1",
    "case_theme_open_handler_deadline": "21312 1001 201 112 3 1 1 1",
    "case_theme_open_received": "53508 1001 2 1 1 1",
    "reports_casetheme_received": "1028160 1001 41 3 1",
    "cases_case_themes_theme_id_ee09592e": "1979964 1001",
    "cases_case_themes_case_id_d35882e8": "1954218 2",
    "cases_case_themes_case_id_theme_id_1b89a4e7_uniq": "1974560 2 1",
}


def million_case_statistics(misleading: bool = False) -> None:
    """Plant SQLite statistics as at a million cases. SQLite without statistics plans by the real
    size of a table, so a test table of a few rows plans nothing like a large one: only planted
    statistics reproduce the plans at scale. ``misleading``: every plain index of the case table
    claims a million rows a value, as an index of a column empty on every row does."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table, rows in REALISTIC.items():
            constraints = connection.introspection.get_constraints(cursor, table)
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
            for name, info in constraints.items():
                if not info["index"] or info["primary_key"]:
                    continue
                width = len(info["columns"]) or 1
                if name in ("case_from_request", "case_related_to"):
                    stat = "12 1"
                elif name == "case_open_extended_deadline":  # a partial index of a few thousand cases
                    stat = "1740 1001 2 1 1"
                elif info["unique"]:
                    stat = f"{rows} " + " ".join(["2"] * (width - 1) + ["1"])
                elif misleading and table == "cases_case":
                    stat = f"{rows} " + " ".join([str(rows)] + ["1"] * (width - 1))
                else:
                    stat = f"{rows} " + " ".join(["300"] + ["2"] * (width - 1))
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [table, name, stat])
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cases_case_themes'")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('cases_case_themes', %s, %s)", list(THEME_ROWS.items()))
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again


STATES = {"a million cases": False, "a million cases, misleading": True}


def planted(state: str) -> None:
    if connection.vendor == "sqlite":
        million_case_statistics(misleading=STATES[state])


@pytest.fixture
def staff_client(client, handler):
    client.force_login(handler)
    client.get("/cases/")
    return client


def linked_request(handler) -> Case:
    """A service request a complaint was raised from, and a complaint linked to that complaint."""
    request = f.log_service_request()
    complaint = actions.convert_to_complaint(request, received_on=f.TODAY, description="Still broken.", actor=handler, today=f.TODAY)
    f.log_complaint(related_to=complaint, description="A new issue.", actor=handler)
    return request


@pytest.mark.parametrize("state", STATES)
def test_the_case_page_finds_raised_and_linked_complaints_by_their_own_indexes(state, staff_client, handler):
    request = linked_request(handler)
    complaint = request.complaints_raised.get()
    planted(state)
    for case, column, index in ((request, "from_service_request_id", "case_from_request"), (complaint, "related_to_id", "case_related_to")):
        captured = captured_get(staff_client, f"/cases/{case.reference}/")
        # One union query finds both (cases/views/case.py, _linked_cases): each part by its index.
        lookups = [(sql, p) for sql, p in captured.matching(f'"cases_case"."{column}" = ', "UNION") if "JOIN" not in sql]
        if connection.vendor == "postgresql":
            # A table of a few rows is cheapest read in the page's order whatever the filter: ask
            # only that the partial index answers the lookup (PostgreSQL's own statistics choose
            # it at scale: benchmarks/queue.py --explain).
            lookups = [(f'SELECT "cases_case"."id" FROM "cases_case" WHERE "cases_case"."{column}" = %s', (case.pk,))]
        for sql, params in lookups:
            shown = plan(sql, params, sorting=True)
            assert index in shown, shown
            assert "SCAN cases_case\n" not in shown + "\n" and "Seq Scan" not in shown, shown


def test_viewed_by_reads_the_case_s_own_reads_not_the_whole_access_log(staff_client, handler, other_handler):
    """The case page's "Viewed by" groups the case's last 500 reads. Asked as "reads whose id is
    among those 500", PostgreSQL hashed the 500 and read the whole access log against them (a
    sequential scan of every read ever recorded); asked for the case's reads among them, both
    databases start from the case's index; the last 500 are numbered over the case's own reads."""
    from putright.audit import record_read

    case = f.log_complaint(handler=handler)
    for reader in (handler, other_handler, handler):
        record_read(reader, "case", case)
    captured = captured_get(staff_client, f"/cases/{case.reference}/")
    [(sql, params)] = captured.matching('FROM "audit_readevent"', "GROUP BY")
    outer = sql[: sql.index("IN (SELECT")]
    assert '"audit_readevent"."case_id" = ' in outer, sql
    shown = plan(sql, params, sorting=True)
    assert "SCAN audit_readevent\n" not in shown + "\n" and "Seq Scan on audit_readevent" not in shown, shown
    # Nor the log backward by time (the index on `at`), as "ORDER BY at DESC LIMIT 500" was read.
    assert "audit_readevent_at_" not in shown, shown


def test_viewed_by_reads_the_case_s_last_reads_from_their_index_alone(staff_client, handler, other_handler):
    """The case's reads newest first, with the reader, are in `readevent_case_newest` (audit
    migration 0002): its last 500 are read from the index alone, not looked up in the log and
    sorted, and no more of the case's reads than those (2.7 ms of PostgreSQL's time for a case
    read 3,371 times; from the index, 1.4)."""
    from putright.audit import record_read

    case = f.log_complaint(handler=handler)
    for reader in (handler, other_handler, handler):
        record_read(reader, "case", case)
    captured = captured_get(staff_client, f"/cases/{case.reference}/")
    [(sql, params)] = captured.matching('FROM "audit_readevent"', "GROUP BY")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a few rows: a bitmap of them is as cheap as anything
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    shown = plan(sql, params)
    # Three reads of the log, each a range of the index alone: the oldest of the last 500, the
    # 500, and the case's reads from the oldest's time on.
    if connection.vendor == "postgresql":
        # With a few rows any index of the case's reads is as cheap for the last: PostgreSQL's
        # statistics choose the new one at scale (benchmarks/queue.py, the case page).
        reads = [line for line in shown.splitlines() if " on audit_readevent" in line]
        assert len(reads) == 3 and sum("Index Only Scan using readevent_case_newest" in line for line in reads) >= 2, shown
        assert all("readevent_case_newest" in line or "case_id" in line for line in reads), shown
    else:
        reads = [line for line in shown.splitlines() if line.startswith(("SEARCH", "SCAN")) and "INTEGER PRIMARY KEY" not in line]
        assert len(reads) == 3 and all("COVERING INDEX readevent_case_newest" in line for line in reads), shown


@pytest.mark.parametrize("url", ["/cases/?cases=all", "/cases/?cases=all&state=all", "/cases/?cases=all&due=overdue",
                                 "/cases/?cases=all&state=all&page=2"])
def test_a_queue_page_is_read_in_deadline_order_from_an_index_not_sorted(url, staff_client, handler):
    for i in range(30):
        f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler, received_on=f.TODAY - dt.timedelta(days=40 + i))
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, url)
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        shown = plan(sql, params)
        assert "case_deadline_order" in shown or "case_open_deadline_order" in shown, shown
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)


@pytest.mark.parametrize("url", ["/cases/?cases=all&sort=received", "/cases/?cases=all&sort=-received&page=2"])
def test_open_cases_by_when_received_are_read_from_an_index_not_sorted(url, staff_client, handler):
    for i in range(30):
        f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler, received_on=f.TODAY - dt.timedelta(days=40 + i))
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, url)
        # Page 2 of 20 open cases is past the last: read, then the last page read (queue_reads).
        for sql, params in captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT"):
            shown = plan(sql, params)
            # Planted statistics give every index of the case table a million rows: the open one or
            # the plain received_on index (by received_on, then id) may win; neither sorts.
            assert "case_open_received_order" in shown or "received_on" in shown, (state, shown)
            assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)


@pytest.mark.parametrize("url, index", [
    ("/cases/?cases=all&sort=resident", "case_open_resident_order"),
    ("/cases/?cases=all&sort=-resident", "case_open_resident_order_desc"),
    ("/cases/?cases=all&state=all&sort=resident", "case_resident_order"),
    ("/cases/?cases=all&state=all&sort=-resident&page=2", "case_resident_order_desc"),
])
def test_the_queue_sorted_by_resident_is_read_from_the_copied_names_index_not_sorted(url, index, staff_client, handler, resident):
    for i in range(30):
        f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler, resident=resident if i % 2 else None,
                       received_on=f.TODAY - dt.timedelta(days=40 + i))
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, url)
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        assert "residents_resident" not in sql, sql  # no join: the name is on the case
        shown = plan(sql, params)
        # Planted statistics give the index of open cases as many rows as the whole table's: either may win
        # here (as for the deadline order); at a million cases SQLite's and PostgreSQL's own take the open one.
        assert any(f"INDEX {name} " in shown + " " or f"{name} on" in shown for name in (index, index.replace("_open", ""))), (state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)


def test_the_queue_marks_extended_cases_from_the_case_itself_not_from_its_stages(staff_client, handler):
    for _ in range(3):
        f.complaint_at("stage1_acknowledged", handler=handler)
    captured = captured_get(staff_client, "/cases/?cases=all")
    # The page's rows (putright.cases.views.queue_table.load): the mark is a column kept by triggers.
    (sql, params), = captured.matching('"cases_case"."extended_open"', '"cases_case"."id" IN')
    assert "cases_stage" not in sql, sql


def test_withdrawn_complaints_are_counted_from_the_withdrawn_index(handler):
    from putright.reports.queries.filters import _between
    from putright.reports.periods import reporting_year

    f.complaint_at("withdrawn", handler=handler)
    qs = Case.objects.filter(_between("withdrawn_on", reporting_year(2026)), kind="complaint")
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    for state in STATES:
        planted(state)
        shown = plan(sql, params)
        assert "withdrawn" in shown, shown  # case_withdrawn_kind or reports_case_withdrawn: never every complaint
        assert "case_kind_received" not in shown and "Seq Scan" not in shown, shown


def extended_cases(handler, n: int = 3) -> None:
    for i in range(n):
        case = f.complaint_at("stage1_acknowledged", handler=handler)
        actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
        f.complaint_at("stage1_acknowledged", handler=handler)


def test_the_extended_filter_reads_the_index_of_open_extended_cases_in_the_queues_order(staff_client, handler):
    extended_cases(handler)
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, "/cases/?cases=all&due=extended")
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        assert "cases_stage" not in sql, sql  # not every open case's stages
        shown = plan(sql, params)
        assert "case_open_extended_deadline" in shown, (state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)
        if connection.vendor == "sqlite":
            # Its total: the same index's entries counted. (PostgreSQL counts a tiny test table
            # through any index of open cases; at scale its statistics choose this one:
            # benchmarks/queue.py --explain.)
            (sql, params), = captured.matching("COUNT(*)")
            shown = plan(sql, params, sorting=True)
            assert "case_open_extended_deadline" in shown, (state, shown)


@pytest.mark.parametrize("url, index, counted_from", [
    # The theme's open rows counted from the narrowest index of them (theme, case).
    ("/cases/?cases=all&theme={theme}", "case_theme_open_deadline", "case_theme_open"),
    ("/cases/?cases=all&theme={theme}&stage=2", "case_theme_open_stage_deadline", "case_theme_open_stage_deadline"),
    ("/cases/?cases=mine&theme={theme}", "case_theme_open_handler_deadline", "case_theme_open_handler_deadline"),
    # Either index: each tests the other column on its own entries.
    ("/cases/?cases=mine&theme={theme}&stage=2", "case_theme_open_", "case_theme_open_"),
    ("/cases/?cases=all&theme={theme}&sort=-received", "case_theme_open_received", "case_theme_open"),
    ("/cases/?cases=all&theme={theme}&sort=received", "case_theme_open_received", "case_theme_open"),
    # With a stage or "My cases" too: the same index, which carries both (not every case theme of
    # the theme by date received, closed ones too: 4-5 ms a page at a million cases on SQLite).
    ("/cases/?cases=all&theme={theme}&stage=2&sort=received", "case_theme_open_received", "case_theme_open_stage_deadline"),
    ("/cases/?cases=all&theme={theme}&stage=2&sort=-received", "case_theme_open_received", "case_theme_open_stage_deadline"),
    ("/cases/?cases=mine&theme={theme}&sort=received", "case_theme_open_received", "case_theme_open_handler_deadline"),
])
def test_a_page_of_a_theme_reads_the_theme_rows_index_in_its_order(url, index, counted_from, staff_client, handler, other_handler):
    """Paged and counted from the theme rows' own index in the queue's order: 25 entries a page,
    one range counted; no case looked up, nothing sorted."""
    from putright.cases.models import CaseTheme, Theme

    delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
    for i in range(12):
        state = ["stage1_acknowledged", "stage2_acknowledged", "closed"][i % 3]
        if state == "stage2_acknowledged":  # stage 2 the user's own, stage 1 someone else's (6.13)
            case = f.complaint_at(state, handler=other_handler, stage2_handler=handler)
        else:
            case = f.complaint_at(state, handler=handler)
        case.themes.set([delay] if i % 2 else [delay, noise], through_defaults=CaseTheme.defaults_for(case))
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, url.format(theme=delay.pk))
        paging = captured.matching('SELECT "cases_case_themes"."case_id" AS "case_id" FROM "cases_case_themes"', "ORDER BY", "LIMIT")
        (counts, params), = captured.matching("COUNT(*)", 'FROM "cases_case_themes"')
        total = counts[len("SELECT "):counts.index(' "counted_0")') + len(' "counted_0")')]  # the total comes first
        assert '"cases_case_themes"' in total and '"cases_case"' not in total, total
        for sql, params, meant in [*((sql, params, index) for sql, params in paging),
                                   ("SELECT " + total, params[:total.count("%s")], counted_from)]:
            shown = plan(sql, params)
            assert meant in shown, (state, shown)
            assert "cases_case " not in shown + " " and "cases_case\n" not in shown + "\n", (state, shown)
            assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)
            if connection.vendor == "postgresql" and "LIMIT" in sql:  # no theme row read either (SQLite reads none, but does not
                assert "Index Only Scan" in shown, (state, shown)  # say so; PostgreSQL may count tiny tables by bitmap)


@pytest.mark.parametrize("url", ["/cases/?cases=all&theme={theme}&sort=resident", "/cases/?cases=all&theme={theme}&stage=1&sort=-reference"])
def test_the_theme_filter_reads_the_themes_open_cases_from_their_index(url, staff_client, handler):
    from putright.cases.models import CaseTheme, Theme

    delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
    for i in range(12):
        case = f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler)
        case.themes.set([delay] if i % 2 else [delay, noise], through_defaults=CaseTheme.defaults_for(case))
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, url.format(theme=delay.pk))
        paging = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        counting = [(sql, p) for sql, p in captured.matching("COUNT(*)", '"cases_case_themes"')]
        for sql, params in paging + counting:
            shown = plan(sql, params, sorting=True)
            assert "case_theme_open" in shown, (state, shown)
            assert "SCAN cases_case_themes" not in shown and "Seq Scan on cases_case_themes" not in shown, (state, shown)
            assert "Seq Scan on cases_case " not in shown + " " and "SCAN cases_case\n" not in shown + "\n", (state, shown)


@pytest.mark.parametrize("text, index", [("07700 900 123", "resident_phone_digits"), ("sw1a 1aa", "resident_postcode_key")])
def test_a_search_by_phone_or_postcode_uses_its_expression_index(text, index, staff_client):
    from putright.residents.models import Resident

    Resident.objects.create(name="Ann Example", phone="07700 900123", postcode="SW1A 1AA")
    captured = captured_get(staff_client, "/cases/?q=" + text.replace(" ", "+"))
    for sql, params in captured.matching('FROM "residents_resident"', "REPLACE"):
        shown = plan(sql, params)
        assert index in shown, shown


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite's indexes hold the rowid (the id) already")
def test_a_postcode_s_residents_are_read_from_the_postcode_index_alone(staff_client):
    """A postcode is a block's residents (200 at the benchmark's million cases): their ids come
    from the postcode's index (it includes the id), not from each resident's row."""
    from putright.residents.models import Resident

    Resident.objects.create(name="Ann Example", postcode="SW1A 1AA")
    captured = captured_get(staff_client, "/cases/?q=sw1a1aa")
    (sql, params), = captured.matching('FROM "residents_resident"', "REPLACE")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")  # a few rows: a bitmap is as cheap as anything
    shown = plan(sql, params)
    assert "Index Only Scan using resident_postcode_key" in shown, shown


@pytest.mark.parametrize("text", ["sw1a1aa", "Example"])
def test_a_search_finds_its_residents_cases_by_the_resident_index_whatever_their_number(text, staff_client, handler):
    """The cases of the residents a search names (a postcode shared by many, part of a name) are
    counted and paged from the index on the case's resident, the ids one parameter
    (search.AmongIds), beside the reference test: never every case read against the list; and
    read once, for the page's ids and its total together."""
    from putright.residents.models import Resident

    for i in range(3):
        resident = Resident.objects.create(name=f"Ann Example {i}", postcode="SW1A 1AA")
        f.complaint_at("stage1_acknowledged" if i % 2 else "closed", handler=handler, resident=resident)
    # Without statistics, and with them as at a million cases. Not "misleading": a case without
    # a resident has none (NULL), which SQLite's statistics count as a value of its own, so its
    # index never looks like a million cases a resident (the benchmark's, 80% empty: 2 a value).
    for state in (None, "a million cases"):
        if state:
            planted(state)
        captured = captured_get(staff_client, f"/cases/?q={text}")
        # The page's ids and their total in one statement: the residents' cases looked up once
        # (queue_table.page_read's `counted`), not again in a count of their own.
        paging = captured.matching('SELECT "cases_case"."id" AS "pk", COUNT(*) OVER ()', "ORDER BY", "LIMIT", '"resident_id"')
        assert len([sql for sql, _ in captured.queries if 'OR "cases_case"."resident_id"' in sql]) == 1, captured.queries
        for sql, params in paging:
            assert len(params) < 40, params  # the three residents' ids are one value, not one each
            shown = plan(sql, params, sorting=True)
            assert "resident_id" in shown, (state, shown)
            assert "SCAN cases_case\n" not in shown + "\n" and "Seq Scan on cases_case " not in shown + " ", (state, shown)


def test_a_search_by_part_of_a_name_reads_the_names_trigrams_not_every_resident(staff_client):
    from putright.performance import names
    from putright.residents.models import Resident

    # Enough residents that reading them all costs more than the index, and statistics of them
    # (on PostgreSQL the index made again as a migration makes it, and the table analysed,
    # names.ensure): an ANALYZE in another test leaves its count of rows behind, and with 20
    # names and another test's count the planner read the table in id order, not the index.
    Resident.objects.bulk_create(Resident(name=f"Resident {i} Smith" if i % 400 == 0 else f"Resident {i} Jones") for i in range(4000))
    if connection.vendor == "postgresql":
        names.drop(connection)
        assert names.ensure(connection) == [names.PG_INDEX]
    captured = captured_get(staff_client, "/cases/?q=mith")
    (sql, params), = captured.matching('FROM "residents_resident"', "UNION ALL")
    shown = plan(sql, params, sorting=True)  # the names found are put in id order (search.MAX_RESIDENTS)
    assert names.TABLE in shown, shown  # SQLite's FTS5 table, PostgreSQL's GIN index: the same name
    assert "SCAN residents_resident\n" not in shown + "\n" and "Seq Scan on residents_resident" not in shown, shown


@pytest.mark.parametrize("url", ["/cases/?cases=all", "/cases/?cases=all&due=overdue", "/cases/?cases=all&due=soon",
                                 "/cases/?cases=all&state=all"])
def test_everyones_counts_read_no_case_rows(url, staff_client, handler):
    """Everyone's counts (the total, the deadlines, the worklists, reviews and hazards) add up kept
    counts and read small tables: the case table is not in the counting query at all. Its deadline
    counts read 20,000 index entries at a million cases, and joining it for the updates owed cost
    more to plan than to run (putright.performance.deadlinecounts, stagemarks)."""
    f.complaint_at("stage1_acknowledged", handler=handler)
    captured = captured_get(staff_client, url)
    (sql, params), = captured.matching("performance_deadlinecount")
    assert "cases_case" not in sql, sql
    assert "FROM cases_stage" in sql or '"cases_stage"' in sql  # the updates owed, from the stages alone


@pytest.mark.parametrize("sort", ["deadline", "-deadline", "received", "-received", "resident", "-resident", "reference", "-reference",
                                  "state", "-state"])
def test_any_filter_of_open_cases_pages_in_the_sort_s_index_and_counts_from_the_filter_s(sort, staff_client, handler, other_handler):
    """Any filter of open cases with any sort but the handler's: the page read from the index of
    open cases in the sort's order, the filters tested on its entries (no case row read, nothing
    sorted); the total counted from the filter's own index. SQLite with statistics read every
    complaint ever received for a page of open complaints (reports_case_received: 8 s at a
    million cases), or sorted a stage's open cases whole."""
    from putright.cases.views.queue_indexes import ONE_HANDLER_EVERY, ORDERS

    for i in range(12):
        f.complaint_at(["stage1_acknowledged", "stage2_acknowledged", "closed"][i % 3], handler=handler if i % 2 else other_handler,
                       stage2_handler=other_handler if i % 2 else handler, received_on=f.TODAY - dt.timedelta(days=40 + i))
    for filters, counted in (("kind=complaint", "case_open_kind_deadline"), ("stage=2", "case_open_state_deadline"),
                             ("state=stage1_acknowledged", "case_open_state_deadline"), (f"handler={other_handler.pk}", "case_open_handler_deadline"),
                             ("cases=mine&due=overdue", "case_open_handler_deadline"), ("due=overdue&kind=complaint", "case_open_deadline")):
        for state in STATES:
            planted(state)
            captured = captured_get(staff_client, f"/cases/?cases=all&{filters}&sort={sort}")
            assert captured.matching("COUNT(*)"), filters
            (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
            shown = plan(sql, params)
            # PostgreSQL plans a test table of a few rows by its size: the index of every case in
            # the same order (or the unique one of references) may win; at scale the open cases'
            # (benchmarks/queue.py --matrix --explain). Either way, nothing sorted.
            meant = ORDERS[sort]
            if sort == "deadline" and ("mine" in filters or "handler=" in filters):
                meant = "case_open_handler_deadline_order"  # one handler's open cases, in that order
            twins = [meant] + ([meant.replace("_open", ""), "cases_case_reference"] if connection.vendor == "postgresql" else [])
            if connection.vendor == "postgresql" and ("mine" in filters or "handler=" in filters):  # or one handler's of every case
                twins.append(ONE_HANDLER_EVERY[sort])
                if sort.lstrip("-") == "resident":  # or their open cases' own (performance migration 0029)
                    twins.append("case_open_one_handler_resident_order" + ("_desc" if sort.startswith("-") else ""))
            assert any(index in shown for index in twins), (filters, state, shown)
            assert "TEMP B-TREE" not in shown and "Sort" not in shown, (filters, state, shown)
            if connection.vendor == "sqlite" and meant == ORDERS[sort]:  # every filter's column on the entries: no case row read
                assert "COVERING INDEX" in shown, (filters, state, shown)
            counts = [(s, p) for s, p in captured.matching("COUNT(*)") if '"cases_case"' in s]
            if connection.vendor == "sqlite" and counts:  # (a state alone is counted from kept counts)
                (sql, params), = counts
                shown = plan(sql, params, sorting=True)
                assert counted in shown, (filters, state, shown)
                assert "reports_case" not in shown and "case_kind_received" not in shown, (filters, state, shown)


@pytest.mark.parametrize("url", ["/cases/?cases=mine", "/cases/?cases=mine&sort=deadline"])
def test_my_cases_are_read_in_deadline_order_from_the_handlers_index_not_sorted(url, staff_client, handler, other_handler):
    """A handler's own open cases (where a handler lands) by deadline: 25 entries of the index of
    open cases by handler in the queue's order (performance migration 0014), where the handler's
    index by deadline alone read all their open cases and sorted them (2.2-2.6 ms on SQLite at a
    million cases)."""
    for i in range(30):
        f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler if i % 2 else other_handler,
                       received_on=f.TODAY - dt.timedelta(days=40 + i))
    for state in STATES:
        planted(state)
        captured = captured_get(staff_client, url)
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        shown = plan(sql, params)
        # The index of open cases by handler, or (PostgreSQL, whose planted statistics rate the two
        # alike) the index of every case led by the handler (decision 0018): the same order, closed
        # cases (no deadline) after every open case with one. Either is read in order, unsorted.
        assert "case_open_handler_deadline_order" in shown or "case_one_handler_deadline_order" in shown, (state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)
        (counted, _), = captured.matching("performance_handlerdeadlinecount")
        assert "cases_case" not in counted, counted  # and its counts read no case rows
