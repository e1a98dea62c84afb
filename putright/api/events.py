"""The timeline events other systems are told of, in order: shared by the feed and the webhooks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def settle_seconds() -> int:
    """Events younger than this are held back a moment (PUTRIGHT_EVENTS_SETTLE_SECONDS).

    Event ids come from a sequence when the row is written, but transactions commit in their own
    order: on PostgreSQL event 101 can become visible before event 100. A reader that moved its
    cursor past 101 would never see 100. Holding back the last few seconds lets transactions
    still in flight commit first (every service function's transaction is short).
    """
    return int(getattr(settings, "PUTRIGHT_EVENTS_SETTLE_SECONDS", 5))


def settled_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settle_seconds())
