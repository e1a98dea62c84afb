"""Every change to a hazard report: one function per step.

Each function refuses a read-only actor, locks the report, checks the data (raising
`RuleViolation` naming the form field), writes the change, stores the legal dates again from
`putright.rules.hazards`, and appends one `HazardEvent`, all in one transaction. Views, the portal
and the demo call these and never save hazard models themselves.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases.models import Case
from putright.residents.models import AdjustmentKind
from putright.rules import hazards as rules
from putright.rules.calendar import format_day
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind

from . import steps
from .models import (
    AwareHow,
    HazardEvent,
    HazardKind,
    HazardReport,
    HazardUpdate,
    Outcome,
    ReasonableStep,
    StepKind,
)


def _check_actor(actor) -> None:
    if actor is not None and not getattr(actor, "can_change_cases", False):
        raise PermissionDenied("Your role can read hazard reports but not change them.")


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, field=field)
    return value


def _moment(value: dt.datetime | None, field: str, what: str, report: HazardReport | None = None) -> dt.datetime:
    if value is None:
        raise RuleViolation(f"Give the date and time {what}.", field=field)
    if timezone.is_naive(value):
        value = rules.local_moment(value)
    if value > timezone.now():
        raise RuleViolation(f"The moment {what} cannot be in the future.", field=field)
    if report is not None and value < report.aware_at:
        raise RuleViolation(
            f"The moment {what} cannot be before the landlord became aware "
            f"({rules.format_moment(report.aware_at)}).",
            field=field,
        )
    return value


def _day(value: dt.date | None, field: str, what: str, report: HazardReport) -> dt.date:
    if value is None:
        raise RuleViolation(f"Give the date {what}.", field=field)
    if value > timezone.localdate():
        raise RuleViolation(f"The date {what} cannot be in the future.", field=field)
    aware_on = rules.awareness_day(report.aware_at)
    if value < aware_on:
        raise RuleViolation(
            f"The date {what} cannot be before the landlord became aware ({format_day(aware_on)}).", field=field
        )
    return value


def _record(report: HazardReport, kind: str, summary: str, actor=None, actor_label: str = "", **data) -> HazardEvent:
    return HazardEvent.objects.create(
        report=report,
        at=timezone.now(),
        actor=actor,
        actor_label=(actor.get_full_name() or actor.get_username()) if actor is not None else (actor_label or "system"),
        kind=kind,
        summary=summary,
        data={k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in data.items()},
    )


def _saved(report: HazardReport, kind: str, summary: str, actor=None, **data) -> HazardReport:
    """Store the report's legal dates, save it and record the step on its timeline: the end of every
    recorded step."""
    _store_deadlines(report)
    report.save()
    _record(report, kind, summary, actor, **data)
    return report


def _store_deadlines(report: HazardReport) -> None:
    """Store every legal date, and the soonest outstanding one for the worklist."""
    scales = steps.timescales(report)
    fields = {step: None for step in rules.STEPS}
    fields.update(investigate_by_at=None, safety_work_by_at=None)
    for deadline in scales.deadlines:
        fields[deadline.step] = deadline.due_on
        if deadline.step in ("investigate_by", "safety_work_by") and deadline.due_at is not None:
            fields[f"{deadline.step}_at"] = deadline.due_at
    for name, value in fields.items():
        setattr(report, name, value)
    outstanding = [d for d in scales.deadlines if steps.done_value(report, d.step) is None]
    if report.closed_on is not None or not outstanding:
        report.next_due_on, report.next_due_at = None, None
    else:
        soonest = min(outstanding, key=lambda d: (d.due_on, d.due_at or dt.datetime.max.replace(tzinfo=rules.LONDON)))
        report.next_due_on, report.next_due_at = soonest.due_on, soonest.due_at


def _locked(report: HazardReport) -> HazardReport:
    return HazardReport.objects.select_for_update().get(pk=report.pk)


def _vulnerabilities(case: Case) -> str:
    resident = case.resident
    if resident is None:
        return ""
    current = resident.adjustments.filter(ended_on__isnull=True).exclude(kind=AdjustmentKind.REASONABLE_ADJUSTMENT)
    return "\n".join(f"{a.get_kind_display()}: {a.description}" for a in current)


@transaction.atomic
def raise_hazard(
    case: Case,
    *,
    kind: HazardKind,
    category: str,
    aware_at: dt.datetime,
    aware_how: str,
    description: str,
    home: str = "",
    actor=None,
    actor_label: str = "",
) -> HazardReport:
    """"This is about a hazard": open a hazard report from a service request or complaint, in one
    step. The clocks start at ``aware_at``, the moment the landlord first knew, which may be before
    the case was logged (a phone call, a contractor's note)."""
    _check_actor(actor)
    if case.kind not in (Kind.COMPLAINT, Kind.SERVICE_REQUEST):
        raise RuleViolation("A hazard report is raised from a complaint or a service request.", field="case")
    rules.check_category(category)
    if aware_how not in AwareHow.values:
        raise RuleViolation("Say how the landlord became aware.", field="aware_how")
    aware_at = _moment(aware_at, "aware_at", "the landlord became aware")
    aware_on = rules.awareness_day(aware_at)
    if kind is None or not kind.active:
        raise RuleViolation("Choose the hazard.", field="kind")
    if not kind.covers(category, aware_on):
        raise RuleViolation(
            f"On {format_day(aware_on)} Awaab's Law did not yet cover {kind.name.lower()} as "
            f"{'an emergency' if category == rules.EMERGENCY else 'a significant'} hazard.",
            field="category",
        )
    resident = case.resident
    home = (home or "").strip() or (
        "\n".join(p for p in (resident.address.strip(), resident.postcode.strip()) if p) if resident else ""
    )
    report = HazardReport(
        case=case,
        resident=resident,
        home=_text(home, "home", "Give the address of the home affected."),
        household_vulnerabilities=_vulnerabilities(case),
        kind=kind,
        category=category,
        description=_text(description, "description", "Say what was reported or seen."),
        aware_at=aware_at,
        aware_how=aware_how,
        created_by=actor,
    )
    _store_deadlines(report)
    report.save()
    _record(
        report, "raised",
        f"{kind.name}: {report.get_category_display().lower()}, aware {rules.format_moment(aware_at)}; "
        f"investigate by {report.investigate_by_at and rules.format_moment(report.investigate_by_at) or format_day(report.investigate_by)}.",
        actor, actor_label, case=case.reference, category=category, aware_at=aware_at,
    )
    return report


@transaction.atomic
def record_investigation(
    report: HazardReport,
    *,
    concluded_at: dt.datetime,
    investigator: str,
    findings: str,
    outcome: str,
    actor=None,
) -> HazardReport:
    """The investigation has concluded: the written summary, safety work and preventative work
    clocks start from that day."""
    _check_actor(actor)
    report = _locked(report)
    if report.investigated_at is not None:
        raise RuleViolation("The investigation is already recorded.", field="concluded_at")
    if outcome not in Outcome.values:
        raise RuleViolation("Say what the investigation found.", field="outcome")
    report.investigated_at = _moment(concluded_at, "concluded_at", "the investigation concluded", report)
    report.investigator = _text(investigator, "investigator", "Name the competent person who investigated.")
    report.findings = _text(findings, "findings", "Write down what the investigation found.")
    report.outcome = outcome
    return _saved(report, "investigated", f"Investigation concluded {rules.format_moment(report.investigated_at)} by {report.investigator}: {report.get_outcome_display().lower()}.", actor, outcome=outcome)


@transaction.atomic
def record_summary(report: HazardReport, *, given_on: dt.date, letter=None, actor=None) -> HazardReport:
    """The written summary of the findings was given to the tenant."""
    _check_actor(actor)
    report = _locked(report)
    if report.investigated_at is None:
        raise RuleViolation("Record the investigation before its written summary.", field="given_on")
    if report.summary_given_on is not None:
        raise RuleViolation("The written summary is already recorded.", field="given_on")
    report.summary_given_on = _day(given_on, "given_on", "the summary was given", report)
    if report.summary_given_on < timezone.localtime(report.investigated_at).date():
        raise RuleViolation("The written summary cannot be given before the investigation concluded.", field="given_on")
    report.summary_letter = letter
    return _saved(report, "summary", f"Written summary of the findings given {format_day(report.summary_given_on)}.", actor)


@transaction.atomic
def record_safety_work(report: HazardReport, *, done_at: dt.datetime, work: str, actor=None) -> HazardReport:
    _check_actor(actor)
    report = _locked(report)
    if report.safety_work_done_at is not None:
        raise RuleViolation("The safety work is already recorded.", field="done_at")
    if report.outcome == Outcome.NO_HAZARD:
        raise RuleViolation("The investigation found no hazard: there is no safety work to record.", field="done_at")
    report.safety_work_done_at = _moment(done_at, "done_at", "the safety work was done", report)
    report.safety_work = _text(work, "work", "Say what was done to make the home safe.")
    return _saved(report, "safety_work", f"Relevant safety work done {rules.format_moment(report.safety_work_done_at)}: {report.safety_work}", actor)


@transaction.atomic
def record_preventative_work(
    report: HazardReport,
    *,
    work: str = "",
    begun_on: dt.date | None = None,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    actor=None,
) -> HazardReport:
    """Supplementary preventative work: begun (or steps taken), physically started, completed.
    Each date is recorded once; later calls add the next one."""
    _check_actor(actor)
    report = _locked(report)
    if report.investigated_at is None or report.outcome == Outcome.NO_HAZARD:
        raise RuleViolation("Preventative work follows an investigation that found a hazard.", field="work")
    changed = []
    for field, value, what in (
        ("preventative_work_begun_on", begun_on, "the work was begun (or steps taken to begin it)"),
        ("preventative_work_started_on", started_on, "the work physically started"),
        ("preventative_work_completed_on", completed_on, "the work was completed"),
    ):
        if value is None:
            continue
        if getattr(report, field) is not None:
            raise RuleViolation(f"The date {what} is already recorded.", field=field)
        setattr(report, field, _day(value, field, what, report))
        changed.append(f"{what}: {format_day(value)}")
    if work.strip():
        report.preventative_work = work.strip()
    if not changed:
        raise RuleViolation("Give at least one date.", field="preventative_work_begun_on")
    if not report.preventative_work:
        raise RuleViolation("Say what the preventative work is.", field="work")
    return _saved(report, "preventative_work", "Preventative work: " + "; ".join(changed) + ".", actor)


@transaction.atomic
def record_accommodation(
    report: HazardReport,
    *,
    offered_on: dt.date,
    accepted: bool | None,
    moved_on: dt.date | None = None,
    returned_on: dt.date | None = None,
    actor=None,
) -> HazardReport:
    """Suitable alternative accommodation, at the landlord's cost: offered, accepted or refused,
    the household moved and returned."""
    _check_actor(actor)
    report = _locked(report)
    report.accommodation_offered_on = _day(offered_on, "offered_on", "the accommodation was offered", report)
    report.accommodation_accepted = accepted
    if moved_on is not None and not accepted:
        raise RuleViolation("The household can only move if the offer was accepted.", field="moved_on")
    if moved_on is not None:
        report.accommodation_from = _day(moved_on, "moved_on", "the household moved", report)
    if returned_on is not None:
        if report.accommodation_from is None:
            raise RuleViolation("Record when the household moved before when they returned.", field="returned_on")
        report.accommodation_until = _day(returned_on, "returned_on", "the household returned", report)
        if report.accommodation_until < report.accommodation_from:
            raise RuleViolation("The household cannot return before it moved.", field="returned_on")
    report.save()
    state = {True: "accepted", False: "refused", None: "no answer yet"}[accepted]
    _record(report, "accommodation", f"Alternative accommodation offered {format_day(report.accommodation_offered_on)} ({state}).", actor)
    return report


@transaction.atomic
def record_update(report: HazardReport, *, given_on: dt.date, method: str, summary: str, actor=None) -> HazardUpdate:
    _check_actor(actor)
    report = _locked(report)
    update = HazardUpdate.objects.create(
        report=report,
        given_on=_day(given_on, "given_on", "the update was given", report),
        method=_text(method, "method", "Say how the update was given (phone, letter, visit...)."),
        summary=_text(summary, "summary", "Say what the resident was told."),
    )
    _record(report, "update", f"Update given {format_day(update.given_on)} by {update.method}: {update.summary}", actor)
    return update


@transaction.atomic
def record_reasonable_step(report: HazardReport, *, on: dt.date, kind: str, details: str, actor=None) -> ReasonableStep:
    """Evidence of the reasonable steps taken when a clock could not be met."""
    _check_actor(actor)
    report = _locked(report)
    if kind not in StepKind.values:
        raise RuleViolation("Say what stood in the way.", field="kind")
    step = ReasonableStep.objects.create(
        report=report,
        on=_day(on, "on", "this happened", report),
        kind=kind,
        details=_text(details, "details", "Write down the evidence: dates, calls, letters, names."),
    )
    _record(report, "reasonable_step", f"{step.get_kind_display()} ({format_day(step.on)}): {step.details}", actor)
    return step


@transaction.atomic
def close_hazard(report: HazardReport, *, closed_on: dt.date, reason: str, actor=None) -> HazardReport:
    _check_actor(actor)
    report = _locked(report)
    if report.closed_on is not None:
        raise RuleViolation("This hazard report is already closed.", field="closed_on")
    report.closed_on = _day(closed_on, "closed_on", "it was closed", report)
    report.closed_reason = _text(reason, "reason", "Say why the hazard report is closed (work complete, no hazard found...).")
    return _saved(report, "closed", f"Closed {format_day(report.closed_on)}: {report.closed_reason}", actor)


@transaction.atomic
def reclassify(report: HazardReport, *, category: str, reason: str, actor=None) -> HazardReport:
    """Emergency or significant, decided again (a report from the residents' site is filed as
    significant until staff look at it). Every clock is counted again from the moment of
    awareness: changing the category never restarts a clock."""
    _check_actor(actor)
    report = _locked(report)
    rules.check_category(category)
    if category == report.category:
        raise RuleViolation(f"This is already {'an emergency' if category == rules.EMERGENCY else 'a significant'} hazard.", field="category")
    if not report.kind.covers(category, rules.awareness_day(report.aware_at)):
        raise RuleViolation(f"Awaab's Law does not cover {report.kind.name.lower()} as that kind of hazard on that date.", field="category")
    reason = _text(reason, "reason", "Say why the hazard is being reclassified.")
    before = report.get_category_display()
    report.category = category
    return _saved(report, "reclassified", f"Reclassified from {before.lower()} to {report.get_category_display().lower()}: {reason}", actor, category=category)
