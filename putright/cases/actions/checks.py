"""What every service function shares: the actor and date checks, the lock, the lifecycle
step, the timeline record and the stored queue and report columns.

Public so that the other apps' service functions (residents, Ombudsman cases, learning) check
and record in the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.utils import timezone

from putright.cases.models import (
    Case,
    CaseEvent,
    ReferenceCounter,
    Refusal,
    Stage,
)
from putright.rules import deadlines, lifecycle
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Action, State

REFERENCE_PREFIX = getattr(settings, "PUTRIGHT_REFERENCE_PREFIX", "PR")


def resolve_today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def check_actor(actor) -> None:
    """Oversight roles read only: the service path refuses them whatever page or command calls it."""
    if actor is not None and not getattr(actor, "can_change_cases", False):
        raise PermissionDenied("Your role can read cases but not change them.")


def require_text(value: str | None, field: str, message: str, provision: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, provision=provision, field=field)
    return value


def check_date(value: dt.date | None, field: str, label: str, *, today: dt.date, not_before=None) -> dt.date:
    """A date that has happened: not missing, not in the future, not before `not_before` (date, label)."""
    if not isinstance(value, dt.date):
        raise RuleViolation(f"Enter the date {label}.", field=field)
    if value > today:
        raise RuleViolation(f"The date {label} cannot be in the future.", field=field)
    if not_before is not None:
        earlier, earlier_label = not_before
        if earlier is not None and value < earlier:
            raise RuleViolation(
                f"The date {label} ({value:%-d %B %Y}) cannot be before {earlier_label} ({earlier:%-d %B %Y}).",
                field=field,
            )
    return value


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def transition(case: Case, action: Action) -> State:
    return lifecycle.next_state(
        case.kind, case.state, action, previous_state=State(case.previous_state) if case.previous_state else None
    )


def get_stage(case: Case, number: int | None = None) -> Stage:
    number = number or lifecycle.stage_of(case.state) or 1
    return Stage.objects.get(case=case, number=number)


def to_json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def record(case: Case, event: str, summary: str, *, actor=None, actor_label: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_label=actor_label or ("" if actor else "system"),
        kind=event,
        summary=summary,
        data=to_json(data),
    )


def refresh_queue_fields(case: Case, stage: Stage | None) -> None:
    """Keep the denormalised queue columns in step with the state and the stage's stored dates."""
    state = State(case.state)
    case.is_open = lifecycle.is_open(state)
    field = lifecycle.deadline_field(state)
    case.next_deadline_by = getattr(stage, field) if (field and stage is not None) else None


def refresh_stage_ends(case: Case) -> None:
    """Stage.ended_on of each of the case's stages, after a response, acknowledgement, refusal,
    withdrawal or reopening changed what it is made of."""
    refusals = dict(
        Refusal.objects.filter(case=case).order_by().values_list("stage_number").annotate(first=Min("refused_on"))
    )
    for stage in Stage.objects.filter(case=case):
        ended_on = Stage.ended_on_for(responded_on=stage.responded_on, withdrawn_on=case.withdrawn_on,
                                      refused_on=refusals.get(stage.number), acknowledged_on=stage.acknowledged_on)
        if stage.ended_on != ended_on:
            Stage.objects.filter(pk=stage.pk).update(ended_on=ended_on)


def new_stage(case: Case, number: int, requested_on: dt.date, cal: WorkingCalendar, **fields) -> Stage:
    scales = deadlines.timescales(number, requested_on, None, cal)
    return Stage.objects.create(
        case=case,
        number=number,
        requested_on=requested_on,
        acknowledge_by=scales.acknowledge_by.due_on,
        code_respond_by=scales.respond_by.due_on,
        respond_by=scales.respond_by.due_on,
        **fields,
    )


def next_reference(year: int) -> str:
    """PR-2026-000123: sequential per year, never reused. Call inside a transaction."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{REFERENCE_PREFIX}-{year}-{counter.last:06d}"


def format_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"
