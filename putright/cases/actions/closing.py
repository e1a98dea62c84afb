"""A case ends or starts again: withdrawn by the resident, closed, reopened."""

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
    require_text,
    resolve_today,
    transition,
)
from putright.cases.models import (
    Case,
)
from putright.rules import lifecycle
from putright.rules.lifecycle import Action, Kind


@transaction.atomic
def withdraw(case: Case, *, withdrawn_on: dt.date, reason: str = "", actor=None, actor_label: str = "", today: dt.date | None = None) -> Case:
    """The resident withdraws the complaint (or request)."""
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.WITHDRAW)
    check_date(withdrawn_on, "withdrawn_on", "it was withdrawn", today=today, not_before=(case.received_on, "it was received"))
    case.previous_state = case.state
    case.state = new_state
    case.withdrawn_on = withdrawn_on
    case.withdrawal_reason = (reason or "").strip()
    refresh_queue_fields(case, None)
    case.save()
    refresh_stage_ends(case)
    record(case, "withdrawn", f"Withdrawn on {format_date(withdrawn_on)}." + (f" {case.withdrawal_reason}" if case.withdrawal_reason else ""), actor=actor, actor_label=actor_label, withdrawn_on=withdrawn_on, reason=case.withdrawal_reason)
    return case


@transaction.atomic
def close(case: Case, *, closed_on: dt.date, actor=None, today: dt.date | None = None) -> Case:
    """Close the case: after a response the resident did not escalate, after the final response,
    or when a service request or compliment is dealt with. Outstanding actions stay tracked."""
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    new_state = transition(case, Action.CLOSE)
    last = case.current_stage if case.kind == Kind.COMPLAINT else None
    check_date(closed_on, "closed_on", "it was closed", today=today, not_before=((last.responded_on if last else case.received_on), "the response" if last else "it was received"))
    case.previous_state = case.state
    case.state = new_state
    case.closed_on = closed_on
    refresh_queue_fields(case, None)
    case.save()
    open_actions = case.actions.filter(completed_on__isnull=True).count()
    record(
        case,
        "closed",
        f"Closed on {format_date(closed_on)}." + (f" {open_actions} outstanding action(s) still tracked." if open_actions else ""),
        actor=actor,
        closed_on=closed_on,
        outstanding_actions=open_actions,
    )
    return case


@transaction.atomic
def reopen(case: Case, *, reason: str, actor=None, actor_label: str = "") -> Case:
    """Reopen a closed, withdrawn or refused case, back to where it was."""
    check_actor(actor)
    case = lock(case)
    new_state = transition(case, Action.REOPEN)
    reason = require_text(reason, "reason", "Say why the case is being reopened.")
    was = case.state
    case.state = new_state
    case.previous_state = ""
    case.closed_on = None
    case.withdrawn_on = None
    number = lifecycle.stage_of(new_state)
    stage = get_stage(case, number) if number else None
    refresh_queue_fields(case, stage)
    case.save()
    refresh_stage_ends(case)
    record(case, "reopened", f"Reopened ({was.replace('_', ' ')} until now): {reason}", actor=actor, actor_label=actor_label, reason=reason, was=was, now=new_state.value)
    return case
