"""PutRight keeps its database's statistics: after an import, and on the worker's clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from putright.cases.models import Case
from putright.operations import jobs
from putright.performance import statistics, upkeep
from putright.reports.tests.histories import complaint, load

pytestmark = pytest.mark.django_db
D = dt.date


def analysed_rows(table: str) -> int | None:
    """What the statistics say the table holds (None: no statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cursor.fetchone()[0]
            return None if value is None or value < 0 else int(value)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        rows = [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
        return max(rows) if rows else None


def forget_statistics(table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is not None:
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])


def test_an_import_refreshes_the_statistics_of_the_tables_it_wrote(monkeypatch):
    table = Case._meta.db_table
    forget_statistics(table)
    monkeypatch.setattr(upkeep, "ANALYZE_AFTER_ROWS", 5)
    load([complaint(f"IMP-{i}", D(2025, 6, 2) + dt.timedelta(days=i)) for i in range(6)])
    assert analysed_rows(table) == 6


def test_a_small_import_leaves_them_alone(monkeypatch):
    table = Case._meta.db_table
    forget_statistics(table)
    before = analysed_rows(table)
    load([complaint("IMP-1", D(2025, 6, 2))])
    assert analysed_rows(table) == before


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL's autovacuum keeps them; the job does nothing there")
def test_the_hourly_job_analyses_tables_that_grew_and_only_those(monkeypatch):
    assert jobs.REGISTRY["database_statistics"].every == dt.timedelta(hours=1)
    monkeypatch.setattr(statistics, "SMALL_TABLE", 3)
    table = Case._meta.db_table
    forget_statistics(table)
    load([complaint(f"IMP-{i}", D(2025, 6, 2)) for i in range(4)])
    assert table in statistics._sqlite_stale_tables()
    assert statistics.refresh_if_stale()["analysed"] >= 1
    assert analysed_rows(table) == 4
    assert table not in statistics._sqlite_stale_tables()
    load([complaint(f"MORE-{i}", D(2025, 6, 2)) for i in range(4)])  # twice the rows: stale again
    assert table in statistics._sqlite_stale_tables()
    statistics.refresh_if_stale()
    assert analysed_rows(table) == 8


def recorded_index_rows(index: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
        row = cursor.fetchone()
        return None if row is None else int(row[0].split()[0])


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL's autovacuum keeps them; the job does nothing there")
def test_the_hourly_job_analyses_a_table_whose_partial_index_drifted_from_its_statistics(monkeypatch):
    """Rows move in and out of a partial index (cases close) with the table's row count unchanged:
    an import's statistics, taken while its cases were open, said an index of open rows held
    twenty times what it did."""
    monkeypatch.setattr(statistics, "SMALL_TABLE", 3)
    # The table's own check (its row count against its statistics' largest) out of the way.
    monkeypatch.setattr(statistics, "STALE_FACTOR", 1000)
    table, index = Case._meta.db_table, "case_open_deadline"
    load([complaint(f"IMP-{i}", D(2025, 6, 2), respond_after=None) for i in range(6)])
    statistics.refresh_if_stale()
    assert table not in statistics._sqlite_stale_tables()
    live = Case.objects.filter(is_open=True).count()
    assert live == 6 and recorded_index_rows(index) == live

    def claim(rows: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE sqlite_stat1 SET stat = %s WHERE idx = %s", [f"{rows} 1", index])

    # Within the factor sampled statistics can be off by, either way: left alone.
    for rows in (live * 4, 2):
        claim(rows)
        assert table not in statistics._sqlite_stale_tables()
    # Twenty times what it holds, or a sixth: the table's statistics are taken again, and are right.
    for rows in (live * 20, 1):
        claim(rows)
        assert statistics._sqlite_stale_tables() == [table]
        assert statistics.refresh_if_stale()["analysed"] == 1
        assert recorded_index_rows(index) == live
        assert table not in statistics._sqlite_stale_tables()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL's autovacuum keeps them; the job does nothing there")
def test_the_hourly_job_is_not_fooled_by_sampled_estimates_or_a_virtual_table(monkeypatch):
    """Sampled statistics put a million cases at 0.6 to 2.3 million, index by index: the table is
    stale only outside that range (widened by STALE_FACTOR). The names' trigrams (FTS5) have no
    statistics to take."""
    from putright.residents.models import Resident

    monkeypatch.setattr(statistics, "SMALL_TABLE", 3)
    table = Case._meta.db_table
    load([complaint(f"IMP-{i}", D(2025, 6, 2), respond_after=None) for i in range(6)])
    for i in range(4):
        Resident.objects.create(name=f"Rita Patel {i}", email=f"rita{i}@example.org")
    statistics.refresh_if_stale()
    stale = statistics._sqlite_stale_tables()
    assert table not in stale and "resident_name_trigrams" not in stale
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = %s AND idx IN ('case_kind_received', 'case_state_order')", [table])
        assert len(cursor.fetchall()) == 2
        cursor.execute("UPDATE sqlite_stat1 SET stat = '15 1' WHERE idx = 'case_kind_received'")  # 2.5 times
        cursor.execute("UPDATE sqlite_stat1 SET stat = '3 1' WHERE idx = 'case_state_order'")  # half
    assert table not in statistics._sqlite_stale_tables()
    load([complaint(f"MORE-{i}", D(2025, 6, 2), respond_after=None) for i in range(17)])  # 23: past 15 x 1.5
    assert table in statistics._sqlite_stale_tables()


def flushed_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")  # this connection's writes, counted now


@pytest.mark.django_db(transaction=True)
def test_the_hourly_job_vacuums_case_tables_much_changed_since_their_last_vacuum_on_postgresql(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's visibility map; SQLite has none")
    monkeypatch.setattr(statistics, "CHANGED_ROWS", 100)
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("VACUUM cases_case")
    flushed_statistics()
    assert table not in statistics._postgresql_unvacuumed()
    load([complaint(f"IMP-{i}", D(2025, 6, 2)) for i in range(150)])
    flushed_statistics()
    assert table in statistics._postgresql_unvacuumed()
    assert statistics.refresh_if_stale()["analysed"] >= 1
    flushed_statistics()
    assert table not in statistics._postgresql_unvacuumed()
