"""The database's statistics, kept by PutRight: nobody has to remember `ANALYZE`.

Query planners choose an index from statistics about each table. PostgreSQL gathers them by
itself (autovacuum), but only some time after a change: straight after a bulk import its plans
are made blind. SQLite never gathers them unless told to. Both can pick a disastrous plan either
way, so PutRight (1) refreshes the statistics of the tables an import wrote, at the end of the
import (`after_bulk_write`), (2) checks every hour in the worker whether any table grew or shrank
a lot since its statistics were taken, or (SQLite) any partial index's rows did (cases closing
move rows out of the indexes of open cases), and refreshes those (`refresh_if_stale`), and (3) writes
its queries and indexes so that the plan is good with or without statistics (see
docs/performance.md and the plan tests in putright/performance/tests/test_plans.py).

On SQLite the statistics are sampled (`PRAGMA analysis_limit`): a few hundred rows of each index
tell the planner as much as a million, in milliseconds instead of seconds.
"""

from __future__ import annotations

import logging
import re

from django.db import connection, transaction

log = logging.getLogger("putright.performance")

#: Rows of each index SQLite reads to estimate its statistics (0 would mean all of them).
SQLITE_ANALYSIS_LIMIT = 1000
#: A table whose row count changed by more than this factor since its statistics is re-analysed.
STALE_FACTOR = 1.5
#: Tables smaller than this are left alone: any plan is fast on them.
SMALL_TABLE = 1000
#: SQLite: a table is also re-analysed when one of its partial indexes now holds more than this
#: factor more or fewer rows than its statistics say. Wider than STALE_FACTOR: sampled statistics
#: put a partial index's rows up to 3.2 times off straight after an ANALYZE (a million cases).
PARTIAL_STALE_FACTOR = 5
#: A partial index's condition, from its CREATE INDEX statement.
PARTIAL_CONDITION = re.compile(r"\)\s+WHERE\s+(.+)$", re.IGNORECASE | re.DOTALL)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def analyze(tables: list[str] | None = None) -> None:
    """Refresh the statistics of ``tables`` (default: every table) on this database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            if tables is None:
                cursor.execute("ANALYZE")
            else:
                for table in tables:
                    cursor.execute(f"ANALYZE {_quote(table)}")
        elif connection.vendor == "postgresql":
            if tables is None:
                cursor.execute("ANALYZE")
            else:
                cursor.execute("ANALYZE " + ", ".join(_quote(t) for t in tables))


def after_bulk_write(models) -> None:
    """After an import wrote many rows into the tables of ``models``: their statistics, now.

    On PostgreSQL, outside a transaction, also VACUUM them: a freshly written table has no
    visibility map yet, so every index-only scan would still read the table's rows (pages 3–6×
    slower until autovacuum comes round)."""
    tables = sorted({m._meta.db_table for m in models})
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(_quote(t) for t in tables))
        return
    analyze(tables)


def _sqlite_stale_tables() -> list[str]:
    """Tables (of more than SMALL_TABLE rows) with no statistics, or whose row count is now more
    than STALE_FACTOR times bigger or smaller than their statistics say."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        has_stats = cursor.fetchone() is not None
        # What the statistics say a table holds: the range of its whole indexes' estimates (not a
        # partial index's, which holds some of the rows: checked on its own, below). Sampled,
        # they are far apart: 0.6 to 2.3 million for a million cases, 1.04 to 1.26 million for
        # 1.9 million events. Against the largest alone, the case and stage tables read as
        # "shrunk" and were analysed again every hour for nothing.
        estimates: dict[str, list[int]] = {}
        if has_stats:
            cursor.execute(
                "SELECT s.tbl, s.stat, COALESCE(m.sql LIKE '% WHERE %', 0) FROM sqlite_stat1 s "
                "LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = s.idx")
            for table, stat, partial in cursor.fetchall():
                try:
                    rows = int(str(stat).split()[0])
                except (ValueError, IndexError):
                    continue
                if not partial:
                    estimates.setdefault(table, []).append(rows)
        # A virtual table (the names' trigrams, FTS5) has no statistics to take: left alone, not
        # "missing its statistics" every hour.
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        virtual = {name for (name,) in cursor.fetchall()}
        stale = []
        for table in connection.introspection.table_names(cursor):
            if table.startswith("sqlite_") or table in virtual:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
            rows = cursor.fetchone()[0]
            if rows < SMALL_TABLE:
                continue
            said = estimates.get(table)
            if not said or not (min(said) / STALE_FACTOR <= rows <= max(said) * STALE_FACTOR):
                stale.append(table)
        if has_stats:
            stale += [table for table in _sqlite_drifted_partial_indexes(cursor) if table not in stale]
    return stale


