"""Sessions keep their user's id in a column of their own, so that every request reads the session
and its user in one statement (putright.operations.sessions, decision 0015), and everything
Django's sessions and sign-in guarantee still holds: signing in rotates the session key, signing
out ends the session, a changed password ends the other sessions, a switched-off account and an
expired session are refused, and a column that disagrees with the session changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from putright.operations.models import Session
from putright.operations.sessions import SessionStore

pytestmark = pytest.mark.django_db

SIGN_IN, SIGN_OUT, QUEUE = reverse("accounts:sign-in"), reverse("accounts:sign-out"), reverse("cases:queue")
PAGE = "/account/password/changed/"  # a signed-in page that reads nothing of its own
PASSWORD = "correct horse battery"  # conftest.py's personas


def sign_in(client, username="hari", password=PASSWORD):
    response = client.post(SIGN_IN, {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.cookies["sessionid"].value


def reads_of_users(client, url=PAGE) -> tuple[int, list[str]]:
    """The response's status and every statement of the request that read a session or a user
    (not the session's own save, at most every 30 seconds)."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")
                    and ("operations_session" in q["sql"] or "accounts_user" in q["sql"])]


def test_signing_in_rotates_the_key_and_writes_the_users_id_beside_the_session(client, handler):
    client.get(SIGN_IN)
    anonymous = client.session
    anonymous["something"] = "kept before signing in"
    anonymous.save()
    before = anonymous.session_key
    assert Session.objects.get(pk=before).user_id is None
    after = sign_in(client)
    assert after != before and not Session.objects.filter(pk=before).exists()
    assert Session.objects.get(pk=after).user_id == handler.pk
    status, reads = reads_of_users(client)
    assert status == 200 and len(reads) == 1  # the session and its user, together
    assert "hari" in client.get(QUEUE).content.decode().lower()


def test_signing_out_ends_the_session_on_the_server(client, handler):
    key = sign_in(client)
    assert client.post(SIGN_OUT).status_code == 302
    assert not Session.objects.filter(pk=key).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = key  # the old cookie, kept by someone
    assert stolen.get(QUEUE).status_code == 302


def test_a_changed_password_ends_every_other_session_and_keeps_this_one(handler):
    mine, elsewhere = Client(), Client()
    sign_in(mine), sign_in(elsewhere)
    done = mine.post("/account/password/", {"old_password": PASSWORD, "new_password1": "kettle piano river",
                                            "new_password2": "kettle piano river"})
    assert done.status_code == 302
    assert mine.get(PAGE).status_code == 200  # its hash was updated: still signed in
    response = elsewhere.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    assert Session.objects.filter(user_id=handler.pk).count() == 1  # the other one was flushed


def test_a_switched_off_account_is_refused_on_its_next_request(client, handler):
    sign_in(client)
    assert client.get(PAGE).status_code == 200
    handler.is_active = False
    handler.save()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_an_expired_session_is_refused_though_its_user_is_joined(client, handler):
    key = sign_in(client)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    store = SessionStore(session_key=key)
    assert store.load() == {} and store.joined_user is None


def test_the_session_says_who_is_signed_in_not_the_column(client, handler, other_handler):
    """The column only says which user to read along. One that names someone else (written by
    hand, or left from an older release) signs in the session's own user, read on its own."""
    key = sign_in(client)
    Session.objects.filter(pk=key).update(user=other_handler)
    status, reads = reads_of_users(client)
    assert status == 200 and len(reads) == 2  # the session (with the wrong user), then the right user
    assert "Hari (Complaint handler)" in client.get(QUEUE).content.decode()
    Session.objects.filter(pk=key).update(user=None)
    assert "Hari (Complaint handler)" in client.get(QUEUE).content.decode()
    # Saved again (the session notes when it was seen), the column is put right.
    session = SessionStore(session_key=key)
    session.load()
    session.modified = True
    session.save()
    assert Session.objects.get(pk=key).user_id == handler.pk


def test_a_removed_user_signs_nobody_in_and_the_session_still_saves(client, other_handler):
    key = sign_in(client, "olu")
    other_handler.delete()  # no database constraint: the session row stays, naming nobody
    response = client.get(PAGE)
    assert response.status_code == 302
    session = SessionStore(session_key=key)
    session[SESSION_KEY] = "999999"  # a user that does not exist: saved as Django would save it
    session.save()
    assert Session.objects.get(pk=key).user_id == 999999


def test_a_residents_session_keeps_no_user(client):
    """The online complaint form keeps its answers in a session with nobody signed in."""
    session = SessionStore()
    session["portal"] = {"answers": 1}
    session.create()
    row = Session.objects.get(pk=session.session_key)
    assert row.user_id is None and SessionStore(session_key=session.session_key).load() == {"portal": {"answers": 1}}


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_session_in_date_with_its_users_id(handler):
    """Upgrading keeps everyone signed in and keeps half-finished online complaints: every
    session in date moves from Django's table to PutRight's, its user's id read from it."""
    executor = MigrationExecutor(connection)
    before = [("operations", "0001_initial")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        from django.contrib.sessions.backends.db import SessionStore as DjangoStore

        signed_in = DjangoStore()
        signed_in[SESSION_KEY] = str(handler.pk)
        signed_in.create()
        resident = DjangoStore()
        resident["portal"] = "half-finished"
        resident.create()
        expired = DjangoStore()
        expired[SESSION_KEY] = str(handler.pk)
        expired.create()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE django_session SET expire_date = %s WHERE session_key = %s",
                           [timezone.now() - dt.timedelta(minutes=1), expired.session_key])
        MigrationExecutor(connection).migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    moved = {s.session_key: s.user_id for s in Session.objects.all()}
    assert moved == {signed_in.session_key: handler.pk, resident.session_key: None}
    assert SessionStore(session_key=signed_in.session_key).load()[SESSION_KEY] == str(handler.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0
