"""The retention schedule at work: which ended cases are due for anonymisation, which are held
and why, and one run that does it (`run_once`, for the worker and `putright retention --apply`).

A case is due when its kind's period (RetentionSchedule) has passed since it ended: the day it
was closed, withdrawn or last refused. Nothing is due while a hold stops the clock:
- an Ombudsman case about it, or about its resident, that is not closed;
- a current `Hold` (legal proceedings, or a manager's recorded reason);
- a linked case that is not due yet (a complaint about a service request keeps the request, and
  a complaint logged for an issue raised in another keeps the other: Code 1.5, 6.8).
Unfinished online complaints (the files uploaded in the journey, and the sessions holding the
answers) are deleted `draft_days` after they were started.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Max, Q
from django.utils import timezone

from putright.cases.models import Case
from putright.ombudsman.models import OmbudsmanCase
from putright.portal.models import DraftFile

from .models import Hold, RetentionRun, RetentionSchedule, Why


@dataclass
class Due:
    case: Case
    ended_on: dt.date
    due_on: dt.date
    held: list[str]

    @property
    def reason(self) -> str:
        kind = self.case.kind.replace("_", " ")
        return f"{kind} ended {self.ended_on:%-d %B %Y}, kept until {self.due_on:%-d %B %Y}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def ended_on(case: Case) -> dt.date | None:
    """The day a case that is not open ended: closed, withdrawn or (last) refused."""
    if hasattr(case, "last_refused_on"):  # annotated by _candidates
        refused = case.last_refused_on
    else:
        refused = case.refusals.aggregate(last=Max("refused_on"))["last"]
    days = [d for d in (case.closed_on, case.withdrawn_on, refused) if d is not None]
    return max(days) if days else None


def holds_on(case: Case) -> list[str]:
    """Why this case must be kept now, in plain English (empty: nothing holds it)."""
    reasons = []
    ombudsman = OmbudsmanCase.objects.filter(closed_on__isnull=True).filter(
        Q(case=case) | (Q(resident_id=case.resident_id) if case.resident_id else Q(pk__in=[]))
    )
    if ombudsman.exists():
        reasons.append("an Ombudsman case is open")
    for hold in Hold.objects.current().filter(case=case):
        reasons.append(f"{hold.get_reason_display().lower()} (hold placed {hold.placed_on:%-d %B %Y})")
    return reasons


def _candidates(today: dt.date, schedule: RetentionSchedule):
    """Ended cases not yet anonymised whose period has passed, oldest first."""
    latest = {
        kind: add_years(today, -schedule.years_for(kind)) for kind in ("complaint", "service_request", "compliment")
    }
    cases = (
        Case.objects.filter(is_open=False, anonymisation__isnull=True)
        .annotate(last_refused_on=Max("refusals__refused_on"))
        .order_by("received_on", "id")
    )
    for case in cases.iterator(chunk_size=500):
        end = ended_on(case)
        if end is None or end >= latest[case.kind]:
            continue
        yield case, end


def due(today: dt.date | None = None) -> tuple[list[Due], list[Due]]:
    """(due now, held): every ended case past its period, split by whether anything holds it."""
    today = today or timezone.localdate()
    schedule = RetentionSchedule.load()
    found = {case.pk: Due(case, end, add_years(end, schedule.years_for(case.kind)), holds_on(case)) for case, end in _candidates(today, schedule)}
    # A linked case that is not due (still open, or inside its period) keeps this one.
    for item in found.values():
        case = item.case
        linked = Case.objects.filter(
            Q(from_service_request=case) | Q(related_to=case) | Q(pk=case.from_service_request_id or 0) | Q(pk=case.related_to_id or 0)
        ).filter(anonymisation__isnull=True)
        for other in linked:
            if other.pk not in found:
                item.held.append(f"linked case {other.reference} is kept for longer")
    due_now = [d for d in found.values() if not d.held]
    held = [d for d in found.values() if d.held]
    return due_now, held


def stale_drafts(now: dt.datetime, schedule: RetentionSchedule):
    return DraftFile.objects.filter(created_at__lt=now - dt.timedelta(days=schedule.draft_days))


def stale_journeys(now: dt.datetime, schedule: RetentionSchedule) -> list[Session]:
    """Sessions holding an unfinished online complaint, last saved more than `draft_days` ago.

    A session's expiry is set each time it is saved, SESSION_COOKIE_AGE ahead, so one last saved
    before the cut-off expires before cut-off + SESSION_COOKIE_AGE."""
    from putright.portal.journey import SESSION_KEY

    cutoff = now - dt.timedelta(days=schedule.draft_days) + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return [s for s in Session.objects.filter(expire_date__lt=cutoff).iterator() if SESSION_KEY in s.get_decoded()]


def run_once(now: dt.datetime | None = None, *, apply: bool | None = None, run_by: str = "worker") -> dict:
    """One retention run, recorded with its counts (never names). Idempotent and safe to stop at
    any moment: each case is anonymised in its own transaction, and a case done is not due again.
    `apply` None (the worker) follows the schedule's "apply daily" setting.

    1. list what is due and held; 2. if applying, anonymise each due case; 3. delete unfinished
    online complaints' files and expired sessions; 4. record the run."""
    from .anonymise import CannotAnonymise, anonymise_case

    now = now or timezone.now()
    schedule = RetentionSchedule.load()
    if apply is None:
        apply = schedule.apply_daily
    run = RetentionRun.objects.create(started_at=now, applied=apply, run_by=run_by)
    due_now, held = due(timezone.localdate(now))
    counts: Counter = Counter()
    counts["due"] = len(due_now)
    counts["held"] = len(held)
    for item in due_now:
        counts[f"due {item.case.kind}"] += 1
    drafts = stale_drafts(now, schedule)
    counts["unfinished online complaint files due"] = drafts.count()
    journeys = stale_journeys(now, schedule)
    counts["unfinished online complaints due"] = len(journeys)
    if apply:
        for item in due_now:
            try:
                anonymise_case(item.case, why=Why.RETENTION, run=run, now=now)
            except CannotAnonymise:
                counts["skipped"] += 1  # reopened or held since it was listed
            else:
                counts["anonymised"] += 1
        for draft in drafts:
            draft.file.delete(save=False)
            draft.delete()
            counts["unfinished online complaint files deleted"] += 1
        counts["unfinished online complaints deleted"] = Session.objects.filter(pk__in=[s.pk for s in journeys]).delete()[0]
        # Sessions past their expiry hold nothing anyone can use; unfinished answers go with them.
        counts["expired sessions deleted"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    run.counts = dict(counts)
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return dict(counts)
