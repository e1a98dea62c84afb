"""Putting things right: remedies (section 7) and outstanding actions after a response (6.6, 6.17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    format_date,
    lock,
    record,
    require_text,
    resolve_today,
)
from putright.cases.models import (
    ActionUpdate,
    Case,
    OutstandingAction,
    PaymentMethod,
    Remedy,
    RemedyKind,
)
from putright.rules import lifecycle
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind, State


@transaction.atomic
def add_remedy(
    case: Case,
    *,
    kind: RemedyKind | str,
    description: str,
    due_by: dt.date | None = None,
    amount: Decimal | None = None,
    payment_method: PaymentMethod | str = "",
    completed_on: dt.date | None = None,
    owner=None,
    actor=None,
    today: dt.date | None = None,
) -> Remedy:
    """Offer a remedy (7.1), at any stage (5.13): what will happen and by when (7.3)."""
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    if case.kind != Kind.COMPLAINT:
        raise RuleViolation("Remedies are offered on complaints.", field="kind")
    if kind not in RemedyKind.values:
        raise RuleViolation("Choose one of the kinds of remedy in the Code.", provision="7.1", field="kind")
    description = require_text(description, "description", "Say what will happen.", provision="7.3")
    if kind == RemedyKind.FINANCIAL:
        if amount is None or Decimal(amount) <= 0:
            raise RuleViolation("Enter the amount of the financial remedy, in pounds.", provision="7.1", field="amount")
        if payment_method not in PaymentMethod.values:
            raise RuleViolation("Say how it will be paid: payment, voucher or rent credit.", field="payment_method")
        amount = Decimal(amount).quantize(Decimal("0.01"))
    elif amount is not None:
        raise RuleViolation("Only a financial remedy has an amount.", field="amount")
    if completed_on is not None:
        check_date(completed_on, "completed_on", "it was done", today=today, not_before=(case.received_on, "the complaint was received"))
    elif not isinstance(due_by, dt.date):
        raise RuleViolation("Say by when it will happen.", provision="7.3", field="due_by")
    remedy = Remedy(
        case=case,
        stage_number=lifecycle.stage_of(State(case.state)),
        kind=kind,
        description=description,
        amount=amount,
        payment_method=payment_method if kind == RemedyKind.FINANCIAL else "",
        due_by=due_by,
        completed_on=completed_on,
        owner=owner,
    )
    remedy.offered_on = remedy.default_offered_on(today)
    remedy.save()
    label = RemedyKind(kind).label
    money = f" £{amount:,.2f} ({PaymentMethod(payment_method).label.lower()})" if amount else ""
    record(
        case,
        "remedy_added",
        f"Remedy: {label}{money}: {description}" + (f" By {format_date(due_by)}." if due_by and not completed_on else " Done."),
        actor=actor,
        remedy=remedy.pk,
        kind=kind,
        amount=amount,
        payment_method=remedy.payment_method,
        due_by=due_by,
        completed_on=completed_on,
    )
    return remedy


@transaction.atomic
def complete_remedy(remedy: Remedy, *, completed_on: dt.date, actor=None, today: dt.date | None = None) -> Remedy:
    check_actor(actor)
    today = resolve_today(today)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.completed_on is not None:
        raise RuleViolation(f"This remedy was already completed on {format_date(remedy.completed_on)}.", field="completed_on")
    check_date(completed_on, "completed_on", "it was done", today=today, not_before=(remedy.case.received_on, "the complaint was received"))
    remedy.completed_on = completed_on
    remedy.save(update_fields=["completed_on"])
    late = remedy.due_by is not None and completed_on > remedy.due_by
    record(remedy.case, "remedy_completed", f"Remedy completed on {format_date(completed_on)}" + (f", late: due by {format_date(remedy.due_by)}." if late else "."), actor=actor, remedy=remedy.pk, completed_on=completed_on, late=late)
    return remedy


@transaction.atomic
def add_action(
    case: Case,
    *,
    description: str,
    due_by: dt.date,
    owner=None,
    owner_name: str = "",
    actor=None,
) -> OutstandingAction:
    """Track work still to do after a response (6.6, 6.17)."""
    check_actor(actor)
    case = lock(case)
    description = require_text(description, "description", "Say what needs to be done.", provision="6.6")
    if not isinstance(due_by, dt.date):
        raise RuleViolation("Say by when it will be done.", provision="6.6", field="due_by")
    if due_by < case.received_on:
        raise RuleViolation("The due date cannot be before the case was received.", field="due_by")
    if owner is None and not owner_name.strip():
        raise RuleViolation("Say who owns this action: a member of staff, a team or a contractor.", field="owner")
    action = OutstandingAction.objects.create(case=case, description=description, due_by=due_by, owner=owner, owner_name=owner_name.strip())
    who = owner.display_name if owner else owner_name.strip()
    record(case, "action_added", f"Action for {who}, due by {format_date(due_by)}: {description}", actor=actor, action=action.pk, due_by=due_by, owner=who)
    return action


@transaction.atomic
def update_action(action: OutstandingAction, *, given_on: dt.date, note: str, actor=None, today: dt.date | None = None) -> ActionUpdate:
    """Record an update given to the resident on an outstanding action (6.6, 6.17)."""
    check_actor(actor)
    today = resolve_today(today)
    action = OutstandingAction.objects.select_for_update().get(pk=action.pk)
    note = require_text(note, "note", "Say what the resident was told.")
    check_date(given_on, "given_on", "of the update", today=today, not_before=(action.case.received_on, "the case was received"))
    update = ActionUpdate.objects.create(action=action, given_on=given_on, note=note)
    record(action.case, "action_updated", f"Update on action due {format_date(action.due_by)}: {note}", actor=actor, action=action.pk, given_on=given_on, note=note)
    return update


@transaction.atomic
def complete_action(action: OutstandingAction, *, completed_on: dt.date, note: str = "", actor=None, today: dt.date | None = None) -> OutstandingAction:
    check_actor(actor)
    today = resolve_today(today)
    action = OutstandingAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_on is not None:
        raise RuleViolation(f"This action was already completed on {format_date(action.completed_on)}.", field="completed_on")
    check_date(completed_on, "completed_on", "it was done", today=today, not_before=(action.case.received_on, "the case was received"))
    action.completed_on = completed_on
    action.save(update_fields=["completed_on"])
    late = completed_on > action.due_by
    record(action.case, "action_completed", f"Action completed on {format_date(completed_on)}" + (f", late: due by {format_date(action.due_by)}" if late else "") + (f". {note.strip()}" if note.strip() else "."), actor=actor, action=action.pk, completed_on=completed_on, late=late, note=note.strip())
    return action
