"""Each PostgreSQL connection keeps prepared as many statements as PUTRIGHT_PREPARED_STATEMENTS
says (putright/performance/prepared.py), not psycopg's 100: past them, the least recently used is
given up and planned again when next asked."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from putright.performance import prepared

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"),
]


def _kept_after(statements: int) -> int:
    """How many statements a new connection keeps prepared after `statements` different ones."""
    other = connections.create_connection("default")
    try:
        for i in range(statements):
            with prepared.cursor(other) as cursor:
                cursor.execute(f"SELECT {i} + %s", [1])
                assert cursor.fetchone() == (i + 1,)
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]
    finally:
        other.close()


def test_a_connection_keeps_as_many_prepared_statements_as_the_setting_says(settings):
    settings.PUTRIGHT_PREPARED_STATEMENTS = 3
    assert _kept_after(5) == 3
    settings.PUTRIGHT_PREPARED_STATEMENTS = 300
    assert _kept_after(120) == 120  # more than psycopg's own 100
