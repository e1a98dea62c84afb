"""The second-factor check kept for PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS (issue 19): no query a
request for it, and what changes is refused within those seconds (at once in the worker that made
the change); what is read on every request (the user) still counts at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts.models import Role, User
from putright.twofactor import kept as kept_module
from putright.twofactor.tests.test_second_factor import password_sign_in

pytestmark = pytest.mark.django_db
PAGE = "/account/password/changed/"


@pytest.fixture
def kept(settings, monkeypatch):
    """The production setting (30 seconds) on a clock the test moves."""
    settings.PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS = 30
    clock = [5000.0]
    monkeypatch.setattr(kept_module.time, "monotonic", lambda: clock[0])
    kept_module.forget()
    yield clock
    kept_module.forget()


def _get(client, path=PAGE):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    device_queries = [q["sql"] for q in queries.captured_queries if "otp_" in q["sql"]]
    return response, device_queries


def _verified(user) -> tuple:
    """A manager signed in with the password and a code from their app, as the verify page does."""
    from putright.twofactor import testing

    client = password_sign_in(user)
    response = client.post("/account/two-factor/", {"code": testing.current_code(user), "next": "/cases/"})
    assert response["Location"] == "/cases/"
    return client, TOTPDevice.objects.get(user=user, confirmed=True)


def test_a_handler_without_an_app_is_checked_once_in_the_recheck_seconds(client, handler, kept):
    client.force_login(handler)
    first, asked = _get(client)
    assert first.status_code == 200 and len(asked) == 1  # "has an app?" asked once
    for _ in range(3):
        response, asked = _get(client)
        assert response.status_code == 200 and asked == []
    kept[0] += 31
    response, asked = _get(client)
    assert response.status_code == 200 and len(asked) == 1


def test_an_app_set_up_elsewhere_is_required_within_the_recheck_seconds(client, handler, kept):
    client.force_login(handler)
    assert _get(client)[0].status_code == 200
    # Set up by another worker: no signal reaches this one.
    TOTPDevice.objects.bulk_create([TOTPDevice(user=handler, name="Authenticator app", confirmed=True)])
    kept[0] += 29
    assert _get(client)[0].status_code == 200
    kept[0] += 2
    response, _ = _get(client)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/?next=")


def test_an_app_set_up_in_this_worker_is_required_at_once(client, handler, kept):
    client.force_login(handler)
    assert _get(client)[0].status_code == 200
    TOTPDevice.objects.create(user=handler, name="Authenticator app", confirmed=True)
    response, _ = _get(client)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/?next=")


def test_a_verified_session_asks_nothing_of_its_device_until_the_recheck(manager, kept):
    client, device = _verified(manager)
    response, asked = _get(client)
    assert response.status_code == 200
    response, asked = _get(client)
    assert response.status_code == 200 and asked == []
    user = response.wsgi_request.user
    assert user.is_verified() and user.otp_device.persistent_id == device.persistent_id  # loaded when asked for


def test_a_device_switched_off_by_another_worker_stops_verifying_within_the_recheck_seconds(manager, kept):
    client, device = _verified(manager)
    assert _get(client)[0].status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)  # no signal: as from another worker
    kept[0] += 29
    assert _get(client)[0].status_code == 200
    kept[0] += 2
    response, _ = _get(client)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/")
    assert DEVICE_ID_SESSION_KEY not in client.session  # as django_otp does: the session forgets the device


def test_a_device_removed_in_this_worker_stops_verifying_at_once(manager, kept):
    client, device = _verified(manager)
    assert _get(client)[0].status_code == 200
    device.delete()
    response, _ = _get(client)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/set-up/")


def test_a_switched_off_account_and_a_new_role_count_on_the_next_request(client, handler, other_handler, kept):
    client.force_login(handler)
    assert _get(client)[0].status_code == 200
    User.objects.filter(pk=handler.pk).update(is_active=False)
    response, _ = _get(client)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")

    other = type(client)()
    other.force_login(other_handler)
    assert _get(other)[0].status_code == 200
    User.objects.filter(pk=other_handler.pk).update(role=Role.MANAGER)  # managers always need the second factor
    response, _ = _get(other)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/set-up/")


def test_views_get_the_user_itself_not_lazy_wrappers(client, handler):
    client.force_login(handler)
    response = client.get(PAGE)
    assert type(response.wsgi_request.user) is User
    assert type(client.get("/how-to-complain/").wsgi_request.user) is User
    Client = type(client)
    assert type(Client().get("/how-to-complain/").wsgi_request.user) is AnonymousUser


def test_a_worker_keeps_a_bounded_number_of_answers(settings, handler, kept):
    settings.PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS = 30
    for n in range(kept_module.LIMIT + 5):
        kept[0] += 0.001
        kept_module.check(User(pk=10_000 + n), None)
    assert len(kept_module._kept) <= kept_module.LIMIT
