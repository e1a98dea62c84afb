"""The periodic jobs `putright worker` runs, and how a feature adds one.

A job is a plain function taking no arguments and returning a dict of counts (or None). It must
be idempotent and safe to kill at any moment: the worker may stop half way and run it again.
Register it in your app's `AppConfig.ready()` with one line:

    jobs.register("mailbox_fetch", fetch_mail, every=dt.timedelta(minutes=1))
    jobs.register("retention", retention.run_once, daily_at=dt.time(2, 0))

`every` runs it that often; `daily_at` once a day at that local time (Europe/London), or at the
first chance after it if the worker was stopped then.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

log = logging.getLogger("putright.worker")


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], dict | int | None]
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    #: How long a claimed run may take before another worker may start it again.
    lease: dt.timedelta = dt.timedelta(minutes=15)
    #: False for jobs that are safe to run in several workers at once (they claim their own
    #: rows, as the outbox does): each worker then runs it on its own clock, nothing to wait for.
    exclusive: bool = True

    def next_after(self, now: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return now + self.every
        local = timezone.localtime(now)
        at = timezone.make_aware(dt.datetime.combine(local.date(), self.daily_at))
        if at <= now:
            at = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), self.daily_at))
        return at

    def first_run(self, now: dt.datetime) -> dt.datetime:
        """A new periodic job runs straight away; a daily one at its next time."""
        return now if self.every is not None else self.next_after(now)


REGISTRY: dict[str, Job] = {}


def register(
    name: str,
    func: Callable[[], dict | int | None],
    *,
    every: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    lease: dt.timedelta = dt.timedelta(minutes=15),
    exclusive: bool = True,
) -> Job:
    if (every is None) == (daily_at is None):
        raise ValueError(f"Job {name!r}: give exactly one of every= or daily_at=")
    job = Job(name, func, every, daily_at, lease, exclusive)
    REGISTRY[name] = job
    return job


def claim(job: Job, now: dt.datetime) -> bool:
    """Take this run of the job if it is due and no other worker took it."""
    from putright.operations.models import JobState

    state = JobState.objects.filter(name=job.name).first()
    if state is None:
        try:
            with transaction.atomic():
                state = JobState.objects.create(name=job.name, next_run_at=job.first_run(now))
        except IntegrityError:  # another worker created it first
            state = JobState.objects.get(name=job.name)
    if state.next_run_at > now:
        return False
    return bool(
        JobState.objects.filter(name=job.name, next_run_at=state.next_run_at).update(
            next_run_at=now + job.lease, last_started_at=now
        )
    )


def run(job: Job, now: dt.datetime | None = None) -> tuple[dict | None, dt.datetime]:
    """Run a claimed job and schedule its next run (from `now`, or the time it finished). A
    failure is logged and retried within 5 minutes. Returns the result (None after a failure)
    and when the job runs next."""
    given_now = now
    from putright.operations.models import JobState

    started = time.monotonic()
    try:
        result = job.func()
    except Exception as error:
        log.exception("Job %s failed", job.name, extra={"job": job.name})
        now = given_now or timezone.now()
        next_run_at = min(job.next_after(now), now + dt.timedelta(minutes=5))
        JobState.objects.filter(name=job.name).update(
            next_run_at=next_run_at,
            last_finished_at=now,
            last_error="".join(traceback.format_exception_only(error)).strip()[:2000],
        )
        return None, next_run_at
    if isinstance(result, int):
        result = {"count": result}
    result = dict(result or {})
    # A job that stopped because its time was up (more work waiting) runs again straight away.
    more = bool(result.pop("more", False))
    now = given_now or timezone.now()
    next_run_at = now if more else job.next_after(now)
    if job.exclusive:
        JobState.objects.filter(name=job.name).update(
            next_run_at=next_run_at, last_finished_at=now, last_result=result, last_error=""
        )
    if any(result.values()):
        log.info(
            "Job %s done", job.name,
            extra={"job": job.name, "result": result, "duration_ms": round((time.monotonic() - started) * 1000)},
        )
    return result, next_run_at


class Scheduler:
    """Runs the registered jobs that are due; one per worker process."""

    def __init__(self):
        # Jobs that are not exclusive keep their clock here, in this process.
        self.local_next: dict[str, dt.datetime] = {}

    def run_due(self, now: dt.datetime | None = None) -> list[str]:
        """Run every job that is due now (claiming each exclusive one first). Returns the names run."""
        ran = []
        for job in list(REGISTRY.values()):
            at = now or timezone.now()
            if job.exclusive:
                if not claim(job, at):
                    continue
            elif self.local_next.get(job.name, at) > at:
                continue
            _, self.local_next[job.name] = run(job, now)
            ran.append(job.name)
        return ran

    def seconds_to_next(self, now: dt.datetime | None = None, longest: float = 5.0) -> float:
        """How long the worker may sleep: until the soonest job, at most `longest` seconds (so a
        job another worker rescheduled, or a newly queued email, waits little)."""
        from putright.operations.models import JobState

        now = now or timezone.now()
        soonest = [t for t in self.local_next.values()]
        soonest += list(
            JobState.objects.filter(name__in=[j.name for j in REGISTRY.values() if j.exclusive]).values_list(
                "next_run_at", flat=True
            )
        )
        if not soonest:
            return 0.0
        return max(0.0, min(longest, min((t - now).total_seconds() for t in soonest)))
