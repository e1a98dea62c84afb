"""The session checked in the queue page's own round trip on PostgreSQL (decision 0020).

A signed-in queue page made two round trips: the session and its user (decision 0015), then the
page's pipeline, written for that user (decision 0013). Here, for a GET of the queue, the
process uses the session row and user it read last for that session key (a guess), and the page
sends the same session statement first in its pipeline. The page is shown only if the rows read
there are the rows guessed, every column of each; otherwise the request is made again from the
start with the session read on its own, as before. Nothing is kept as an answer: signing out,
a changed password, a switched-off account, a new role, a changed session and expiry count on
the very page, in every worker.

What holds it (`SessionCheckMiddleware`, just inside Django's session middleware):

- only GET or HEAD of the queue, on PostgreSQL (SQLite has no round trips to save);
- only a guess the middleware before the view does nothing with: a signed-in session seen in
  the last 30 seconds and in its time limits (`StaffSessionTimeoutMiddleware` then neither
  signs out nor writes);
- nothing leaves before the check: a response the page did not check (a redirect, a refusal, an
  error) is checked by a round trip of its own before it goes;
- a failed check is not an error: the page is made again from a fresh request, and Django's
  session middleware (outside this one) saves that request's session, never the guessed one;
- each request builds its own `Session` and user from the values kept (no object is shared), and
  a session this process saves or deletes is guessed no more.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.urls import Resolver404, resolve, reverse

#: Guessed sessions by key, most recently used last (at most KEEP: one a signed-in user a worker).
_kept: OrderedDict = OrderedDict()
_lock = threading.Lock()
KEEP = 1000
#: The views that send `check_call()` first in their reads' round trip (the queue:
#: putright.cases.views.queue_reads.read_page).
CHECKED_VIEWS = frozenset({"cases:queue"})
#: A guess is used only while the session was seen this recently (the session middleware writes
#: "seen at" when it is older: putright.operations.sessions).
FRESH_SECONDS = 30


@dataclass(frozen=True)
class Kept:
    session: tuple  # the Session row's values, its concrete fields in order
    user: tuple | None  # the joined user's, or None
    seen_at: float
    signed_in_at: float


@dataclass
class Guess:
    """One request's guess: `used` the key and what was guessed, `checked` once compared with
    the rows read, `failed` when they differed."""

    used: tuple | None = None
    checked: bool = False
    failed: bool = False
    now: object = field(default=None)


_request: ContextVar[Guess | None] = ContextVar("session_guess", default=None)


def _values(obj) -> tuple:
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def _build(model, values: tuple, alias: str):
    return model.from_db(alias, [f.attname for f in model._meta.concrete_fields], values)


def keep(key: str, found, decoded) -> None:
    """Keep a session just read (and its joined user), for this process's next queue page, when
    the request may guess; `decoded()` its contents."""
    from putright.operations.sessions import SEEN_AT, SIGNED_IN_AT

    if _request.get() is None:
        return
    data = decoded()
    if not isinstance(data.get(SEEN_AT), (int, float)) or not isinstance(data.get(SIGNED_IN_AT), (int, float)):
        return
    kept = Kept(_values(found), None if found.user is None else _values(found.user), data[SEEN_AT], data[SIGNED_IN_AT])
    with _lock:
        _kept[key] = kept
        _kept.move_to_end(key)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)


def forget(key: str | None) -> None:
    """A session saved or deleted by this process: not guessed again."""
    if key:
        with _lock:
            _kept.pop(key, None)


def forget_all() -> None:
    with _lock:
        _kept.clear()


def guessed(key: str, now):
    """The session guessed for this request (a new `Session`, its user set), or None: no guess
    to use (not a queue page, none kept, not seen or signed in recently enough, expired)."""
    guess = _request.get()
    if guess is None or guess.used is not None:
        return None
    with _lock:
        kept = _kept.get(key)
    if kept is None:
        return None
    moment = time.time()
    fresh = min(FRESH_SECONDS, settings.PUTRIGHT_SESSION_IDLE_MINUTES * 60)
    if moment - kept.seen_at >= fresh or moment - kept.signed_in_at >= settings.PUTRIGHT_SESSION_MAX_HOURS * 3600 - FRESH_SECONDS:
        return None
    from django.contrib.auth import get_user_model
    from django.db import router

    from putright.operations.sessions import SessionStore

    session_model, user_model = SessionStore.get_model_class(), get_user_model()
    alias = router.db_for_read(session_model)
    session = _build(session_model, kept.session, alias)
    if session.expire_date <= now:
        return None
    # Set as the ORM's select_related sets it: the cache, not the column.
    session_model._meta.get_field("user").set_cached_value(session, None if kept.user is None else _build(user_model, kept.user, alias))
    guess.used, guess.now = (key, kept), now
    return session


def check_call():
    """The session statement to send first in the page's pipeline (compiled.together's form),
    or None when the request guessed nothing (or has checked already)."""
    guess = _request.get()
    if guess is None or guess.used is None or guess.checked:
        return None
    from putright.operations.sessions import _SESSION

    return (_SESSION, "models", (guess.used[0], guess.now))


def answer(found: list) -> None:
    """The rows the check read: the guess holds only if they are the rows guessed."""
    guess = _request.get()
    kept = guess.used[1]
    row = found[0] if found else None
    same = row is not None and _values(row) == kept.session and (
        (row.user is None and kept.user is None) or (row.user is not None and kept.user is not None and _values(row.user) == kept.user))
    guess.checked, guess.failed = True, not same
    if not same:
        forget(guess.used[0])


_paths: frozenset | None = None


def _checked_path(path: str) -> bool:
    """Whether `path` is one of CHECKED_VIEWS' (their paths worked out once per process)."""
    global _paths
    if _paths is None:
        _paths = frozenset(reverse(name) for name in CHECKED_VIEWS)
    if path not in _paths:
        return False
    try:
        return resolve(path).view_name in CHECKED_VIEWS
    except Resolver404:
        return False


def _may_guess(request) -> bool:
    return (request.method in ("GET", "HEAD") and connections["default"].vendor == "postgresql"
            and bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and _checked_path(request.path_info))


class SessionCheckMiddleware:
    """Lets a marked view's request guess its session, and makes sure the guess was checked
    before anything leaves (see the module's docstring). Just after Django's SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_guess(request):
            return self.get_response(request)
        token = _request.set(Guess())
        try:
            response = self.get_response(request)
            guess = _request.get()
            if guess.used is not None and not guess.checked:  # the page did not send the check: now, on its own
                from putright.operations.sessions import _SESSION

                answer(_SESSION.models(guess.used[0], guess.now))
            if not guess.failed:
                return response
        finally:
            _request.reset(token)
        # The session or its user changed since the guess: the page again, from the start, with
        # the session read on its own; the outer session middleware saves this request's session.
        fresh = request.__class__(request.environ)
        fresh.session = request.session.__class__(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        response = self.get_response(fresh)
        request.session = fresh.session
        if hasattr(fresh, "user"):
            request.user = fresh.user
        return response

