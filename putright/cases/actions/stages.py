"""The two stages of a complaint: acknowledging, allocating, extending and responding, and the
resident's request for stage 2 (section 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    format_date,
    get_stage,
    lock,
    new_stage,
    record,
    refresh_queue_fields,
    refresh_stage_ends,
    require_text,
    resolve_today,
    transition,
)
from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    Case,
    DecisionPoint,
    Extension,
    Remedy,
    Stage,
)
from putright.rules import deadlines, lifecycle
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Action, Decision, State


@dataclass(frozen=True)
class PointDecision:
    """One point of the complaint, the decision on it and the reasons (6.7, 6.9 c–d)."""

    point: str
    decision: Decision | str
    reasons: str


@transaction.atomic
def acknowledge(
    case: Case,
    *,
    acknowledged_on: dt.date,
    definition: str,
    outcomes_sought: str,
    responsible_for: str = "",
    not_responsible_for: str = "",
    handler=None,
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Define, log and acknowledge the complaint at its current stage (6.2, 6.11, 5.6, 5.7).

    The response date then runs from the acknowledgement: 10 working days at stage 1, 20 at
    stage 2. At stage 2 the handler must not be the person who handled stage 1 (6.13).
    """
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.ACKNOWLEDGE)
    number = lifecycle.stage_of(new_state)
    stage = get_stage(case, number)
    definition = require_text(
        definition, "definition", "Set out your understanding of the complaint.", provision="5.6"
    )
    outcomes_sought = require_text(
        outcomes_sought, "outcomes_sought", "Set out the outcomes the resident wants.", provision="5.6"
    )
    check_date(acknowledged_on, "acknowledged_on", "it was acknowledged", today=today, not_before=(stage.requested_on, "it was received" if number == 1 else "stage 2 was asked for"))
    handler = handler or stage.handler or (case.handler if number == 1 else None) or (actor if number == 1 else None)
    if handler is not None and not getattr(handler, "can_change_cases", False):
        raise RuleViolation("The handler must be a member of staff who can handle cases.", field="handler")
    if number == 2:
        if handler is None:
            raise RuleViolation(
                "Choose a stage 2 handler: someone who did not handle stage 1.", provision="6.13", field="handler"
            )
        _check_independent(case, handler)

    cal = landlord_calendar()
    code = deadlines.respond_by(number, stage.requested_on, acknowledged_on, cal)
    stage.acknowledged_on = acknowledged_on
    stage.definition = definition
    stage.outcomes_sought = outcomes_sought
    stage.responsible_for = responsible_for.strip()
    stage.not_responsible_for = not_responsible_for.strip()
    stage.handler = handler
    stage.code_respond_by = code.due_on
    latest_extension = stage.extensions.order_by("-id").first()
    stage.respond_by = max(code.due_on, latest_extension.new_respond_by) if latest_extension else code.due_on
    stage.save()
    case.state = new_state
    case.handler = handler
    refresh_queue_fields(case, stage)
    case.save()
    late = acknowledged_on > stage.acknowledge_by
    refresh_stage_ends(case)
    record(
        case,
        "acknowledged",
        f"Stage {number} acknowledged on {format_date(acknowledged_on)}"
        + (f", late: due by {format_date(stage.acknowledge_by)}" if late else "")
        + f". Respond by {format_date(stage.respond_by)}.",
        actor=actor,
        stage=number,
        acknowledged_on=acknowledged_on,
        acknowledge_by=stage.acknowledge_by,
        late=late,
        definition=definition,
        outcomes_sought=outcomes_sought,
        responsible_for=stage.responsible_for,
        not_responsible_for=stage.not_responsible_for,
        handler=handler.username if handler else None,
        respond_by=stage.respond_by,
        explanation=code.count.lines(),
    )
    return case


def _check_independent(case: Case, handler) -> None:
    stage1 = Stage.objects.filter(case=case, number=1).first()
    if stage1 is not None and stage1.handler_id is not None and stage1.handler_id == handler.pk:
        raise RuleViolation(
            f"{handler.display_name} handled stage 1, so cannot handle stage 2: choose someone else.",
            provision="6.13",
            field="handler",
        )


