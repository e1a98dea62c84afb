"""Cursors for compiled SQL on PostgreSQL: bound and prepared by the server (putright.performance.compiled).

Django's own cursors bind values on the client and never prepare, so a statement asked on every
request is planned on every request. A compiled query's SQL is the same every time: here the
server prepares it once per connection and then only binds and runs it.
"""

from __future__ import annotations

from django.conf import settings


def cursor(connection, prepare: bool = True):
    """A cursor for compiled SQL. On PostgreSQL, one whose statements the server prepares once
    per connection and then only binds and runs (`Prepared` below), wrapped as Django wraps its own
    (so the test's and the benchmark's query logs see it); elsewhere Django's own. `prepare`
    False: bound on the server but planned each time (SQL that changes from request to request,
    which a pipeline needs bound on the server all the same)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns psycopg's preparing off (its own cursors bind on the client and never
        # prepare); `_Prepared` asks for it statement by statement, which needs it on. Nothing
        # is prepared by count: the threshold is never reached.
        connection.connection.prepare_threshold = 2**31 - 1
        # And keeps more than psycopg's 100 (settings.PUTRIGHT_PREPARED_STATEMENTS).
        connection.connection.prepared_max = settings.PUTRIGHT_PREPARED_STATEMENTS
    prepared, logged = _prepared_classes()
    if not prepare:
        import psycopg

        prepared = psycopg.Cursor
    raw = prepared(connection.connection)
    return logged(raw, connection) if connection.queries_logged else connection.make_cursor(raw)


_CLASSES = None


def _prepared_classes():
    global _CLASSES
    if _CLASSES is None:
        import psycopg
        from django.db.backends.utils import CursorDebugWrapper

        class Prepared(psycopg.Cursor):
            """Server-side binding, and every statement prepared (each connection keeps the
            PUTRIGHT_PREPARED_STATEMENTS last used): the server plans a compiled query's SQL once per connection
            instead of on every request (the case page's ~20 queries: 3.4 ms of planning)."""

            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

        class Logged(CursorDebugWrapper):
            """Django's query log for such a cursor: the SQL with its values written in, as
            Django logs its own (it cannot read it back from a server-side cursor)."""

            def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
                if use_last_executed_query and not many:
                    sql = self.db.ops.compose_sql(sql, params)
                return super().debug_sql(sql, params, False, many)

        _CLASSES = (Prepared, Logged)
    return _CLASSES
