"""Recomputing the stored deadlines of open complaints after the calendar changed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from putright.cases.actions.checks import (
    format_date,
    lock,
    recheck_extension_caps,
    record,
    refresh_next_update,
    refresh_queue_fields,
    resolve_today,
)
from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    Case,
    Stage,
)
from putright.rules import deadlines


def recompute_deadlines(*, today: dt.date | None = None) -> int:
    """Recompute the stored deadlines of every open complaint after the calendar changed
    (a new bank holiday, a closure day added or removed). Agreed extensions keep their dates.
    A date that has passed never moves, nor does the acknowledge-by date of an acknowledged
    stage: a calendar change cannot turn a late step into an on-time one. Extensions are held to
    the cap against the new Code date. Returns the number of stages whose dates changed; each
    change is on the case's timeline. The dates of agreed updates not yet due (Stage.next_update_due)
    move with the calendar as well."""
    today = resolve_today(today)
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

        def unless_passed(old: dt.date, new: dt.date) -> dt.date:
            return old if old < today else new

        acknowledge_by = stage.acknowledge_by if stage.acknowledged_on is not None else unless_passed(stage.acknowledge_by, scales.acknowledge_by.due_on)
        code = unless_passed(stage.code_respond_by, scales.respond_by.due_on)
        extensions = sorted(stage.extensions.all(), key=lambda e: e.id)
        respond_by = unless_passed(stage.respond_by, max(code, extensions[-1].new_respond_by) if extensions else code)
        new = (acknowledge_by, code, respond_by)
        old = (stage.acknowledge_by, stage.code_respond_by, stage.respond_by)
        if new == old:
            continue
        with transaction.atomic():
            case = lock(stage.case)
            stage.acknowledge_by, stage.code_respond_by, stage.respond_by = new
            stage.save(update_fields=["acknowledge_by", "code_respond_by", "respond_by"])
            recheck_extension_caps(stage, cal)
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
    # The updates agreed with an extension are counted in working days too: one not yet due moves
    # with the calendar (an update already missed stays missed). From the partial index of stages
    # owed an update (stage_update_owed): a few rows, not every open case.
    owed = Case.objects.filter(
        pk__in=Stage.objects.filter(responded_on__isnull=True, next_update_due__gte=today).values("case_id"), is_open=True,
    )
    for case in owed.order_by("id").iterator(chunk_size=2000):
        with transaction.atomic():
            refresh_next_update(lock(case), cal)
    return changed
