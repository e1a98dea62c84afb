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


def test_sessions_are_read_with_their_user_in_one_statement_and_still_end_when_deleted_or_expired(client, handler):
    """SESSION_ENGINE is putright.operations.sessions: the session row and its user are read in
    one statement (decision 0015), and a session removed on the server (signed out elsewhere,
    revoked) or past its expiry is refused on the very next request."""
    import datetime as dt

    from putright.operations.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from putright.operations.sessions import SessionStore

    assert isinstance(client.session, SessionStore)
    client.force_login(handler)
    client.get("/account/password/changed/")  # the first notes when it was seen (a write)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/account/password/changed/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "operations_session" in q["sql"] or "accounts_user" in q["sql"]]
    assert len(reads) == 1 and 'FROM "operations_session" LEFT OUTER JOIN "accounts_user"' in reads[0], reads

    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/account/password/changed/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")

    client.force_login(handler)
    assert client.get("/account/password/changed/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).delete()
    response = client.get("/account/password/changed/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert SessionStore(session_key="not-a-real-key").load() == {}
    assert SessionStore(session_key=None).load() == {}
