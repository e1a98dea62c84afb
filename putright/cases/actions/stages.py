"""The two stages of a complaint: acknowledging, allocating, extending and responding, and the
resident's request for stage 2 (section 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    check_independent,
    check_manager,
    late_entry,
    note_participants,
    recheck_extension_caps,
    refresh_next_update,
    refresh_response_counts_late,
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
)
from putright.rules import deadlines, lifecycle
from putright.rules import recording as recording_rules
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
    late_entry_reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Define, log and acknowledge the complaint at its current stage (6.2, 6.11, 5.6, 5.7).

    The response date then runs from the acknowledgement: 10 working days at stage 1, 20 at
    stage 2. At stage 2 neither the handler nor whoever records it may have acted on stage 1
    (6.13). An acknowledgement recorded after its deadline but dated before it needs
    ``late_entry_reason`` and counts as late (putright.rules.recording). Extensions agreed before
    the acknowledgement are checked again against the Code's real date.
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
                "Choose a stage 2 handler: someone who did not act on stage 1.", provision="6.13", field="handler"
            )
        check_independent(case, handler)
        check_independent(case, actor, field="acknowledged_on", doing="acknowledge")

    cal = landlord_calendar()
    recording = recording_rules.assess(acknowledged_on, today, stage.acknowledge_by, cal)
    late_entry_reason = recording_rules.check_late_entry(
        recording, what="acknowledgement", due_by=stage.acknowledge_by, recorded_on=today,
        reason=late_entry_reason, provision=deadlines.stage_limits(number).acknowledge_provision,
    )
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
    stage.acknowledged_recorded_at = timezone.now()
    stage.acknowledgement_counts_late = recording.late_entry
    stage.save()
    over_cap = recheck_extension_caps(stage, cal)
    note_participants(stage, handler, actor)
    case.state = new_state
    case.handler = handler
    refresh_queue_fields(case, stage)
    case.save()
    late = acknowledged_on > stage.acknowledge_by or recording.late_entry
    refresh_stage_ends(case)
    late_entry(case, stage_number=number, step="acknowledged", effective_on=acknowledged_on, due_by=stage.acknowledge_by,
               recorded_on=today, recording=recording, reason=late_entry_reason, actor=actor, cal=cal)
    record(
        case,
        "acknowledged",
        f"Stage {number} acknowledged on {format_date(acknowledged_on)}"
        + (f", late: due by {format_date(stage.acknowledge_by)}" if late else "")
        + (f" (recorded late on {format_date(today)}: {late_entry_reason})" if recording.late_entry else "")
        + f". Respond by {format_date(stage.respond_by)}."
        + "".join(f" The extension to {format_date(e.new_respond_by)} is now more than the Code allows beyond "
                  f"{format_date(code.due_on)} with no good reason: a response after "
                  f"{format_date(deadlines.latest_extended_respond_by(number, code.due_on, cal).due_on)} counts as late."
                  for e in over_cap),
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
        recorded_late=recording.late_entry,
        late_entry_reason=late_entry_reason,
        extensions_over_cap=[e.pk for e in over_cap],
    )
    return case


@transaction.atomic
def allocate(case: Case, *, handler, actor=None) -> Case:
    """Give the case (its current stage, for a complaint) to a handler: a complaints manager's
    decision. At stage 2, never to anyone who acted on stage 1 (6.13)."""
    check_manager(actor, "allocate or reallocate a case")
    case = lock(case)
    transition(case, Action.ALLOCATE)
    if handler is None or not getattr(handler, "can_change_cases", False):
        raise RuleViolation("Choose a member of staff who can handle cases.", field="handler")
    number = lifecycle.stage_of(State(case.state))
    if number is not None:
        stage = get_stage(case, number)
        if number == 2:
            check_independent(case, handler)
        if stage.responded_on is None:  # who handled an answered stage is history (6.13)
            stage.handler = handler
            stage.save(update_fields=["handler"])
            note_participants(stage, handler)
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
    update_every_working_days: int | None,
    ombudsman_details_given: bool | None = None,
    good_reason: str = "",
    late_entry_reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Extend the current stage's response date (6.4, 6.5 at stage 1; 6.15, 6.16 at stage 2; 5.9).

    The resident must be told the reason and the new date and given the Ombudsman's contact
    details, and an update interval agreed. They are told by the extension's letter (or a
    recorded equivalent, `actions.send_another_way`), which carries the Ombudsman's details: the
    extension counts for the reports only once that is issued, on or before the date it extends
    (``ombudsman_details_given`` is no longer asked for: the issued letter is the evidence). At most 10 (stage 1) or 20 (stage 2) working days
    beyond the Code's date, unless a good reason is recorded. Waiting for the resident is an
    extension too: the Code has no pause.

    An extension recorded after the date it extends has passed is not one agreed in time: it is
    refused unless ``late_entry_reason`` is given, and then the stage's response counts as late
    (putright.rules.recording). At stage 2 nobody who acted on stage 1 may record one (6.13).
    """
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    transition(case, Action.EXTEND)
    number = lifecycle.stage_of(State(case.state))
    stage = get_stage(case, number)
    if number == 2:
        check_independent(case, actor, field="reason", doing="extend")
    limits = deadlines.stage_limits(number)
    reason = require_text(
        reason, "reason", "Enter the reason for the extension, as explained to the resident.", provision=limits.extension_provision
    )
    check_date(resident_told_on, "resident_told_on", "the resident was told", today=today, not_before=(stage.requested_on, "the stage began"))
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
    recording = recording_rules.assess_extension(resident_told_on, today, previous, cal)
    late_entry_reason = recording_rules.check_late_entry(
        recording, what="extension", due_by=previous, recorded_on=today, reason=late_entry_reason,
        provision=limits.extension_provision,
    )
    Extension.objects.create(
        stage=stage,
        previous_respond_by=previous,
        new_respond_by=new_respond_by,
        reason=reason,
        good_reason=good_reason.strip(),
        beyond_code_limit=beyond,
        resident_told_on=resident_told_on,
        ombudsman_details_given=False,  # set when its letter, which carries them, is issued
        update_every_working_days=update_every_working_days,
        created_by=actor,
        entered_late=recording.late_entry,
        late_entry_reason=late_entry_reason,
    )
    stage.respond_by = new_respond_by
    # The deadline passed with no response and no extension agreed: whatever follows is late.
    stage.response_entered_late = stage.response_entered_late or recording.late_entry
    stage.save(update_fields=["respond_by", "response_entered_late"])
    refresh_response_counts_late(stage)
    refresh_next_update(case, cal)
    note_participants(stage, actor)
    late_entry(case, stage_number=number, step="extended", effective_on=resident_told_on, due_by=previous,
               recorded_on=today, recording=recording, reason=late_entry_reason, actor=actor, cal=cal)
    refresh_queue_fields(case, stage)
    case.save(update_fields=["is_open", "next_deadline_by", "updated_at"])
    record(
        case,
        "extended",
        f"Stage {number} response date extended from {format_date(previous)} to {format_date(new_respond_by)}: {reason}"
        + (" (beyond the Code's limit, for a recorded good reason)" if beyond else "")
        + (f". Recorded on {format_date(today)}, after {format_date(previous)} had passed: the response will count as "
           f"late ({late_entry_reason})" if recording.late_entry else ""),
        actor=actor,
        stage=number,
        previous_respond_by=previous,
        new_respond_by=new_respond_by,
        reason=reason,
        good_reason=good_reason.strip(),
        beyond_code_limit=beyond,
        resident_told_on=resident_told_on,
        update_every_working_days=update_every_working_days,
        recorded_late=recording.late_entry,
        late_entry_reason=late_entry_reason,
    )
    return case


