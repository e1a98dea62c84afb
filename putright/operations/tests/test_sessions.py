"""Staff sessions end after 30 minutes idle and 10 hours after signing in."""

from __future__ import annotations

import time

import pytest

from putright.operations.sessions import SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def _set(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_staff_session_ends_after_30_minutes_idle(client, handler):
    client.force_login(handler)
    assert client.get("/cases/").status_code == 200
    _set(client, **{SEEN_AT: time.time() - 29 * 60})
    assert client.get("/cases/").status_code == 200  # still in time, and the clock restarts
    assert time.time() - client.session[SEEN_AT] < 5
    _set(client, **{SEEN_AT: time.time() - 31 * 60})
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_staff_session_ends_at_the_fixed_maximum_however_busy(client, handler, settings):
    settings.PUTRIGHT_SESSION_MAX_HOURS = 10
    client.force_login(handler)
    _set(client, **{SIGNED_IN_AT: time.time() - 10 * 3600 - 1, SEEN_AT: time.time()})
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_idle_time_is_a_setting(client, handler, settings):
    settings.PUTRIGHT_SESSION_IDLE_MINUTES = 5
    client.force_login(handler)
    client.get("/cases/")
    _set(client, **{SEEN_AT: time.time() - 6 * 60})
    assert client.get("/cases/").status_code == 302
