"""Holds on the retention clock: placed and lifted by a complaints manager, with a reason."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases.models import Case
from putright.rules.errors import RuleViolation

from .models import Hold, HoldReason


def _check_manager(actor) -> None:
    if not getattr(actor, "can_manage_cases", False):
        raise PermissionDenied("Only a complaints manager or an administrator can place or lift a hold.")


def check_hold(case: Case, reason: str, explanation: str) -> None:
    """Raise RuleViolation, naming the field, if this hold cannot be placed."""
    if reason not in HoldReason.values:
        raise RuleViolation(f"The reason must be one of: {', '.join(HoldReason.labels)}.", field="reason")
    if not explanation.strip():
        raise RuleViolation("Say why the record must be kept (for example the claim number, or the manager's reason).", field="explanation")
    if hasattr(case, "anonymisation"):
        raise RuleViolation(f"{case.reference} has already been anonymised: there is nothing left to hold.", field="case")


@transaction.atomic
def place_hold(case: Case, *, reason: HoldReason | str, explanation: str, actor, today: dt.date | None = None) -> Hold:
    _check_manager(actor)
    check_hold(case, reason, explanation)
    return Hold.objects.create(case=case, reason=reason, explanation=explanation.strip(), placed_on=today or timezone.localdate(), placed_by=actor)


@transaction.atomic
def lift_hold(hold: Hold, *, actor, today: dt.date | None = None) -> Hold:
    _check_manager(actor)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_on is None:
        hold.lifted_on = today or timezone.localdate()
        hold.lifted_by = actor
        hold.save(update_fields=["lifted_on", "lifted_by"])
    return hold
