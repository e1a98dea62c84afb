"""Staff sessions end after a while without a request (PUTRIGHT_SESSION_IDLE_MINUTES, 30 unless
set) and at a fixed time after signing in (PUTRIGHT_SESSION_MAX_HOURS, 10), whatever happens in
between: a shared office computer left signed in does not stay open to the next person."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

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
