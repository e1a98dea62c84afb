"""PostgreSQL keeps statistics of whether a case is open and whether it is extended taken together
(performance migration 0033, decision 0033), as it has kept its state's and whether it is open
since migration 0015: each column's own statistics, taken as independent, put "open and
extended" at a tenth of the cases there are at a million, and the queue's "extended" page was
planned for that (docs/performance.md). Both are made again if a migration drops them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from putright.cases.models import Case
from putright.performance import schema

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")]

EXTENDED = "case_open_extended_statistics"
STATE = "case_state_is_open"
OPEN_AND_EXTENDED = "SELECT id FROM cases_case WHERE is_open AND extended_open"


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


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")


@pytest.fixture
def mostly_closed():
    """300 cases, a tenth of them open, two thirds of those extended: as at a landlord, most cases
    closed and only open ones extended. Written with the tables' triggers off for the test's
    transaction (`session_replication_role`), as `extended_open` is otherwise worked out from the
    stages' extensions: these cases have none, and only the planner's estimate is tested here."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    day = dt.date(2026, 1, 5)
    Case.objects.bulk_create(
        Case(reference=f"STAT-{i:04d}", kind="complaint", received_on=day, description="Damp.",
             state="stage1_acknowledged" if i % 10 == 0 else "closed", is_open=i % 10 == 0,
             extended_open=True if i % 30 in (0, 10) else None)
        for i in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert Case.objects.filter(is_open=True, extended_open=True).count() == 20


def test_the_migrations_keep_the_columns_statistics_together():
    found = _statistics()
    assert found[EXTENDED] == {"is_open", "extended_open"}
    assert found[STATE] == {"state", "is_open"}


def test_with_them_the_open_extended_cases_are_expected_as_many_as_there_are(mostly_closed):
    _analyze()
    assert 15 <= _expected_rows(OPEN_AND_EXTENDED) <= 25  # 20 are

    # Without them, each column's share is multiplied: a tenth of the cases open, a fifteenth extended.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP STATISTICS {EXTENDED}")
    _analyze()
    assert _expected_rows(OPEN_AND_EXTENDED) <= 5


@pytest.mark.parametrize("name", [EXTENDED, STATE])
def test_ensure_makes_them_again_when_a_migration_dropped_them(name):
    columns = _statistics()[name]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP STATISTICS {name}")
    assert name not in _statistics()

    done = schema.ensure(connection)

    assert done["indexes"] == [name]
    assert _statistics()[name] == columns
    assert schema.ensure(connection)["indexes"] == []  # made once
