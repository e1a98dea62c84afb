"""The one place the test suite gets "now" from.

Every test runs with the clock frozen (by time-machine, which also covers C-level calls) at
Monday 23 November 2026, 10:00 in London, and ticking from there, so the suite gives the same
answers on any day of the year. To run the whole suite as if it were another day:

    PUTRIGHT_TEST_TODAY=2027-12-24 make test            # 10:00 that day
    PUTRIGHT_TEST_TODAY=2027-12-24T16:30 make test      # or a time of day too

Processes a test starts (the `putright` console script, a server) cannot see time-machine's clock:
start them with `subprocess_env()`, which moves their system clock to the same instant with
Debian's libfaketime (`apt-get install faketime`).

A test that needs the real clock says so with `@pytest.mark.real_clock`.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
from zoneinfo import ZoneInfo

ENV = "PUTRIGHT_TEST_TODAY"
DEFAULT = "2026-11-23T10:00"  # a Monday, a working day, in reporting year 2026/27
LONDON = ZoneInfo("Europe/London")
FAKETIME_LIBRARIES = "/usr/lib/*/faketime/libfaketime.so.1"


class BadTestDate(ValueError):
    pass


def frozen_instant(raw: str | None = None) -> dt.datetime:
    """The instant the suite runs at, in London time: PUTRIGHT_TEST_TODAY, or the default."""
    if raw is None:
        raw = os.environ.get(ENV, "")
    raw = raw.strip() or DEFAULT
    try:
        if "T" in raw or " " in raw:
            naive = dt.datetime.fromisoformat(raw)
        else:
            naive = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(10, 0))
    except ValueError:
        raise BadTestDate(
            f"{ENV}={raw!r} is not a date: write it as YYYY-MM-DD (10:00 that day) or YYYY-MM-DDTHH:MM"
        ) from None
    if naive.tzinfo is not None:
        return naive.astimezone(LONDON)
    return naive.replace(tzinfo=LONDON)


def frozen_today() -> dt.date:
    return frozen_instant().date()


def faketime_library() -> str:
    found = sorted(glob.glob(FAKETIME_LIBRARIES))
    if not found:
        raise RuntimeError(
            "A test starts a process that must share the suite's frozen clock, which needs Debian's "
            "libfaketime: apt-get install -y faketime"
        )
    return found[0]


def subprocess_env(base: dict | None = None, *, at: dt.datetime | None = None) -> dict:
    """An environment for a child process whose system clock starts at the suite's frozen instant
    (or `at`) and ticks from there, the way time-machine's clock does in this process."""
    import time

    env = dict(os.environ if base is None else base)
    if at is None:
        # Where this process's (frozen, ticking) clock is now, not where it started.
        at = dt.datetime.fromtimestamp(time.time(), tz=dt.timezone.utc)
    utc = at.astimezone(dt.timezone.utc)
    env["LD_PRELOAD"] = faketime_library()
    env["FAKETIME"] = "@" + utc.strftime("%Y-%m-%d %H:%M:%S")
    env["TZ"] = "UTC"  # FAKETIME is read in the process's local time; Django keeps Europe/London
    env["FAKETIME_DONT_RESET"] = "1"  # children of the child (gunicorn workers) share the clock
    return env
