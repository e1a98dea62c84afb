"""Worklists: what the landlord promised the resident and has not yet done.

- **Updates due or missed** (5.9, 6.6): a stage still awaiting its response whose extension
  agreed an update interval. The next update is due that many working days after the last one
  given: the resident was last told by the extension itself (its date told, or the day it was
  sent) or by any later message sent to them (outgoing correspondence that is not an internal
  note). Listed when due within 2 working days, today, or missed.
- **Outstanding actions overdue** (6.6): not completed and past their date.
- **Remedies overdue** (7.3): not completed and past the date they were promised by.

Each list is read from the few rows it concerns (open extended stages, open actions by the
action_open_due index, remedies not completed), never from every case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Max, QuerySet

from putright.cases.models import Case, Correspondence, Direction, Extension, OutstandingAction, Remedy
from putright.rules.calendar import WorkingCalendar
from putright.rules.due import Due, DueStatus, due_status, soon_until


@dataclass(frozen=True)
class UpdateDue:
    case: Case
    stage_number: int
    every_working_days: int
    last_update_on: dt.date
    due_on: dt.date
    status: DueStatus

    @property
    def missed(self) -> bool:
        return self.status.due == Due.OVERDUE


def _scoped(qs: QuerySet, handler, prefix: str = "case__") -> QuerySet:
    return qs if handler is None else qs.filter(**{f"{prefix}handler": handler})


def updates_due(today: dt.date, cal: WorkingCalendar, *, handler=None) -> list[UpdateDue]:
    """Agreed update intervals due within 2 working days, due today or missed, soonest first."""
    extensions = _scoped(
        Extension.objects.filter(stage__responded_on__isnull=True, stage__case__is_open=True,
                                 update_every_working_days__isnull=False)
        .exclude(stage__respond_by=F("stage__code_respond_by")),  # the index of open extended stages
        handler, "stage__case__",
    ).select_related("stage__case__handler").order_by("stage_id", "-id")
    latest: dict[int, Extension] = {}
    for extension in extensions:
        latest.setdefault(extension.stage_id, extension)  # the latest extension of each stage
    if not latest:
        return []
    cases = {e.stage.case_id for e in latest.values()}
    last_sent = dict(
        Correspondence.objects.filter(case_id__in=cases, direction=Direction.OUT, internal=False)
        .values_list("case_id").annotate(last=Max("occurred_on")).order_by()
    )
    horizon = soon_until(today, cal)
    out = []
    for extension in latest.values():
        stage = extension.stage
        told = [d for d in (extension.resident_told_on, extension.issued_on) if d is not None]
        last = max([*told, *([last_sent[stage.case_id]] if stage.case_id in last_sent else [])],
                   default=timezone_day(extension))
        due_on = cal.add_working_days(last, extension.update_every_working_days)
        if due_on <= horizon:
            out.append(UpdateDue(stage.case, stage.number, extension.update_every_working_days, last, due_on,
                                 due_status(today, due_on, cal)))
    return sorted(out, key=lambda u: (u.due_on, u.case.reference))


def timezone_day(extension: Extension) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(extension.created_at)


def actions_overdue(today: dt.date, *, handler=None) -> QuerySet:
    """Outstanding actions not completed by their date (6.6), oldest first."""
    return _scoped(OutstandingAction.objects.filter(completed_on__isnull=True, due_by__lt=today), handler) \
        .select_related("case", "owner").order_by("due_by", "id")


def remedies_overdue(today: dt.date, *, handler=None) -> QuerySet:
    """Remedies not completed by the date promised (7.3), oldest first."""
    return _scoped(Remedy.objects.filter(completed_on__isnull=True, due_by__lt=today), handler) \
        .select_related("case", "owner").order_by("due_by", "id")


def counts(today: dt.date, cal: WorkingCalendar, *, handler=None) -> dict[str, int]:
    """The queue page's counts: updates due or missed (and of them missed), actions and remedies overdue."""
    updates = updates_due(today, cal, handler=handler)
    return {
        "updates": len(updates),
        "updates_missed": sum(1 for u in updates if u.missed),
        "actions": actions_overdue(today, handler=handler).count(),
        "remedies": remedies_overdue(today, handler=handler).count(),
    }
