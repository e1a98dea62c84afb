"""Kept database connections checked without a round trip (issue 19).

Each web worker keeps its PostgreSQL connection between requests (`CONN_MAX_AGE`). After a
database restart the kept connection is dead, and the next request must not fail on it. Django's
`CONN_HEALTH_CHECKS` ensures that by sending `SELECT 1` before each request's first query: a
round trip on every page, for an event of a few times a year (about 0.2 ms of the page's time and
CPU on both sides of the socket, through gunicorn at 150 requests a second).

Here the check asks the operating system instead. Between requests nothing is owed on the
connection, so its socket has nothing to read; a server that ends the connection (a restart,
a shutdown, `pg_terminate_backend`, a crash of the server's processes) sends its goodbye and
closes the socket, which makes it readable. Only then is the connection asked `SELECT 1`
(Django's own `is_usable`), and closed if that fails, so the request opens a new one. A message
the server sends unasked for another reason (a notice) makes the socket readable too, and costs
that one `SELECT 1`.

Not caught, as the ping would: a peer gone without closing (a network cut with no reset). The
ping would then wait for the operating system to give up as well, so the request fails either way.
SQLite's connections are files: `is_usable` never asks anything and `CONN_HEALTH_CHECKS` stays on.
"""

from __future__ import annotations

import select

from django.core.signals import request_started
from django.db import connections


def hung_up(connection) -> bool:
    """Whether the server has said something on a kept PostgreSQL connection, or closed it,
    since its last answer (nothing is owed between requests)."""
    raw = connection.connection
    if raw is None:
        return False
    if raw.closed:
        return True
    try:
        readable, _, _ = select.select([raw.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def check_kept_connections(**kwargs) -> None:
    """At the start of a request (after Django closes obsolete connections): close a kept
    PostgreSQL connection the server has hung up, so the request's first query opens a new one."""
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and not connection.health_check_enabled and hung_up(connection):
            if not connection.is_usable():
                connection.close()


def connect() -> None:
    request_started.connect(check_kept_connections, dispatch_uid="putright-kept-connections")
