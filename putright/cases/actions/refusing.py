"""Refusing to accept a complaint (section 2) or to escalate it (5.11)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from putright.cases.actions.checks import (
    check_date,
    check_manager,
    format_date,
    get_stage,
    late_entry,
    lock,
    record,
    refresh_queue_fields,
    refresh_stage_ends,
    resolve_today,
    transition,
)
from putright.cases.models import (
    Case,
    Refusal,
)
from putright.cases.calendar import landlord_calendar
from putright.rules import deadlines, lifecycle
from putright.rules import recording as recording_rules
from putright.rules.errors import RuleViolation
from putright.rules.exclusions import Refusal as RefusalRule
from putright.rules.exclusions import RefusalReason, check_refusal
from putright.rules.lifecycle import Action, Kind, State


@transaction.atomic
def refuse(
    case: Case,
    *,
    refused_on: dt.date,
    reason: RefusalReason | str,
    explanation: str,
    ombudsman_rights_given: bool,
    issue_arose_on: dt.date | None = None,
    discretion_decision: str = "",
    proceedings_started_on: dt.date | None = None,
    previous_case_reference: str = "",
    became_aware_on: dt.date | None = None,
    about: str = "",
    late_entry_reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Refuse to accept a complaint (section 2) or to escalate it (5.11), with reasons given to the
    resident and their right to take the decision to the Ombudsman (2.4).

    A complaints manager's decision. The section 2 reason must apply to the complaint itself:
    12 months are measured to the day the complaint was made (not the escalation), from the issue
    or the day the resident became aware of it (2.3); legal proceedings must have started;
    "previously considered" names another, concluded complaint; "other" says what the complaint
    was about, for the annual report (2.5). Residents need give no reason to escalate (6.12).
    """
    check_manager(actor, "refuse a complaint or an escalation")
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.REFUSE)
    number = lifecycle.stage_of(State(case.state))
    stage = get_stage(case, number)
    try:
        reason = RefusalReason(reason)
    except ValueError:
        raise RuleViolation("Choose one of the reasons the Code allows for refusing.", provision="2.2", field="reason")
    check_date(refused_on, "refused_on", "of the refusal", today=today, not_before=(stage.requested_on, "it was received"))
    rule = RefusalRule(
        reason=reason,
        explanation=explanation or "",
        ombudsman_rights_given=bool(ombudsman_rights_given),
        issue_arose_on=issue_arose_on,
        discretion_decision=discretion_decision or "",
        proceedings_started_on=proceedings_started_on,
        previous_case_reference=previous_case_reference or "",
        became_aware_on=became_aware_on,
        about=about or "",
        refused_on=refused_on,
    )
    check_refusal(rule, received_on=case.received_on)
    if reason == RefusalReason.PREVIOUSLY_CONSIDERED:
        _check_previous_case(case, rule.previous_case_reference.strip())
    cal = landlord_calendar()
    recording = recording_rules.assess(refused_on, today, stage.acknowledge_by, cal)
    late_entry_reason = recording_rules.check_late_entry(
        recording, what="refusal", due_by=stage.acknowledge_by, recorded_on=today, reason=late_entry_reason,
        provision=deadlines.stage_limits(number).acknowledge_provision,
    )
    Refusal.objects.create(
        case=case,
        stage_number=number,
        refused_on=refused_on,
        reason=reason,
        explanation=rule.explanation.strip(),
        ombudsman_rights_given=True,
        issue_arose_on=issue_arose_on,
        became_aware_on=became_aware_on,
        about=rule.about.strip(),
        recorded_at=timezone.now(),
        recorded_by=actor,
        discretion_decision=rule.discretion_decision.strip(),
        proceedings_started_on=proceedings_started_on,
        previous_case_reference=rule.previous_case_reference.strip(),
    )
    case.previous_state = case.state
    case.state = new_state
    refresh_queue_fields(case, stage)
    case.save(update_fields=["state", "previous_state", "is_open", "next_deadline_by", "updated_at"])
    what = "Complaint not accepted" if number == 1 else "Escalation to stage 2 refused"
    refresh_stage_ends(case)
    late_entry(case, stage_number=number, step="refused", effective_on=refused_on, due_by=stage.acknowledge_by,
               recorded_on=today, recording=recording, reason=late_entry_reason, actor=actor, cal=cal)
    record(
        case,
        "refused",
        f"{what} on {format_date(refused_on)}: {reason.value.replace('_', ' ')}. {rule.explanation.strip()}",
        actor=actor,
        stage=number,
        refused_on=refused_on,
        reason=reason.value,
        explanation=rule.explanation.strip(),
        ombudsman_rights_given=True,
        about=rule.about.strip(),
        recorded_late=recording.late_entry,
        late_entry_reason=late_entry_reason,
    )
    return case


CONCLUDED = (State.CLOSED, State.STAGE2_RESPONDED)


def _check_previous_case(case: Case, reference: str) -> None:
    """"Previously considered" (2.2) names another complaint that went through the complaints
    process to its end: its final response, or closed after a response."""
    previous = Case.objects.filter(reference__iexact=reference).first()
    if previous is None:
        raise RuleViolation(f"There is no case {reference} in PutRight: give the reference of the complaint that "
                            "already considered this matter.", provision="2.2", field="previous_case_reference")
    if previous.pk == case.pk:
        raise RuleViolation(f"{reference} is this complaint: its own stage 1 is not a previous complaint, and the "
                            "resident may escalate it (6.10).", provision="2.2", field="previous_case_reference")
    responded = previous.stages.filter(responded_on__isnull=False).exists()
    if previous.kind != Kind.COMPLAINT or not responded or previous.state not in CONCLUDED:
        raise RuleViolation(f"{previous.reference} has not been concluded as a complaint (it is "
                            f"{lifecycle.STATE_LABELS[State(previous.state)]}), so this matter has not been considered "
                            "already.", provision="2.2", field="previous_case_reference")
