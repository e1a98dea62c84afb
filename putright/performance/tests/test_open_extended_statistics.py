"""PostgreSQL keeps statistics of whether a case is open and whether it is extended taken together
(performance migration 0033, decision 0033), as it has kept its state's and whether it is open
since migration 0015: each column's own statistics, taken as independent, put "open and
extended" at a tenth of the cases there are at a million, and the queue's "extended" page was
planned for that (docs/performance.md). Both are made again if a migration drops them."""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection

from putright.performance import schema

STATISTICS = importlib.import_module("putright.performance.migrations.0033_open_extended_statistics").STATISTICS

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")]

EXTENDED = "case_open_extended_statistics"
STATE = "case_state_is_open"


def _statistics() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.stxname, a.attname FROM pg_statistic_ext s JOIN pg_attribute a "
            "ON a.attrelid = s.stxrelid AND a.attnum = ANY (s.stxkeys) WHERE s.stxrelid = 'cases_case'::regclass")
        found: dict[str, set[str]] = {}
        for name, column in cursor.fetchall():
            found.setdefault(name, set()).add(column)
        return found


def _expected_rows(sql: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        return (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plan Rows"]


#: The migration's statistics, as it makes them (name, kind, table, columns).
(_NAME, KIND, _TABLE, COLUMNS), = STATISTICS


def _probe(with_statistics: bool) -> float:
    """The rows PostgreSQL expects "open and extended" to keep of 300 cases, a tenth of them open
    and two thirds of those extended (20), as at a landlord: most cases closed, only open ones
    extended. Asked of a temporary table of the cases table's columns, with or without the migration's
    statistics: `ANALYZE` writes a table's size in place, past any rollback, and the other plan
    tests rely on the cases table never having been analysed."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE case_probe AS SELECT id, {COLUMNS} FROM cases_case WITH NO DATA")
        try:
            if with_statistics:
                cursor.execute(f"CREATE STATISTICS case_probe_statistics ({KIND}) ON {COLUMNS} FROM case_probe")
            cursor.execute("INSERT INTO case_probe (id, is_open, extended_open) "
                           "SELECT i, i % 10 = 0, CASE WHEN i % 30 IN (0, 10) THEN TRUE END FROM generate_series(0, 299) AS i")
            cursor.execute("SELECT count(*) FROM case_probe WHERE is_open AND extended_open")
            assert cursor.fetchone()[0] == 20
            cursor.execute("ANALYZE case_probe")
            return _expected_rows("SELECT id FROM case_probe WHERE is_open AND extended_open")
        finally:
            cursor.execute("DROP TABLE case_probe")


def test_the_migrations_keep_the_columns_statistics_together():
    found = _statistics()
    assert found[EXTENDED] == {"is_open", "extended_open"}
    assert found[STATE] == {"state", "is_open"}


def test_with_them_the_open_extended_cases_are_expected_as_many_as_there_are():
    assert 15 <= _probe(with_statistics=True) <= 25  # 20 are
    # Without them, each column's share is multiplied: a tenth of the cases open, a fifteenth extended.
    assert _probe(with_statistics=False) <= 5


@pytest.mark.parametrize("name", [EXTENDED, STATE])
def test_ensure_makes_them_again_when_a_migration_dropped_them(name):
    columns = _statistics()[name]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP STATISTICS {name}")
    assert name not in _statistics()
    assert name not in schema.ensure(connection, indexes=False)["indexes"]  # the worker's call: DDL waits for migrate
    assert name not in _statistics()

    done = schema.ensure(connection)

    assert done["indexes"] == [name]
    assert _statistics()[name] == columns
    assert schema.ensure(connection)["indexes"] == []  # made once
