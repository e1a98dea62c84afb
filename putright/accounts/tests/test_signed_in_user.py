"""The signed-in user read with compiled SQL (putright.accounts.middleware) is the one Django's
`get_user` gives, with the same effect on the session, whatever state the session and the user
are in; and the read is still made on every request."""

from __future__ import annotations

import pytest
from django.contrib import auth
from django.core.exceptions import ValidationError
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import override_settings

from putright.accounts.middleware import signed_in_user
from putright.accounts.models import Role
from putright.operations.sessions import SessionStore

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_for(user, backend=MODEL_BACKEND, **changes) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for key, value in changes.items():
        if value is None:
            del session[key]
        else:
            session[key] = value
    session.create()
    return session.session_key


def outcome(rf, key: str, read) -> tuple:
    request = rf.get("/cases/")
    request.session = SessionStore(session_key=key)
    user = read(request)
    session = request.session
    return (type(user).__name__, user.pk, user.is_authenticated, session.session_key == key, dict(session.items()))


def both(rf, make_session) -> tuple[tuple, tuple]:
    """The outcome of each reader on its own copy of the same session (a reader may change it)."""
    return outcome(rf, make_session(), signed_in_user), outcome(rf, make_session(), auth.get_user)


def test_a_signed_in_member_of_staff_is_read_in_one_query(rf, handler, django_assert_num_queries):
    key = session_for(handler)
    with django_assert_num_queries(1):  # the session and its user, in one statement (decision 0015)
        ours = outcome(rf, key, signed_in_user)
    theirs = outcome(rf, key, auth.get_user)
    assert ours == theirs and ours[:3] == ("User", handler.pk, True)
    request = rf.get("/")
    request.session = SessionStore(session_key=key)
    user = signed_in_user(request)
    assert {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields} == {
        f.attname: getattr(handler, f.attname) for f in handler._meta.concrete_fields}


def test_a_switched_off_account_is_signed_out_at_once(rf, handler):
    handler.is_active = False
    handler.save()
    ours, theirs = both(rf, lambda: session_for(handler))
    assert ours == theirs and ours[0] == "AnonymousUser"


def test_a_changed_password_ends_the_session(rf, handler):
    keys = [session_for(handler), session_for(handler)]
    handler.set_password("a new password for this test")
    handler.save()
    ours, theirs = outcome(rf, keys[0], signed_in_user), outcome(rf, keys[1], auth.get_user)
    assert ours[:3] == theirs[:3] == ("AnonymousUser", None, False)
    assert ours[4] == theirs[4] == {}  # flushed


def test_a_session_made_under_an_old_secret_key_moves_to_the_new_one(rf, handler):
    with override_settings(SECRET_KEY="the-old-secret-key-" + "x" * 40):
        keys = [session_for(handler), session_for(handler)]
    with override_settings(SECRET_KEY="the-new-secret-key-" + "y" * 40, SECRET_KEY_FALLBACKS=["the-old-secret-key-" + "x" * 40]):
        ours, theirs = outcome(rf, keys[0], signed_in_user), outcome(rf, keys[1], auth.get_user)
        assert ours[:4] == theirs[:4] == ("User", handler.pk, True, False)  # a new session key
        assert ours[4][HASH_SESSION_KEY] == theirs[4][HASH_SESSION_KEY] == handler.get_session_auth_hash()


def test_a_removed_account_a_missing_hash_or_user_and_a_backend_no_longer_listed_sign_nobody_in(rf, handler, other_handler):
    for changes in ({HASH_SESSION_KEY: None}, {SESSION_KEY: None}, {BACKEND_SESSION_KEY: "no.such.Backend"},
                    {HASH_SESSION_KEY: "0" * 64}):
        ours, theirs = both(rf, lambda: session_for(handler, **changes))
        assert ours[:3] == theirs[:3] == ("AnonymousUser", None, False), changes
        assert ours[4] == theirs[4]
    for read in (signed_in_user, auth.get_user):  # a user id that is no id: an error either way
        with pytest.raises(ValidationError):
            outcome(rf, session_for(handler, **{SESSION_KEY: "not a number"}), read)
    key = session_for(other_handler)
    other_handler.delete()
    assert outcome(rf, key, signed_in_user)[:3] == ("AnonymousUser", None, False)


def test_single_sign_on_sessions_are_read_by_their_own_backend(rf, handler):
    sso = "putright.sso.backend.SsoBackend"
    ours, theirs = both(rf, lambda: session_for(handler, backend=sso))
    assert ours == theirs and ours[:3] == ("User", handler.pk, True)


def test_a_new_role_shows_on_the_next_request(rf, handler):
    key = session_for(handler)
    request = rf.get("/cases/")
    request.session = SessionStore(session_key=key)
    assert signed_in_user(request).role == Role.HANDLER
    handler.role = Role.MANAGER
    handler.save()
    request = rf.get("/cases/")
    request.session = SessionStore(session_key=key)
    assert signed_in_user(request).role == Role.MANAGER


def test_the_page_is_served_through_it(client, handler, monkeypatch):
    from putright.accounts import middleware

    read = []
    monkeypatch.setattr(middleware, "signed_in_user", lambda request: read.append(request.path) or auth.get_user(request))
    client.force_login(handler)
    assert client.get("/cases/").status_code == 200
    assert read == ["/cases/"]
