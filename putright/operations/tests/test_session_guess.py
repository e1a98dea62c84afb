"""A queue page on PostgreSQL checks its session in its own round trip (decision 0020,
putright/operations/sessionguess.py): the session and user this process read last for the key are
guessed, the same session statement goes first in the page's pipeline, and the page is shown only
if the rows read there are the rows guessed. Anything changed since, by another worker or by hand
(the session deleted, the password, the account switched off, the role, the session's data), counts
on the very next page, as when the session was read on its own. SQLite reads it on its own, as
before."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse

from putright.accounts.models import Role, User
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_queries import RoundTrips
from putright.operations import sessionguess
from putright.operations.models import Session
from putright.operations.sessions import SessionStore

pytestmark = pytest.mark.django_db

QUEUE = "/cases/?cases=all"
SIGN_IN = reverse("accounts:sign-in")
PAGE = "/account/password/changed/"  # a signed-in page that reads nothing of its own


@pytest.fixture
def signed_in(client, handler):
    """A handler's client whose next queue page may guess: the first page writes "seen at" (the
    session saved: nothing kept), the second reads the session and keeps it."""
    sessionguess.forget_all()
    client.force_login(handler)
    client.get(QUEUE)
    client.get(QUEUE)
    return client


def trips_of(client, url, monkeypatch):
    trips = RoundTrips(monkeypatch)
    with connection.execute_wrapper(trips):
        response = client.get(url)
    return response, trips


def session_alone(trips) -> bool:
    return any('FROM "operations_session"' in sql for sql in trips.alone_sql)


def key(client) -> str:
    return client.cookies["sessionid"].value


def test_a_queue_page_reads_its_session_in_its_own_round_trip(signed_in, monkeypatch):
    response, trips = trips_of(signed_in, QUEUE, monkeypatch)
    assert response.status_code == 200 and response.wsgi_request.user.username == "hari"
    if connection.vendor == "postgresql":
        assert not session_alone(trips) and trips.pipelines == 1, trips.alone_sql
        # The session; the page's rows and counts between the settings of how they are planned
        # (one before, two after: decisions 0021, 0022).
        assert trips.statements - trips.alone == 6
    else:
        assert session_alone(trips)


def test_other_pages_read_the_session_on_its_own(signed_in, monkeypatch):
    response, trips = trips_of(signed_in, PAGE, monkeypatch)
    assert response.status_code == 200 and session_alone(trips)


def test_a_session_signed_out_elsewhere_shows_no_page(signed_in, monkeypatch):
    Session.objects.filter(pk=key(signed_in)).delete()  # another worker's sign-out
    response = signed_in.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    assert not response.wsgi_request.user.is_authenticated


def test_a_redirect_from_the_queue_is_checked_before_it_leaves(signed_in, handler, resident):
    """A reference searched for opens its case (a redirect, no pipeline): with the session gone it
    is the sign-in page instead."""
    case = f.log_complaint(resident=resident, handler=handler, actor=handler)
    assert signed_in.get(f"/cases/?q={case.reference}")["Location"].endswith(f"/cases/{case.reference}/")
    signed_in.get(QUEUE)  # kept again (the redirect's page saved nothing)
    Session.objects.filter(pk=key(signed_in)).delete()
    response = signed_in.get(f"/cases/?q={case.reference}")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_a_password_changed_elsewhere_signs_out_at_once(signed_in, handler):
    User.objects.filter(pk=handler.pk).update(password=make_password("another horse battery staple"))
    response = signed_in.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_an_account_switched_off_elsewhere_is_refused_at_once(signed_in, handler):
    User.objects.filter(pk=handler.pk).update(is_active=False)
    response = signed_in.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_a_new_role_counts_on_the_next_page(signed_in, handler):
    """A manager must set up an authenticator first: the page is decided for the new role."""
    User.objects.filter(pk=handler.pk).update(role=Role.MANAGER)
    response = signed_in.get(QUEUE)
    assert response.wsgi_request.user.role == Role.MANAGER
    assert response.status_code == 302 and "/two-factor/" in response["Location"]


def test_a_session_changed_elsewhere_is_read_again(signed_in):
    row = Session.objects.get(pk=key(signed_in))
    data = SessionStore().decode(row.session_data)
    Session.objects.filter(pk=row.pk).update(session_data=SessionStore().encode({**data, "written": "elsewhere"}))
    response = signed_in.get(QUEUE)
    assert response.status_code == 200 and response.wsgi_request.session.get("written") == "elsewhere"


def test_a_session_not_seen_for_30_seconds_is_not_guessed(signed_in, monkeypatch):
    import time

    later = time.time() + sessionguess.FRESH_SECONDS
    monkeypatch.setattr(sessionguess.time, "time", lambda: later)
    response, trips = trips_of(signed_in, QUEUE, monkeypatch)
    assert response.status_code == 200 and session_alone(trips)
