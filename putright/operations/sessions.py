"""Staff sessions end after a while without a request (PUTRIGHT_SESSION_IDLE_MINUTES, 30 unless
set) and at a fixed time after signing in (PUTRIGHT_SESSION_MAX_HOURS, 10), whatever happens in
between: a shared office computer left signed in does not stay open to the next person.

The sessions themselves are Django's database sessions (SESSION_ENGINE is this module): kept on
the server, so signing out, an expired session and a changed password end them everywhere. Only
the read at the start of every request is leaner (`SessionStore`, issue 19).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

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
    """Django's database sessions, read with one plain SQL statement instead of a query the ORM
    builds afresh on every request (about a quarter of a millisecond of CPU each time). The same
    row, the same test: the key, and an expiry date still to come; writing is Django's."""

    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)}"
                f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
