"""Recomputing the stored deadlines of open complaints after the calendar changed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from putright.cases.actions.checks import (
    format_date,
    lock,
    record,
    refresh_queue_fields,
)
from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    Stage,
)
from putright.rules import deadlines


def recompute_deadlines(*, today: dt.date | None = None) -> int:
    """Recompute the stored deadlines of every open complaint after the calendar changed
    (a new bank holiday, a closure day added or removed). Agreed extensions keep their dates.
    Returns the number of stages whose dates changed; each change is on the case's timeline."""
    cal = landlord_calendar()
    changed = 0
    open_stages = (
        Stage.objects.filter(case__is_open=True, responded_on__isnull=True)
        .select_related("case")
        .prefetch_related("extensions")
        .order_by("id")
    )
    for stage in open_stages.iterator(chunk_size=2000):
        scales = deadlines.timescales(stage.number, stage.requested_on, stage.acknowledged_on, cal)
        code = scales.respond_by.due_on
        extensions = sorted(stage.extensions.all(), key=lambda e: e.id)
        respond_by = max(code, extensions[-1].new_respond_by) if extensions else code
        new = (scales.acknowledge_by.due_on, code, respond_by)
        old = (stage.acknowledge_by, stage.code_respond_by, stage.respond_by)
        if new == old:
            continue
        with transaction.atomic():
            case = lock(stage.case)
            stage.acknowledge_by, stage.code_respond_by, stage.respond_by = new
            stage.save(update_fields=["acknowledge_by", "code_respond_by", "respond_by"])
            refresh_queue_fields(case, stage)
            case.save(update_fields=["next_deadline_by", "updated_at"])
            record(
                case,
                "deadlines_recomputed",
                f"Stage {stage.number} dates recomputed after a calendar change: acknowledge by "
                f"{format_date(new[0])} (was {format_date(old[0])}), respond by {format_date(new[2])} (was {format_date(old[2])}).",
                actor_label="recompute_deadlines",
                stage=stage.number,
                old=list(old),
                new=list(new),
            )
        changed += 1
    return changed