def _sqlite_drifted_partial_indexes(cursor) -> list[str]:
    """Tables with a partial index whose rows now number more than PARTIAL_STALE_FACTOR times
    more or fewer than its statistics say. A table's row count says nothing of them: rows move in
    and out of an index of open cases as cases close. On a fresh million-case build, the import's
    statistics (taken while its cases were still open) said the open case themes' five indexes
    held 1.1-1.7 million rows for 67,172, and nothing would ever have taken them again. (The page
    that led there, a theme's stage 2 cases by date received, stayed slow once they were right:
    that was SQLite's choice between two indexes, named since: queue_themes.theme_rows.)
    Each is counted from the index itself: 0.16 s for all 55 at a million cases."""
    cursor.execute(
        "SELECT m.tbl_name, m.name, m.sql, s.stat FROM sqlite_master m JOIN sqlite_stat1 s ON s.idx = m.name "
        "WHERE m.type = 'index' AND m.sql LIKE '% WHERE %'")
    drifted: list[str] = []
    for table, index, sql, stat in cursor.fetchall():
        condition = PARTIAL_CONDITION.search(sql or "")
        try:
            before = int(str(stat).split()[0])
        except (ValueError, IndexError):
            continue
        if condition is None or table in drifted:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)} INDEXED BY {_quote(index)} WHERE {condition.group(1)}")
        rows = cursor.fetchone()[0]
        if max(rows, before) >= SMALL_TABLE and not (before / PARTIAL_STALE_FACTOR <= rows <= before * PARTIAL_STALE_FACTOR):
            drifted.append(table)
    return drifted


#: PostgreSQL: a case table is vacuumed by the hourly job when more rows than this were written
#: or left dead since its last vacuum.
CHANGED_ROWS = 1000


def _postgresql_unvacuumed() -> list[str]:
    """The case tables with more than CHANGED_ROWS rows written or left dead since their last
    vacuum. Autovacuum waits for a fifth of a table's rows to change (200,000 cases at a
    million), and until a vacuum marks their pages all-visible, the open cases changed meanwhile
    (the very rows the queue counts through index-only scans) are each read from the table: at a
    million cases, marking the ~4,000 extended cases (performance migration 0007) made the
    Extended total 0.4 ms -> 14-17 ms on PostgreSQL until a VACUUM."""
    from putright.performance.upkeep import case_tables

    tables = sorted({m._meta.db_table for m in case_tables()})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND n_dead_tup + n_ins_since_vacuum > %s",
                       [tables, CHANGED_ROWS])
        return sorted(row[0] for row in cursor.fetchall())


def refresh_if_stale() -> dict:
    """The worker's hourly job: re-analyse the tables whose statistics are missing or stale.

    PostgreSQL: autovacuum analyses, and after imports `after_bulk_write` does; here the case
    tables are vacuumed when many rows changed since their last vacuum (`_postgresql_unvacuumed`):
    a VACUUM skips the pages already marked all-visible, so an hourly one costs little.
    Idempotent and safe to stop at any moment (ANALYZE replaces a table's statistics at once).
    """
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            return {"analysed": 0}
        tables = _postgresql_unvacuumed()
        if tables:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) " + ", ".join(_quote(t) for t in tables))
            log.info("case tables vacuumed", extra={"tables": tables})
        return {"analysed": len(tables)}
    if connection.vendor != "sqlite":
        return {"analysed": 0}
    stale = _sqlite_stale_tables()
    if stale:
        with transaction.atomic():
            analyze(stale)
        log.info("database statistics refreshed", extra={"tables": stale})
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("PRAGMA optimize")  # SQLite's own check, for the tables this connection used
    return {"analysed": len(stale)}
