"""A kept PostgreSQL connection the server has ended (a restart, pg_terminate_backend) is replaced
before the next request uses it, as Django's health checks did, without their SELECT 1 on every
request (putright/operations/kept_connections.py, issue 19)."""

from __future__ import annotations

import select
import time

import pytest
from django.core.signals import request_started
from django.db import OperationalError, connection, connections

from putright.operations import kept_connections

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite's connections are files: Django's health checks ask nothing"),
]


def end_from_the_server(pid: int) -> None:
    """As a database restart does to each connection: the server ends it and says so."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    deadline = time.monotonic() + 10
    while not select.select([connection.connection.fileno()], [], [], 0.1)[0] and time.monotonic() < deadline:
        pass


@pytest.fixture
def asked(monkeypatch):
    """The SELECT 1 health checks Django's `is_usable` sends, counted."""
    calls = []
    real = type(connections["default"]).is_usable

    def counted(self):
        calls.append(self.alias)
        return real(self)

    monkeypatch.setattr(type(connections["default"]), "is_usable", counted)
    return calls


def test_postgresql_connections_are_not_pinged_by_django():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is False
    assert connection.settings_dict["CONN_MAX_AGE"] == 60


def test_a_request_on_a_live_kept_connection_asks_nothing_more(client, handler, asked):
    client.force_login(handler)
    for _ in range(3):
        assert client.get("/cases/").status_code == 200
    assert asked == []


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(client, handler, asked):
    client.force_login(handler)
    assert client.get("/cases/").status_code == 200
    pid = connection.connection.info.backend_pid
    end_from_the_server(pid)
    assert client.get("/cases/").status_code == 200
    assert connection.connection.info.backend_pid != pid
    assert asked == ["default"]  # asked once, when the socket said the server had spoken


def test_without_the_check_that_request_would_fail(client, handler):
    client.force_login(handler)
    assert client.get("/cases/").status_code == 200
    end_from_the_server(connection.connection.info.backend_pid)
    request_started.disconnect(dispatch_uid="putright-kept-connections")
    try:
        with pytest.raises(OperationalError):
            client.get("/cases/")
    finally:
        kept_connections.connect()
        connection.close()
