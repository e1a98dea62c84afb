"""The service path for a resident's safeguards: adjustments and their reviews (Code 5.10), and
restrictions for unacceptable behaviour (5.14, 5.15).

Same pattern as `putright.cases.actions`: check the actor's role, check the rules (raising
`RuleViolation` with the Code provision), write the change and an append-only `ResidentEvent` in
one transaction. Residents are not cases, so the record is the resident's own; the case page shows
the restrictions on every case of that resident.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases.actions.checks import check_actor as _check_actor, check_date as _check_date, format_date as _d, require_text as _require_text, resolve_today as _today, to_json as _json
from putright.residents.models import Adjustment, AdjustmentKind, Resident, ResidentEvent, Restriction
from putright.rules.errors import RuleViolation

# How far ahead a restriction's review may be set: restrictions are "reviewed regularly" (5.15).
MAX_RESTRICTION_REVIEW_DAYS = 183
# The reviews page lists adjustments and restrictions due within this many days.
DUE_SOON_DAYS = 14


class Outcome:
    CONTINUE = "continue"
    END = "end"
    ALL = ("continue", "end")


def _check_manager(actor) -> None:
    _check_actor(actor)
    if actor is not None and not getattr(actor, "can_manage_cases", False):
        raise PermissionDenied("Only a complaints manager or administrator can restrict or review a resident's contact.")


def _record(resident: Resident, kind: str, summary: str, *, actor=None, **data) -> ResidentEvent:
    return ResidentEvent.objects.create(
        resident=resident, at=timezone.now(), actor=actor, actor_label="" if actor else "system", kind=kind, summary=summary, data=_json(data)
    )


def _check_review_by(review_by, *, after: dt.date, field: str = "review_by") -> dt.date:
    if not isinstance(review_by, dt.date):
        raise RuleViolation("Enter the date the restriction must be reviewed by: restrictions are reviewed regularly.", provision="5.15", field=field)
    if review_by <= after:
        raise RuleViolation(f"The review date must be after {_d(after)}.", provision="5.15", field=field)
    if (review_by - after).days > MAX_RESTRICTION_REVIEW_DAYS:
        raise RuleViolation(
            f"Review a restriction within {MAX_RESTRICTION_REVIEW_DAYS} days (about six months): by {_d(after + dt.timedelta(days=MAX_RESTRICTION_REVIEW_DAYS))} at the latest.",
            provision="5.15",
            field=field,
        )
    return review_by


# --- adjustments (5.10) -------------------------------------------------------------------------


@transaction.atomic
def add_adjustment(
    resident: Resident, *, kind: str, description: str, agreed_on: dt.date, review_by: dt.date, actor=None, today: dt.date | None = None
) -> Adjustment:
    """Record a disclosed disability or vulnerability, or an agreed adjustment, with a review date (5.10)."""
    _check_actor(actor)
    today = _today(today)
    if kind not in AdjustmentKind.values:
        raise RuleViolation("Choose whether it is an adjustment, a disclosed disability or a vulnerability.", field="kind")
    description = _require_text(description, "description", "Describe the adjustment or what was disclosed.", "5.10")
    _check_date(agreed_on, "agreed_on", "it was agreed or disclosed", today=today)
    if not isinstance(review_by, dt.date):
        raise RuleViolation("Enter a review date: adjustments are kept under active review.", provision="5.10", field="review_by")
    if review_by <= agreed_on:
        raise RuleViolation("The review date must be after the date it was agreed.", provision="5.10", field="review_by")
    adjustment = Adjustment.objects.create(resident=resident, kind=kind, description=description, agreed_on=agreed_on, review_by=review_by)
    _record(
        resident, "adjustment_added", f"{adjustment.get_kind_display()} recorded: {description}. Review by {_d(review_by)}.",
        actor=actor, adjustment=adjustment.pk, review_by=review_by,
    )
    return adjustment


@transaction.atomic
def review_adjustment(
    adjustment: Adjustment,
    *,
    reviewed_on: dt.date,
    outcome: str,
    note: str,
    next_review_by: dt.date | None = None,
    actor=None,
    today: dt.date | None = None,
) -> Adjustment:
    """Review an adjustment with the resident: keep it (with the next review date) or end it (5.10)."""
    _check_actor(actor)
    today = _today(today)
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.ended_on is not None:
        raise RuleViolation("This adjustment has ended; record a new one if it is needed again.", field="outcome")
    if outcome not in Outcome.ALL:
        raise RuleViolation("Choose whether the adjustment continues or ends.", field="outcome")
    _check_date(reviewed_on, "reviewed_on", "it was reviewed", today=today, not_before=(adjustment.agreed_on, "it was agreed"))
    note = _require_text(note, "note", "Enter what the review found, and what the resident said.", "5.10")
    adjustment.last_reviewed_on = reviewed_on
    if outcome == Outcome.CONTINUE:
        if not isinstance(next_review_by, dt.date):
            raise RuleViolation("Enter the next review date: adjustments are kept under active review.", provision="5.10", field="next_review_by")
        if next_review_by <= reviewed_on:
            raise RuleViolation("The next review date must be after this review.", provision="5.10", field="next_review_by")
        adjustment.review_by = next_review_by
        summary = f"Adjustment reviewed on {_d(reviewed_on)}: continues, next review by {_d(next_review_by)}. {note}"
    else:
        adjustment.ended_on = reviewed_on
        summary = f"Adjustment reviewed on {_d(reviewed_on)}: ended. {note}"
    adjustment.save(update_fields=["last_reviewed_on", "review_by", "ended_on"])
    _record(
        adjustment.resident, "adjustment_reviewed", summary, actor=actor,
        adjustment=adjustment.pk, outcome=outcome, reviewed_on=reviewed_on, next_review_by=next_review_by, note=note,
    )
    return adjustment


# --- restrictions (5.14, 5.15) ------------------------------------------------------------------


@transaction.atomic
def add_restriction(
    resident: Resident,
    *,
    reasons: str,
    evidence: str,
    restricted: str,
    equality_considerations: str,
    starts_on: dt.date,
    review_by: dt.date,
    actor=None,
    today: dt.date | None = None,
) -> Restriction:
    """Restrict a resident's contact: evidenced, proportionate, with regard to the Equality Act, and
    with a review date after which it lapses unless reviewed (5.14, 5.15). Managers only."""
    _check_manager(actor)
    today = _today(today)
    reasons = _require_text(reasons, "reasons", "Enter the reasons for the restriction.", "5.14")
    evidence = _require_text(evidence, "evidence", "Enter the evidence the restriction rests on.", "5.14")
    restricted = _require_text(restricted, "restricted", "Enter what is restricted, and how the resident can still make contact.", "5.14")
    equality_considerations = _require_text(
        equality_considerations, "equality_considerations", "Enter how the Equality Act 2010 was considered (disabilities, adjustments).", "5.14"
    )
    if not isinstance(starts_on, dt.date):
        raise RuleViolation("Enter the date the restriction starts.", field="starts_on")
    _check_review_by(review_by, after=max(starts_on, today))
    restriction = Restriction.objects.create(
        resident=resident, reasons=reasons, evidence=evidence, restricted=restricted, equality_considerations=equality_considerations,
        starts_on=starts_on, review_by=review_by, created_by=actor,
    )
    _record(
        resident, "restriction_added",
        f"Contact restricted from {_d(starts_on)}: {restricted}. Review by {_d(review_by)}, or it lapses (5.15).",
        actor=actor, restriction=restriction.pk, starts_on=starts_on, review_by=review_by, reasons=reasons,
    )
    return restriction


@transaction.atomic
def review_restriction(
    restriction: Restriction,
    *,
    reviewed_on: dt.date,
    outcome: str,
    notes: str,
    next_review_by: dt.date | None = None,
    actor=None,
    today: dt.date | None = None,
) -> Restriction:
    """Review a restriction on or before its review date: continue it to a new review date, or end it.

    A restriction not reviewed by its review date has lapsed and cannot be revived by a late
    review: it no longer applies, and a new restriction needs a fresh decision (5.15).
    """
    _check_manager(actor)
    today = _today(today)
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    status = restriction.status(today)
    if status == "ended":
        raise RuleViolation("This restriction has ended.", field="outcome")
    if status == "lapsed":
        raise RuleViolation(
            f"This restriction lapsed after {_d(restriction.review_by)} without a review, so it no longer applies. "
            "If a restriction is still needed, record a new one with the current evidence.",
            provision="5.15",
            field="reviewed_on",
        )
    if outcome not in Outcome.ALL:
        raise RuleViolation("Choose whether the restriction continues or ends.", field="outcome")
    _check_date(reviewed_on, "reviewed_on", "it was reviewed", today=today)
    if reviewed_on > restriction.review_by:
        raise RuleViolation(f"The review had to happen by {_d(restriction.review_by)}.", provision="5.15", field="reviewed_on")
    notes = _require_text(notes, "notes", "Enter what the review considered: the behaviour since, and whether the restriction is still proportionate.", "5.15")
    restriction.reviewed_on = reviewed_on
    if outcome == Outcome.CONTINUE:
        _check_review_by(next_review_by, after=max(reviewed_on, today), field="next_review_by")
        restriction.review_by = next_review_by
        summary = f"Restriction reviewed on {_d(reviewed_on)}: continues, next review by {_d(next_review_by)}. {notes}"
    else:
        restriction.ended_on = reviewed_on
        restriction.end_reason = notes
        summary = f"Restriction reviewed on {_d(reviewed_on)}: ended. {notes}"
    restriction.save(update_fields=["reviewed_on", "review_by", "ended_on", "end_reason"])
    _record(
        restriction.resident, "restriction_reviewed", summary, actor=actor,
        restriction=restriction.pk, outcome=outcome, reviewed_on=reviewed_on, next_review_by=next_review_by, notes=notes,
    )
    return restriction


@transaction.atomic
def end_restriction(restriction: Restriction, *, ended_on: dt.date, reason: str, actor=None, today: dt.date | None = None) -> Restriction:
    """Record that a restriction has ended, early or after it lapsed (which takes it off the reviews list)."""
    _check_manager(actor)
    today = _today(today)
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.ended_on is not None:
        raise RuleViolation("This restriction has already ended.", field="ended_on")
    _check_date(ended_on, "ended_on", "it ended", today=today, not_before=(restriction.starts_on, "it started"))
    reason = _require_text(reason, "reason", "Enter why it ended, and that the resident was told.")
    lapsed = restriction.is_lapsed(today)
    restriction.ended_on = ended_on
    restriction.end_reason = reason
    restriction.save(update_fields=["ended_on", "end_reason"])
    _record(
        restriction.resident, "restriction_ended",
        f"Restriction ended on {_d(ended_on)}{' (it had lapsed without a review)' if lapsed else ''}. {reason}",
        actor=actor, restriction=restriction.pk, ended_on=ended_on, lapsed=lapsed, reason=reason,
    )
    return restriction