@transaction.atomic
def respond(
    case: Case,
    *,
    responded_on: dt.date,
    points: Sequence[PointDecision],
    late_entry_reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Record the stage's response: a decision with reasons on every point (6.7, 6.9, 6.18, 6.19).

    A response recorded after its deadline but dated before it needs ``late_entry_reason`` and
    counts as late (putright.rules.recording). At stage 2 nobody who acted on stage 1 may
    respond (6.13).
    """
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.RESPOND)
    number = lifecycle.stage_of(new_state)
    stage = get_stage(case, number)
    check_date(responded_on, "responded_on", "the response was sent", today=today, not_before=(stage.acknowledged_on, "it was acknowledged"))
    if number == 2:
        check_independent(case, actor, field="responded_on", doing="respond to")
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
    cal = landlord_calendar()
    recording = recording_rules.assess(responded_on, today, stage.respond_by, cal)
    late_entry_reason = recording_rules.check_late_entry(
        recording, what="response", due_by=stage.respond_by, recorded_on=today, reason=late_entry_reason,
        provision=deadlines.stage_limits(number).respond_provision,
    )
    DecisionPoint.objects.bulk_create(
        DecisionPoint(stage=stage, position=i, point=p.point, decision=p.decision, reasons=p.reasons)
        for i, p in enumerate(cleaned)
    )
    stage.responded_on = responded_on
    stage.decision = overall
    stage.responded_recorded_at = timezone.now()
    stage.response_entered_late = stage.response_entered_late or recording.late_entry
    stage.response_issued_on = None  # recorded, not sent: its letter issues it (actions.issuing)
    stage.save(update_fields=["responded_on", "decision", "responded_recorded_at", "response_entered_late", "response_issued_on"])
    refresh_response_counts_late(stage)
    refresh_next_update(case, cal)
    note_participants(stage, actor)
    late_entry(case, stage_number=number, step="responded", effective_on=responded_on, due_by=stage.respond_by,
               recorded_on=today, recording=recording, reason=late_entry_reason, actor=actor, cal=cal)
    # Remedies offered before the response count as offered with it (docs/reports.md).
    Remedy.objects.filter(case=case, stage_number=number).update(offered_on=responded_on)
    case.state = new_state
    refresh_queue_fields(case, stage)
    case.save(update_fields=["state", "is_open", "next_deadline_by", "updated_at"])
    late = responded_on > stage.respond_by or stage.response_entered_late
    refresh_stage_ends(case)
    record(
        case,
        "responded",
        f"Stage {number} response recorded, dated {format_date(responded_on)}: {overall.value.replace('_', ' ')}"
        + (f"; late: due by {format_date(stage.respond_by)}" if late else "")
        + (f" (recorded late on {format_date(today)}: {late_entry_reason})" if recording.late_entry else "")
        + ". It counts as sent when its letter is issued.",
        actor=actor,
        stage=number,
        responded_on=responded_on,
        respond_by=stage.respond_by,
        late=late,
        decision=overall.value,
        points=[{"point": p.point, "decision": p.decision.value, "reasons": p.reasons} for p in cleaned],
        recorded_late=recording.late_entry,
        late_entry_reason=late_entry_reason,
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
    """The resident asks to escalate: no reason is needed (6.10, 6.12). Starts the stage 2 clock.

    Closing a case after its stage 1 response does not take this right away: a closed case that
    was answered at stage 1 goes straight to stage 2 (docs/deadlines.md, "What closed means").
    """
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.REQUEST_STAGE2)
    stage1 = get_stage(case, 1)
    check_date(requested_on, "requested_on", "stage 2 was asked for", today=today, not_before=(stage1.responded_on, "the stage 1 response"))
    stage2 = new_stage(case, 2, requested_on, landlord_calendar(), escalation_reason=(reason or "").strip())
    was_closed = case.state == State.CLOSED
    case.state = new_state
    case.previous_state = ""
    case.closed_on = None
    case.handler = None  # stage 2 needs someone new (6.13)
    refresh_queue_fields(case, stage2)
    case.save(update_fields=["state", "previous_state", "closed_on", "handler", "is_open", "next_deadline_by", "updated_at"])
    record(
        case,
        "stage2_requested",
        f"Stage 2 asked for on {format_date(requested_on)}"
        + (" (the case had been closed after the stage 1 response)" if was_closed else "")
        + f". Acknowledge by {format_date(stage2.acknowledge_by)}.",
        actor=actor,
        actor_label=actor_label,
        requested_on=requested_on,
        reason=stage2.escalation_reason,
        acknowledge_by=stage2.acknowledge_by,
        respond_by=stage2.respond_by,
    )
    return case