@transaction.atomic
def allocate(case: Case, *, handler, actor=None) -> Case:
    """Give the case (its current stage, for a complaint) to a handler."""
    check_actor(actor)
    case = lock(case)
    transition(case, Action.ALLOCATE)
    if handler is None or not getattr(handler, "can_change_cases", False):
        raise RuleViolation("Choose a member of staff who can handle cases.", field="handler")
    number = lifecycle.stage_of(State(case.state))
    if number is not None:
        stage = get_stage(case, number)
        if number == 2:
            _check_independent(case, handler)
        if stage.responded_on is None:  # who handled an answered stage is history (6.13)
            stage.handler = handler
            stage.save(update_fields=["handler"])
    previous = case.handler
    case.handler = handler
    case.save(update_fields=["handler", "updated_at"])
    record(
        case,
        "allocated",
        f"Allocated to {handler.display_name}" + (f" (was {previous.display_name})." if previous else "."),
        actor=actor,
        handler=handler.username,
        previous=previous.username if previous else None,
        stage=number,
    )
    return case


@transaction.atomic
def extend(
    case: Case,
    *,
    new_respond_by: dt.date,
    reason: str,
    resident_told_on: dt.date,
    ombudsman_details_given: bool,
    update_every_working_days: int | None,
    good_reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Extend the current stage's response date (6.4, 6.5 at stage 1; 6.15, 6.16 at stage 2; 5.9).

    The resident must be told the reason and the new date and given the Ombudsman's contact
    details, and an update interval agreed. At most 10 (stage 1) or 20 (stage 2) working days
    beyond the Code's date, unless a good reason is recorded. Waiting for the resident is an
    extension too: the Code has no pause.
    """
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    transition(case, Action.EXTEND)
    number = lifecycle.stage_of(State(case.state))
    stage = get_stage(case, number)
    limits = deadlines.stage_limits(number)
    reason = require_text(
        reason, "reason", "Enter the reason for the extension, as explained to the resident.", provision=limits.extension_provision
    )
    notice = "6.5" if number == 1 else "6.16"
    check_date(resident_told_on, "resident_told_on", "the resident was told", today=today, not_before=(stage.requested_on, "the stage began"))
    if not ombudsman_details_given:
        raise RuleViolation(
            "The resident must be given the Housing Ombudsman's contact details when told of an extension.",
            provision=notice,
            field="ombudsman_details_given",
        )
    if not update_every_working_days or update_every_working_days < 1:
        raise RuleViolation(
            "Agree with the resident how often they will be updated (in working days).",
            provision="5.9",
            field="update_every_working_days",
        )
    if not isinstance(new_respond_by, dt.date):
        raise RuleViolation("Enter the new response date.", field="new_respond_by")
    if new_respond_by <= stage.respond_by:
        raise RuleViolation(
            f"The new response date must be after the current one ({format_date(stage.respond_by)}).", field="new_respond_by"
        )
    cal = landlord_calendar()
    deadlines.check_extension(number, stage.code_respond_by, new_respond_by, cal, good_reason=good_reason)
    beyond = deadlines.extension_beyond_cap(number, stage.code_respond_by, new_respond_by, cal)
    previous = stage.respond_by
    Extension.objects.create(
        stage=stage,
        previous_respond_by=previous,
        new_respond_by=new_respond_by,
        reason=reason,
        good_reason=good_reason.strip(),
        beyond_code_limit=beyond,
        resident_told_on=resident_told_on,
        ombudsman_details_given=True,
        update_every_working_days=update_every_working_days,
        created_by=actor,
    )
    stage.respond_by = new_respond_by
    stage.save(update_fields=["respond_by"])
    refresh_queue_fields(case, stage)
    case.save(update_fields=["is_open", "next_deadline_by", "updated_at"])
    record(
        case,
        "extended",
        f"Stage {number} response date extended from {format_date(previous)} to {format_date(new_respond_by)}: {reason}"
        + (" (beyond the Code's limit, for a recorded good reason)" if beyond else ""),
        actor=actor,
        stage=number,
        previous_respond_by=previous,
        new_respond_by=new_respond_by,
        reason=reason,
        good_reason=good_reason.strip(),
        beyond_code_limit=beyond,
        resident_told_on=resident_told_on,
        update_every_working_days=update_every_working_days,
    )
    return case


@transaction.atomic
def respond(
    case: Case,
    *,
    responded_on: dt.date,
    points: Sequence[PointDecision],
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Record the stage's response: a decision with reasons on every point (6.7, 6.9, 6.18, 6.19)."""
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.RESPOND)
    number = lifecycle.stage_of(new_state)
    stage = get_stage(case, number)
    check_date(responded_on, "responded_on", "the response was sent", today=today, not_before=(stage.acknowledged_on, "it was acknowledged"))
    provision = "6.9" if number == 1 else "6.19"
    cleaned: list[PointDecision] = []
    for i, p in enumerate(points, start=1):
        point = require_text(p.point, "points", f"Point {i}: say what the point of complaint is.", provision="6.7")
        try:
            decision = Decision(p.decision)
        except ValueError:
            raise RuleViolation(f"Point {i}: choose upheld, partly upheld or not upheld.", provision=provision, field="points")
        reasons = require_text(p.reasons, "points", f"Point {i}: give the reasons for the decision.", provision=provision)
        cleaned.append(PointDecision(point, decision, reasons))
    overall = lifecycle.overall_decision([p.decision for p in cleaned])
    DecisionPoint.objects.bulk_create(
        DecisionPoint(stage=stage, position=i, point=p.point, decision=p.decision, reasons=p.reasons)
        for i, p in enumerate(cleaned)
    )
    stage.responded_on = responded_on
    stage.decision = overall
    stage.save(update_fields=["responded_on", "decision"])
    # Remedies offered before the response count as offered with it (docs/reports.md).
    Remedy.objects.filter(case=case, stage_number=number).update(offered_on=responded_on)
    case.state = new_state
    refresh_queue_fields(case, stage)
    case.save(update_fields=["state", "is_open", "next_deadline_by", "updated_at"])
    late = responded_on > stage.respond_by
    refresh_stage_ends(case)
    record(
        case,
        "responded",
        f"Stage {number} response sent on {format_date(responded_on)}: {overall.value.replace('_', ' ')}"
        + (f"; late: due by {format_date(stage.respond_by)}." if late else "."),
        actor=actor,
        stage=number,
        responded_on=responded_on,
        respond_by=stage.respond_by,
        late=late,
        decision=overall.value,
        points=[{"point": p.point, "decision": p.decision.value, "reasons": p.reasons} for p in cleaned],
    )
    return case


@transaction.atomic
def request_stage_two(
    case: Case,
    *,
    requested_on: dt.date,
    reason: str = "",
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> Case:
    """The resident asks to escalate: no reason is needed (6.10, 6.12). Starts the stage 2 clock."""
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.REQUEST_STAGE2)
    stage1 = get_stage(case, 1)
    check_date(requested_on, "requested_on", "stage 2 was asked for", today=today, not_before=(stage1.responded_on, "the stage 1 response"))
    stage2 = new_stage(case, 2, requested_on, landlord_calendar(), escalation_reason=(reason or "").strip())
    case.state = new_state
    case.handler = None  # stage 2 needs someone new (6.13)
    refresh_queue_fields(case, stage2)
    case.save(update_fields=["state", "handler", "is_open", "next_deadline_by", "updated_at"])
    record(
        case,
        "stage2_requested",
        f"Stage 2 asked for on {format_date(requested_on)}. Acknowledge by {format_date(stage2.acknowledge_by)}.",
        actor=actor,
        actor_label=actor_label,
        requested_on=requested_on,
        reason=stage2.escalation_reason,
        acknowledge_by=stage2.acknowledge_by,
        respond_by=stage2.respond_by,
    )
    return case
