"""Refusing to accept a complaint (section 2) or to escalate it (5.11)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    format_date,
    get_stage,
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
from putright.rules import lifecycle
from putright.rules.errors import RuleViolation
from putright.rules.exclusions import Refusal as RefusalRule
from putright.rules.exclusions import RefusalReason, check_refusal
from putright.rules.lifecycle import Action, State


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
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Refuse to accept a complaint (section 2) or to escalate it (5.11), with reasons given to the
    resident and their right to take the decision to the Ombudsman (2.4)."""
    check_actor(actor)
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
    )
    check_refusal(rule, received_on=stage.requested_on)
    Refusal.objects.create(
        case=case,
        stage_number=number,
        refused_on=refused_on,
        reason=reason,
        explanation=rule.explanation.strip(),
        ombudsman_rights_given=True,
        issue_arose_on=issue_arose_on,
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
    )
    return case
