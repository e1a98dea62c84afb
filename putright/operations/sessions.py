"""Staff sessions end after a while without a request (PUTRIGHT_SESSION_IDLE_MINUTES, 30 unless
set) and at a fixed time after signing in (PUTRIGHT_SESSION_MAX_HOURS, 10), whatever happens in
between: a shared office computer left signed in does not stay open to the next person.

The sessions themselves are Django's database sessions (SESSION_ENGINE is this module): kept on
the server, so signing out, an expired session and a changed password end them everywhere. Only
the read at the start of every request is leaner: the session and its user in one statement
(`SessionStore`, issue 19, decision 0015).
"""

from __future__ import annotations

import time

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.utils import timezone

from putright.operations import sessionguess
from putright.performance.compiled import Compiled

SIGNED_IN_AT = "putright_signed_in_at"
SEEN_AT = "putright_seen_at"


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            idle = settings.PUTRIGHT_SESSION_IDLE_MINUTES * 60
            longest = settings.PUTRIGHT_SESSION_MAX_HOURS * 3600
            if now - seen_at > idle or now - signed_in_at > longest:
                logout(request)  # a fresh, empty session; the view then asks them to sign in
                messages.info(request, "You were signed out to keep residents' information safe. Sign in again.")
            elif now - seen_at > 30 or SEEN_AT not in session:
                session[SEEN_AT] = now  # written at most every 30 seconds, not on every request
        return self.get_response(request)


class SessionStore(db.SessionStore):
    """Django's database sessions, in a table that also keeps the signed-in user's id
    (`putright.operations.models.Session`), read with SQL the ORM writes once per process
    (prepared by PostgreSQL once per connection): the session row, and the user it names joined
    to it, in one statement (decision 0015). The same row, the same test (the key, and an expiry
    still to come); writing is Django's, the user's id set from what is saved.

    The joined user (`joined_user`) is only a row read along: `putright.accounts.middleware`
    accepts it as the signed-in user only for the id the session holds, as Django would."""

    joined_user = None

    @classmethod
    def get_model_class(cls):
        from putright.operations.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session

    def _get_session_from_db(self):
        self.joined_user = None
        if not self.session_key:
            self._session_key = None
            return None
        now = timezone.now()
        # A queue page on PostgreSQL: the rows read last for this key, checked in the page's own
        # round trip (decision 0020); None elsewhere.
        guess = sessionguess.guessed(self.session_key, now)
        if guess is not None:
            self.joined_user = guess.user
            return guess
        found = _SESSION.models(self.session_key, now)
        if not found:
            self._session_key = None
            return None
        self.joined_user = found[0].user
        sessionguess.keep(self.session_key, found[0], lambda: self.decode(found[0].session_data))
        return found[0]

    def save(self, must_create=False):
        sessionguess.forget(self.session_key)
        super().save(must_create)

    def delete(self, session_key=None):
        sessionguess.forget(session_key or self.session_key)
        super().delete(session_key)


def _user_id(value):
    """The user's id as the column keeps it, or None for none (or one that is no id: such a
    session signs nobody in, and Django's `get_user` says so)."""
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


_SESSION = Compiled(
    lambda key, now: SessionStore.get_model_class()._default_manager.select_related("user").filter(
        session_key=key, expire_date__gt=now),
    str, dt.datetime,
)
