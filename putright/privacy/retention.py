"""The retention schedule at work: which ended cases are due for anonymisation, which are held
and why, and one run that does it (`run_once`, for the worker and `putright retention --apply`).

A case is due when its kind's period (RetentionSchedule) has passed since it ended: the day it
was closed, withdrawn or last refused. Nothing is due while a hold stops the clock:
- an Ombudsman case about it, or about its resident, that is not closed;
- an Awaab's Law hazard report on it that is not closed;
- a current `Hold` (legal proceedings, or a manager's recorded reason);
- a linked case that is not due yet (a complaint about a service request keeps the request, and
  a complaint logged for an issue raised in another keeps the other: Code 1.5, 6.8).
Unfinished online complaints (the files uploaded in the journey, and the sessions holding the
answers) are deleted `draft_days` after they were started.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from putright.operations.models import Session
from django.db.models import Max
from django.utils import timezone

from putright.cases.models import Case
from putright.portal.models import DraftFile

from .due import FIELDS, Due, add_years, cursor_from_json, cursor_of, cursor_to_json, explain_holds, is_held, iter_candidates, page, to_due, with_holds
from .models import RetentionRun, RetentionSchedule, Why

__all__ = ["Due", "add_years", "due", "ended_on", "holds_on", "iter_due", "run_once"]


def ended_on(case: Case) -> dt.date | None:
    """The day a case that is not open ended: closed, withdrawn or (last) refused."""
    if hasattr(case, "last_refused_on"):  # annotated by due.candidates
        refused = case.last_refused_on
    else:
        refused = case.refusals.aggregate(last=Max("refused_on"))["last"]
    days = [d for d in (case.closed_on, case.withdrawn_on, refused) if d is not None]
    return max(days) if days else None


def holds_on(case: Case) -> list[str]:
    """Why this case must be kept now, in plain English (empty: nothing holds it): an open
    Ombudsman case, an open hazard report or a current hold, found and worded as the retention
    pages find and word them (`due.with_holds`, `due.explain_holds`). Links to other cases are the
    retention schedule's own concern and not asked here."""
    today = timezone.localdate()
    schedule = RetentionSchedule.load()
    flagged = with_holds(Case.objects.filter(pk=case.pk).only(*FIELDS), today, schedule).first()
    if flagged is None:
        return []
    flagged.held_by_links = []
    item = Due(flagged, None, None, [])
    explain_holds([item], today, schedule)
    return item.held


def iter_due(today: dt.date | None = None, *, held: bool | None = None, size: int = 500) -> Iterator[Due]:
    """Every candidate past its period, oldest first, a page at a time (bounded memory), each with
    why it is held (empty: due now). `held` False/True: only the due or only the held ones."""
    today = today or timezone.localdate()
    schedule = RetentionSchedule.load()
    cursor = None
    while True:
        cases = page(today, schedule, cursor=cursor, size=size, held=held)
        if not cases:
            return
        items = [to_due(case, schedule) for case in cases]
        explain_holds(items, today, schedule)
        yield from items
        cursor = cursor_of(cases[-1])


def due(today: dt.date | None = None) -> tuple[list[Due], list[Due]]:
    """(due now, held): every ended case past its period, split by whether anything holds it.
    Holds every one in memory: for tests and small databases; the job and the pages use pages."""
    found = list(iter_due(today))
    return [d for d in found if not d.held], [d for d in found if d.held]


def stale_drafts(now: dt.datetime, schedule: RetentionSchedule):
    return DraftFile.objects.filter(created_at__lt=now - dt.timedelta(days=schedule.draft_days))


def stale_journeys(now: dt.datetime, schedule: RetentionSchedule) -> list[Session]:
    """Sessions holding an unfinished online complaint, last saved more than `draft_days` ago.

    A session's expiry is set each time it is saved, SESSION_COOKIE_AGE ahead, so one last saved
    before the cut-off expires before cut-off + SESSION_COOKIE_AGE."""
    from putright.portal.journey import SESSION_KEY

    cutoff = now - dt.timedelta(days=schedule.draft_days) + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return [s for s in Session.objects.filter(expire_date__lt=cutoff).iterator() if SESSION_KEY in s.get_decoded()]


