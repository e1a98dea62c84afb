"""Keeping one test's PostgreSQL statistics out of the next test's query plans.

pytest-django rolls each test's rows back, but PostgreSQL writes a table's statistics (its row
count, `pg_class.reltuples`, and its size in pages, `relpages`) outside any transaction: ANALYZE
and VACUUM overwrite them in place, and a rollback does not restore them. So an import in one test
(PutRight analyses the tables an import wrote: putright/performance/statistics.py) or autovacuum
running between tests could leave a table recorded as "no rows in 3 pages". Every later test then
had plans made for empty tables: anonymising the demo landlord's cases joined two tables by
nested sequential scans and took 20 minutes instead of 20 seconds, and how long the PostgreSQL
half of the suite took depended on when autovacuum happened to run (698 s in one run, 1,249 s in
the next, on the same code).

Two measures, for the test database only (never for a landlord's database):
- autovacuum is off for the test database's tables (`no_autovacuum`, once per run);
- before each test that uses the database, statistics left by earlier tests are forgotten
  (`forget_statistics`: `reltuples = -1`, which PostgreSQL reads as "never analysed", so it
  estimates each table from its size on disk, as on a fresh database). A test that analyses its own
  rows still plans with them until it ends.
"""

from __future__ import annotations

import warnings

from django.db import connection, transaction
from django.db.utils import DatabaseError


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
    )
    return [row[0] for row in cursor.fetchall()]


def no_autovacuum() -> None:
    """Turn autovacuum (and its analyse) off for every table of the test database."""
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = off, toast.autovacuum_enabled = off)")


_warned = False


def forget_statistics() -> None:
    """Mark every table of the test database as never analysed. Needs a superuser (as
    scripts/test's server runs it); without one, the suite still passes, only slower."""
    global _warned
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint inside a test's transaction
            cursor.execute(
                "UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE relnamespace = 'public'::regnamespace "
                "AND relkind = 'r' AND (reltuples >= 0 OR relpages > 0)"
            )
    except DatabaseError as error:  # not a superuser: leave the statistics as they are
        if not _warned:
            warnings.warn(f"tests/planner.py cannot reset PostgreSQL's statistics: {error}", stacklevel=1)
            _warned = True
