"""PostgreSQL's indexes of open cases rebuilt by the worker once they are mostly empty pages
(putright.performance.rebuilds; docs/decisions/0025-bloated-indexes-rebuilt-by-the-worker.md)."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction

from putright.cases.models import Case
from putright.operations import jobs
from putright.performance import rebuilds
from putright.reports.tests.histories import complaint, load

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="REINDEX CONCURRENTLY is PostgreSQL's; SQLite reuses empty pages itself")
INDEX = "case_open_state_order"  # a queue's sort among open cases: WHERE is_open
INDEX_ORDER = "SELECT id FROM cases_case WHERE is_open ORDER BY state, (next_deadline_by IS NULL), next_deadline_by, id"


def state(index: str) -> dict | None:
    """The index's file, pages, entries and validity; None if there is no such index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relfilenode, pg_relation_size(c.oid) / 8192, c.reltuples, i.indisvalid "
            "FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = %s", [index])
        row = cursor.fetchone()
    return None if row is None else dict(zip(["file", "pages", "entries", "valid"], row))


def files(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, c.relfilenode FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE i.indrelid = %s::regclass", [table])
        return dict(cursor.fetchall())


READ_FROM_AN_INDEX = ["enable_sort", "enable_seqscan", "enable_bitmapscan"]
READ_FROM_THE_TABLE = ["enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"]


def in_order(off: list[str]) -> tuple[list[int], str]:
    """The open cases' ids in the index's order, and the plan, with the planner's ``off`` off."""
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in off:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + INDEX_ORDER)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute(INDEX_ORDER)
        return [row[0] for row in cursor.fetchall()], plan


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def other_transaction(sql: str):
    """Another connection with a transaction open that has run ``sql``, until the block ends."""
    import psycopg

    from putright.operations.testing import database_url

    with psycopg.connect(database_url()) as other:
        other.execute(sql)
        try:
            yield
        finally:
            other.rollback()


@pytest.fixture
def clean_up():
    """Indexes a test made, and any a failed rebuild left, dropped: they outlive the test's rows."""
    made: list[str] = []
    yield made
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname ~ '_cc(new|old)[0-9]*$'")
        for name in made + [name for (name,) in cursor.fetchall()]:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


