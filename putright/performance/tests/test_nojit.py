"""PostgreSQL's just-in-time compilation is off on every connection PutRight opens (decision 0028):
compiling one of the queue's statements cost 0.9-2.0 s in this suite, a report figure up to 85 ms."""

from __future__ import annotations

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's setting")]

COSTLY = "EXPLAIN SELECT sum(n) FROM generate_series(1, 10000000) AS n"


def _show_jit(wrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_the_connection_the_pages_use_has_no_just_in_time_compilation():
    assert _show_jit(connection) == "off"


def test_a_connection_opened_later_has_none_either():
    fresh = connections.create_connection("default")
    try:
        assert _show_jit(fresh) == "off"
    finally:
        fresh.close()


def test_a_statement_costly_enough_to_be_compiled_is_not():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_jit_available()")
        available = cursor.fetchone()[0]
        cursor.execute("SAVEPOINT jit_probe")
        cursor.execute("SET LOCAL jit_above_cost = 0")
        cursor.execute(COSTLY)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "JIT" not in plan, plan
        if available:  # the server could compile it: it would, with the setting back on
            cursor.execute("SET LOCAL jit = on")
            cursor.execute(COSTLY)
            assert "JIT" in "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("ROLLBACK TO SAVEPOINT jit_probe")