def _resume_from(apply: bool):
    """Where this run starts: after the last case the previous run of the same kind reached, if
    that one stopped part-way (time up, or killed); otherwise from the oldest case."""
    last = RetentionRun.objects.filter(applied=apply).order_by("-started_at", "-id").first()
    if last is None or not last.partial:
        return None
    return cursor_from_json(last.reached)


def run_once(
    now: dt.datetime | None = None, *, apply: bool | None = None, run_by: str = "worker",
    budget: float | None = None, batch: int | None = None,
) -> dict:
    """One retention run, recorded with its counts (never names). Idempotent and safe to stop at
    any moment. `apply` None (the worker) follows the schedule's "apply daily" setting.

    1. at the start of a pass: delete unfinished online complaints' files and expired sessions;
    2. read the due cases a batch at a time, oldest first, and (if applying) anonymise each batch
       in one transaction, which also records how far the run has reached;
    3. stop after `budget` seconds (the worker: PUTRIGHT_RETENTION_SECONDS) with the run marked
       partial and `more` set, so the worker runs its other jobs and then carries on; the next
       run starts after the last case this one reached.
    """
    from .anonymise import anonymise_batch

    now = now or timezone.now()
    today = timezone.localdate(now)
    schedule = RetentionSchedule.load()
    if apply is None:
        apply = schedule.apply_daily
    if budget is None and run_by == "worker":
        budget = settings.PUTRIGHT_RETENTION_SECONDS
    size = batch or settings.PUTRIGHT_RETENTION_BATCH
    cursor = _resume_from(apply)
    # Partial until it reaches the end; `reached` starts where it starts, so a run killed before
    # its first batch committed is carried on from the same place.
    run = RetentionRun.objects.create(started_at=now, applied=apply, run_by=run_by, partial=True, reached=cursor_to_json(cursor))
    counts: Counter = Counter(due=0, held=0)
    if cursor is None:
        _drafts_and_sessions(now, schedule, apply, counts)
    else:
        counts["carried on from a partial run"] = 1
    started = time.monotonic()
    finished = True
    for cases in iter_candidates(today, schedule, cursor=cursor, size=size):
        held = [c for c in cases if is_held(c)]
        due_now = [c for c in cases if not is_held(c)]
        counts["due"] += len(due_now)
        counts["held"] += len(held)
        for case in due_now:
            counts[f"due {case.kind}"] += 1
        reached = cursor_of(cases[-1])
        if apply:
            done = anonymise_batch(due_now, today=today, why=Why.RETENTION, run=run, now=now, reached=reached)
            counts["anonymised"] += done
            counts["skipped"] += len(due_now) - done  # reopened, held or anonymised since listed
        else:
            RetentionRun.objects.filter(pk=run.pk).update(reached=cursor_to_json(reached))
        if len(cases) < size:
            break  # the last page: nothing after it
        if budget is not None and time.monotonic() - started >= budget:
            finished = False
            break
    RetentionRun.objects.filter(pk=run.pk).update(counts=dict(counts), finished_at=timezone.now(), partial=not finished)
    result = dict(counts)
    if not finished:
        result["more"] = True
    return result


def _drafts_and_sessions(now: dt.datetime, schedule: RetentionSchedule, apply: bool, counts: Counter) -> None:
    """Unfinished online complaints past their days, and sessions past their expiry."""
    drafts = stale_drafts(now, schedule)
    counts["unfinished online complaint files due"] = drafts.count()
    journeys = stale_journeys(now, schedule)
    counts["unfinished online complaints due"] = len(journeys)
    if not apply:
        return
    for draft in drafts:
        draft.file.delete(save=False)
        draft.delete()
        counts["unfinished online complaint files deleted"] += 1
    counts["unfinished online complaints deleted"] = Session.objects.filter(pk__in=[s.pk for s in journeys]).delete()[0]
    # Sessions past their expiry hold nothing anyone can use; unfinished answers go with them.
    counts["expired sessions deleted"] = Session.objects.filter(expire_date__lt=now).delete()[0]
