"""Worklists: what the landlord promised the resident and has not yet done.

- **Updates due or missed** (5.9, 6.6): a stage still awaiting its response whose extension
  agreed an update interval. The next update is due that many working days after the last one
  given: the resident was last told by the extension itself (its date told, or the day it was
  sent) or by any later message sent to them (outgoing correspondence that is not an internal
  note). The date is kept on the stage (`Stage.next_update_due`, by
  `actions.checks.refresh_next_update`). Listed when due within 2 working days, today, or missed.
- **Outstanding actions overdue** (6.6): not completed and past their date.
- **Remedies overdue** (7.3): not completed and past the date they were promised by.

Each list is read from the few rows it concerns, never from every case, and the queue counts all
four in its one counting query (`querysets`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from putright.cases.models import Case, Correspondence, Direction, OutstandingAction, Remedy, Stage
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


def _scoped(qs: QuerySet, handler) -> QuerySet:
    """A handler's own rows: by the case's handler copied onto each row while it counts (a stage
    of an open case, an action or remedy not completed; putright.performance.handlercopies), so
    the count reads a small index of the one table, not the cases too."""
    return qs if handler is None else qs.filter(case_handler=getattr(handler, "pk", handler))


def update_stages(today: dt.date, cal: WorkingCalendar, *, handler=None) -> QuerySet:
    """Stages of open cases awaiting their response whose next agreed update (the stored
    Stage.next_update_due) is due within 2 working days, today, or was missed."""
    # Whether the case is open is marked on the stage (putright.performance.stagemarks): joining
    # the cases for it cost PostgreSQL more to plan than the count cost to run.
    stages = Stage.objects.filter(responded_on__isnull=True, next_update_due__lte=soon_until(today, cal))
    # A handler's own: the copy of the handler is on open cases' stages only.
    return _scoped(stages, handler) if handler is not None else stages.filter(case_open=True)


def updates_due(today: dt.date, cal: WorkingCalendar, *, handler=None) -> list[UpdateDue]:
    """Agreed update intervals due within 2 working days, due today or missed, soonest first."""
    out = []
    for stage in update_stages(today, cal, handler=handler).select_related("case__handler").order_by("next_update_due", "id"):
        latest = stage.extensions.order_by("-id").first()
        sent = (Correspondence.objects.filter(case_id=stage.case_id, direction=Direction.OUT, internal=False)
                .order_by("-occurred_on").values_list("occurred_on", flat=True).first())
        told = [d for d in (latest.resident_told_on, latest.issued_on, sent) if d is not None]
        out.append(UpdateDue(stage.case, stage.number, latest.update_every_working_days, max(told, default=stage.next_update_due),
                             stage.next_update_due, due_status(today, stage.next_update_due, cal)))
    return out


def actions_overdue(today: dt.date, *, handler=None) -> QuerySet:
    """Outstanding actions not completed by their date (6.6), oldest first."""
    return _scoped(OutstandingAction.objects.filter(completed_on__isnull=True, due_by__lt=today), handler) \
        .select_related("case", "owner").order_by("due_by", "id")


def remedies_overdue(today: dt.date, *, handler=None) -> QuerySet:
    """Remedies not completed by the date promised (7.3), oldest first."""
    return _scoped(Remedy.objects.filter(completed_on__isnull=True, due_by__lt=today), handler) \
        .select_related("case", "owner").order_by("due_by", "id")


def querysets(today: dt.date, cal: WorkingCalendar, *, handler=None) -> dict[str, QuerySet]:
    """What the queue counts, as querysets for one `count_each` with its other counts."""
    return {
        "updates": update_stages(today, cal, handler=handler),
        "updates_missed": update_stages(today, cal, handler=handler).filter(next_update_due__lt=today),
        "actions": actions_overdue(today, handler=handler),
        "remedies": remedies_overdue(today, handler=handler),
    }


def counts(today: dt.date, cal: WorkingCalendar, *, handler=None) -> dict[str, int]:
    """The queue page's counts: updates due or missed (and of them missed), actions and remedies overdue."""
    from putright.performance.counting import count_each

    return count_each(querysets(today, cal, handler=handler))
