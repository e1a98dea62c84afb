"""The signed-in user, read on every request with the session, or with SQL the ORM writes once (issue 19).

Django's `AuthenticationMiddleware` reads the user through the backend that signed them in;
`ModelBackend` asks `User.objects.get(pk=…)`, a query built and compiled afresh each request
(about 0.3 ms of CPU, and on PostgreSQL planned by the server each time). Here, when the session
names a backend that reads users as `ModelBackend` does, the user is the row the session store
read along with the session (its user's id kept in a column of the session's own: decision 0015),
or, if that row is not the user the session names, read by a compiled query
(putright/performance/compiled.py: the same row, made into a `User` as the ORM makes it;
prepared once per connection on PostgreSQL). Either is accepted only as Django accepts it:
active, and the session's hash of the password matching the current secret key's.

Anything else (no user, an inactive one, a changed password, a hash made with an old secret key,
another backend such as single sign-on's) goes to Django's own `get_user`, which reads the user
again and does what it does: nothing, flush the session, or move it to the new key. So the user
is still read on every request: signing out, a switched-off account, a changed password or role
take effect at once (putright/accounts/tests/test_signed_in_user.py compares the two).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from putright.performance.compiled import Compiled

USER = Compiled(lambda pk: get_user_model()._default_manager.filter(pk=pk))


def signed_in_user(request):
    """The user the request's session is signed in as (an AnonymousUser if none): what
    `django.contrib.auth.get_user` returns, read with the session (or by one compiled query) when all is in order."""
    session = request.session
    try:
        path, pk, session_hash = session[BACKEND_SESSION_KEY], session[SESSION_KEY], session.get(HASH_SESSION_KEY)
    except KeyError:
        return auth.get_user(request)
    if session_hash and path in settings.AUTHENTICATION_BACKENDS:
        backend = load_backend(path)
        if type(backend).get_user is ModelBackend.get_user:
            try:
                pk = get_user_model()._meta.pk.to_python(pk)
            except (ValidationError, TypeError, ValueError):
                found = []
            else:
                joined = getattr(session, "joined_user", None)  # read with the session (decision 0015)
                found = [joined] if joined is not None and joined.pk == pk else USER.models(pk)
            if found and backend.user_can_authenticate(found[0]) and constant_time_compare(session_hash, found[0].get_session_auth_hash()):
                return found[0]
    return auth.get_user(request)


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the user read by `signed_in_user` (the async `auser` stays Django's)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))