def open_then_mostly_closed(cases: int = 3000, kept_open: int = 20) -> list[int]:
    """``cases`` open complaints imported, then all but one in ``kept_open`` closed by one UPDATE
    and the table vacuumed: what a landlord's history import and its closing leave, in small.
    Returns the open cases' ids."""
    load([complaint(f"B-{i}", dt.date(2025, 1, 6) + dt.timedelta(days=i // 25), respond_after=None) for i in range(cases)])
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    Case.objects.exclude(id__in=ids[::kept_open]).update(state="closed", is_open=False, next_deadline_by=None)
    execute("VACUUM (ANALYZE) cases_case")
    return ids[::kept_open]


def test_the_job_runs_every_hour():
    assert jobs.REGISTRY["index_rebuilds"].func is rebuilds.rebuild_bloated
    assert jobs.REGISTRY["index_rebuilds"].every == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_inside_a_transaction_or_on_sqlite_it_does_nothing(monkeypatch):
    """REINDEX CONCURRENTLY cannot run inside a transaction: nothing is tried, with every index counted as bloated."""
    monkeypatch.setattr(rebuilds, "MIN_PAGES", 0)
    monkeypatch.setattr(rebuilds, "BLOAT_FACTOR", 0)
    assert rebuilds.rebuild_bloated() == {"rebuilt": 0}


def test_the_estimate_of_an_index_of_ids_is_its_size_rebuilt():
    """At a million cases (998,205), `cases_case_pkey` rebuilt had 2,745 pages, and
    `case_one_handler_received_order` (the handler's id, a date, the case's id: the id aligned
    after the date) 4,960. A short text is stored unaligned after a one-byte length: `cases_case_reference_key`
    (references of 11 characters, ANALYZE's average width 12) had 3,887."""
    assert rebuilds.entry_bytes([(8, "d", 8)]) == 20
    assert rebuilds.pages_needed(998_205, 20) == pytest.approx(2745, rel=0.01)
    assert rebuilds.pages_needed(998_205, rebuilds.entry_bytes([(8, "d", 8), (4, "i", 4), (8, "d", 8)])) == pytest.approx(4960, rel=0.01)
    assert rebuilds.pages_needed(998_205, rebuilds.entry_bytes([(-1, "i", 12)])) == pytest.approx(3887, rel=0.02)
    # `case_open_state_order` of the 44,892 open cases, 514 pages rebuilt: state (7 bytes on
    # average), no deadline, deadline, id, is_open, kind (11), service area, handler, extended.
    # Each value aligned as PostgreSQL aligns it: 76 bytes an entry, where laid end to end they make 68.
    columns = [(-1, "i", 7), (1, "c", 1), (4, "i", 4), (8, "d", 8), (1, "c", 1), (-1, "i", 11), (8, "d", 8), (8, "d", 8), (1, "c", 1)]
    assert rebuilds.entry_bytes(columns) == 76
    assert rebuilds.pages_needed(44_892, 76) == pytest.approx(514, rel=0.1)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_mostly_empty_index_of_open_cases_is_rebuilt_and_only_the_bloated_ones_are(monkeypatch, clean_up):
    monkeypatch.setattr(rebuilds, "MIN_PAGES", 16)
    still_open = open_then_mostly_closed()
    before, every_before = state(INDEX), files("cases_case")
    estimates = {e.index: e for e in rebuilds.estimates(["cases_case"], rebuilds.MIN_PAGES)}
    bloated = {e.index for e in rebuilds.bloated(["cases_case"])}
    assert INDEX in bloated and before["entries"] == len(still_open) == 150
    healthy = {name for name, e in estimates.items() if name not in bloated}
    assert "cases_case_pkey" in healthy  # big enough to be looked at, and left alone

    result = rebuilds.rebuild_bloated()

    assert result["rebuilt"] >= len(bloated) and result["dropped"] == result["postponed"] == 0
    after, every_after = state(INDEX), files("cases_case")
    assert after["valid"] and after["file"] != before["file"]
    assert after["pages"] * rebuilds.BLOAT_FACTOR < before["pages"]
    assert after["entries"] == len(still_open)
    assert {name for name in every_before if every_after[name] != every_before[name]} == bloated
    # Still read in the queue's order, giving every open case in it (against the table, sorted).
    read, plan = in_order(READ_FROM_AN_INDEX)
    assert f"using {INDEX} on" in plan
    assert read == in_order(READ_FROM_THE_TABLE)[0] and sorted(read) == still_open
    # A second run finds nothing more to do: the estimate of an index just rebuilt is its size.
    assert rebuilds.rebuild_bloated()["rebuilt"] == 0
    assert files("cases_case") == every_after


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_what_an_interrupted_rebuild_left_is_dropped_and_nothing_else(caplog, clean_up):
    """A REINDEX CONCURRENTLY stopped while it waits for a writer (here by a lock timeout) leaves
    its new index, invalid, named `*_ccnew`. That is dropped; an invalid index of another name
    (a failed CREATE UNIQUE INDEX CONCURRENTLY) and a valid `*_ccnew` are not, nor an invalid
    `*_ccold` (the old index a rebuild stopped after its swap leaves): that is only reported."""
    load([complaint(f"B-{i}", dt.date(2025, 1, 6), respond_after=None) for i in range(3)])
    kept_file = state(INDEX)["file"]
    with other_transaction("UPDATE cases_case SET description = description"):
        execute("SET lock_timeout = '200ms'")
        try:
            with pytest.raises(OperationalError, match="lock timeout"):
                execute(f"REINDEX INDEX CONCURRENTLY {INDEX}")
        finally:
            execute("RESET lock_timeout")
    assert state(f"{INDEX}_ccnew")["valid"] is False
    clean_up += ["case_unique_kind", "case_unique_kind_ccold", "case_spare_ccnew"]
    for name in ["case_unique_kind", "case_unique_kind_ccold"]:  # as a rebuild stopped after its swap leaves the old one
        with pytest.raises(Exception, match="could not create unique index"):
            execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON cases_case (kind)")  # three complaints
    execute("CREATE INDEX case_spare_ccnew ON cases_case (kind)")

    with caplog.at_level(logging.INFO, logger="putright.performance"):
        assert rebuilds.rebuild_bloated()["dropped"] == 1

    assert state(f"{INDEX}_ccnew") is None
    assert state(INDEX) == dict(state(INDEX), valid=True, file=kept_file)
    assert state("case_unique_kind")["valid"] is state("case_unique_kind_ccold")["valid"] is False
    assert state("case_spare_ccnew")["valid"] is True
    said = {getattr(r, "index", None): r.levelno for r in caplog.records}
    assert said[f"{INDEX}_ccnew"] == logging.INFO and said["case_unique_kind_ccold"] == logging.WARNING


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_index_that_fails_does_not_stop_the_others(monkeypatch, caplog):
    gone = rebuilds.Estimate("case_gone_since", "cases_case", 1000, 10, 2)  # dropped after it was found
    real = rebuilds.Estimate("cases_case_pkey", "cases_case", 1000, 10, 2)
    monkeypatch.setattr(rebuilds, "bloated", lambda tables: [gone, real])
    before = state("cases_case_pkey")["file"]
    with caplog.at_level(logging.INFO, logger="putright.performance"):
        assert rebuilds.rebuild_bloated()["rebuilt"] == 1
    assert state("cases_case_pkey")["file"] != before
    assert [r.levelno for r in caplog.records if getattr(r, "index", None) == "case_gone_since"] == [logging.ERROR]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_index_of_a_table_a_long_transaction_uses_waits_for_the_next_run(monkeypatch, clean_up):
    """REINDEX CONCURRENTLY would wait for the transaction to end (the worker's other jobs with
    it), and an import analysing its tables inside its transaction would wait for the rebuild."""
    monkeypatch.setattr(rebuilds, "BUSY_SECONDS", 0)
    monkeypatch.setattr(rebuilds, "bloated", lambda tables: [rebuilds.Estimate("cases_case_pkey", "cases_case", 1000, 10, 2)])
    before = state("cases_case_pkey")["file"]
    execute("SET lock_timeout = '2s'")  # were it not postponed: a failure, not a test that never ends
    try:
        with other_transaction("SELECT count(*) FROM cases_case"):
            assert rebuilds.rebuild_bloated() == {"rebuilt": 0, "dropped": 0, "postponed": 1}
            assert state("cases_case_pkey")["file"] == before
        assert rebuilds.rebuild_bloated()["rebuilt"] == 1
    finally:
        execute("RESET lock_timeout")
    assert state("cases_case_pkey")["file"] != before
