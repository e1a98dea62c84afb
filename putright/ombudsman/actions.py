"""The service path for Ombudsman cases and exceptional circumstances.

Same pattern as `putright.cases.actions`: check the actor's role, check the rules (raising
`RuleViolation`), write the change and an append-only `OmbudsmanEvent` — mirrored as a `CaseEvent`
on the linked complaint, so the complaint's full record shows it (5.12) — in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases.actions.checks import check_actor as _check_actor, check_date as _check_date, format_date as _d, require_text as _require_text, resolve_today as _today, to_json as _json
from putright.cases.actions.checks import record as _record_case
from putright.cases.models import Case
from putright.ombudsman.models import (
    Determination,
    DeterminationFinding,
    ExceptionalCircumstance,
    FailureOrder,
    FailureType,
    Finding,
    InformationRequest,
    OmbudsmanCase,
    OmbudsmanEvent,
    Order,
    OrderKind,
)
from putright.ombudsman.routing import Body, Category, suggest_body
from putright.residents.models import Resident
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind


def _event(oc: OmbudsmanCase, event_kind: str, summary: str, *, actor=None, **data) -> OmbudsmanEvent:
    event = OmbudsmanEvent.objects.create(ombudsman_case=oc, at=timezone.now(), actor=actor, kind=event_kind, summary=summary, data=_json(data))
    if oc.case_id:
        _record_case(oc.case, f"ombudsman_{event_kind}", f"{oc.body_label}: {summary}", actor=actor, ombudsman_case=oc.pk, **data)
    return event


def _check_body(body, body_name: str) -> tuple[str, str]:
    try:
        body = Body(body)
    except ValueError:
        raise RuleViolation("Choose the Housing Ombudsman, the Local Government and Social Care Ombudsman, or another body.", field="body")
    body_name = (body_name or "").strip()
    if body == Body.OTHER and not body_name:
        raise RuleViolation("Enter the name of the body, for example the Care Quality Commission.", field="body_name")
    return body.value, body_name if body == Body.OTHER else ""


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RuleViolation("Enter the amount in pounds, for example 250 or 250.50.", field=field)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation("Enter the amount in pounds and pence, 0 or more.", field=field)
    return amount


# --- Ombudsman cases -------------------------------------------------------------------------------


@transaction.atomic
def open_ombudsman_case(
    *,
    category: Category | str,
    opened_on: dt.date,
    case: Case | None = None,
    resident: Resident | None = None,
    body: Body | str | None = None,
    body_name: str = "",
    their_reference: str = "",
    summary: str = "",
    actor=None,
    today: dt.date | None = None,
) -> OmbudsmanCase:
    """Record that an Ombudsman is looking at a complaint. The body defaults to the one suggested
    for the category (seed 001, appendix one); staff may choose another."""
    _check_actor(actor)
    today = _today(today)
    try:
        category = Category(category)
    except ValueError:
        raise RuleViolation("Choose what the complaint is about.", field="category")
    body, body_name = _check_body(body or suggest_body(category).body, body_name)
    _check_date(opened_on, "opened_on", "the Ombudsman contacted us", today=today)
    if case is not None:
        if case.kind != Kind.COMPLAINT:
            raise RuleViolation("Only a complaint can go to the Ombudsman.", field="case")
        if resident is not None and case.resident_id and resident.pk != case.resident_id:
            raise RuleViolation("That complaint is from a different resident.", field="resident")
        resident = resident or case.resident
    if case is None and resident is None and not summary.strip():
        raise RuleViolation("Without a linked complaint, say who it is about and what it is about.", field="summary")
    oc = OmbudsmanCase.objects.create(
        case=case, resident=resident, body=body, body_name=body_name, their_reference=(their_reference or "").strip(),
        category=category, opened_on=opened_on, summary=(summary or "").strip(), created_by=actor,
    )
    suggestion = suggest_body(category)
    note = "" if suggestion.body.value == body else f" (suggested for this category: {suggestion.label})"
    _event(
        oc, "opened", f"Ombudsman case opened on {_d(opened_on)}{', reference ' + oc.their_reference if oc.their_reference else ''}{note}.",
        actor=actor, body=body, body_name=body_name, category=category.value, opened_on=opened_on, their_reference=oc.their_reference,
    )
    return oc


@transaction.atomic
def change_body(oc: OmbudsmanCase, *, body: Body | str, body_name: str = "", their_reference: str | None = None, reason: str, actor=None) -> OmbudsmanCase:
    """Change which body handles the matter (the category's suggestion can be wrong)."""
    _check_actor(actor)
    oc = OmbudsmanCase.objects.select_for_update().get(pk=oc.pk)
    body, body_name = _check_body(body, body_name)
    reason = _require_text(reason, "reason", "Enter why the matter belongs to this body.")
    before = oc.body_label
    oc.body, oc.body_name = body, body_name
    if their_reference is not None:
        oc.their_reference = their_reference.strip()
    oc.save(update_fields=["body", "body_name", "their_reference"])
    _event(oc, "body_changed", f"Handled by {oc.body_label}, not {before}: {reason}", actor=actor, body=body, body_name=body_name, reason=reason)
    return oc


@transaction.atomic
def close_ombudsman_case(oc: OmbudsmanCase, *, closed_on: dt.date, actor=None, today: dt.date | None = None) -> OmbudsmanCase:
    _check_actor(actor)
    oc = OmbudsmanCase.objects.select_for_update().get(pk=oc.pk)
    if oc.closed_on:
        raise RuleViolation("This Ombudsman case is already closed.", field="closed_on")
    if oc.orders.filter(kind=OrderKind.ORDER, complied_on__isnull=True).exists() or oc.failure_orders.filter(complied_on__isnull=True).exists():
        raise RuleViolation("Comply with every order, with evidence, before closing the Ombudsman case.", field="closed_on")
    _check_date(closed_on, "closed_on", "it closed", today=_today(today), not_before=(oc.opened_on, "it was opened"))
    oc.closed_on = closed_on
    oc.save(update_fields=["closed_on"])
    _event(oc, "closed", f"Ombudsman case closed on {_d(closed_on)}.", actor=actor, closed_on=closed_on)
    return oc


# --- information requests ---------------------------------------------------------------------


@transaction.atomic
def add_information_request(
    oc: OmbudsmanCase, *, requested_on: dt.date, due_by: dt.date, description: str = "", actor=None, today: dt.date | None = None
) -> InformationRequest:
    """The Ombudsman asks for information by a date (late replies risk a type 2 failure order)."""
    _check_actor(actor)
    today = _today(today)
    _check_date(requested_on, "requested_on", "the Ombudsman asked", today=today)
    if not isinstance(due_by, dt.date):
        raise RuleViolation("Enter the date the Ombudsman needs the information by.", field="due_by")
    if due_by < requested_on:
        raise RuleViolation("The due date cannot be before the request.", field="due_by")
    request = InformationRequest.objects.create(ombudsman_case=oc, requested_on=requested_on, due_by=due_by, description=(description or "").strip())
    _event(oc, "information_requested", f"Information requested on {_d(requested_on)}, due by {_d(due_by)}.", actor=actor,
           request=request.pk, requested_on=requested_on, due_by=due_by)
    return request


@transaction.atomic
def record_information_sent(request: InformationRequest, *, sent_on: dt.date, bundle: str, actor=None, today: dt.date | None = None) -> InformationRequest:
    _check_actor(actor)
    request = InformationRequest.objects.select_for_update(of=("self",)).select_related("ombudsman_case", "ombudsman_case__case").get(pk=request.pk)
    if request.sent_on:
        raise RuleViolation("This information was already sent.", field="sent_on")
    _check_date(sent_on, "sent_on", "it was sent", today=_today(today), not_before=(request.requested_on, "the request"))
    bundle = _require_text(bundle, "bundle", "Enter what was sent: the bundle's file name or a note of its contents.")
    request.sent_on, request.bundle = sent_on, bundle
    request.save(update_fields=["sent_on", "bundle"])
    late = sent_on > request.due_by
    _event(request.ombudsman_case, "information_sent",
           f"Information sent on {_d(sent_on)}{' (late: due ' + _d(request.due_by) + ')' if late else ''}: {bundle}",
           actor=actor, request=request.pk, sent_on=sent_on, bundle=bundle, late=late)
    return request


# --- determination, findings, orders ------------------------------------------------------------


@transaction.atomic
def record_determination(
    oc: OmbudsmanCase,
    *,
    determined_on: dt.date,
    findings: Sequence[tuple[str, str]],
    summary: str = "",
    code_non_compliance: bool = False,
    actor=None,
    today: dt.date | None = None,
) -> Determination:
    """The Ombudsman's determination: one finding for each issue investigated."""
    _check_actor(actor)
    today = _today(today)
    _check_date(determined_on, "determined_on", "of the determination", today=today, not_before=(oc.opened_on, "the case was opened"))
    rows = [((issue or "").strip(), finding) for issue, finding in findings if (issue or "").strip() or finding]
    if not rows:
        raise RuleViolation("Enter at least one issue the Ombudsman investigated, with its finding.", field="findings")
    for position, (issue, finding) in enumerate(rows, start=1):
        if not issue:
            raise RuleViolation(f"Enter issue {position}: what the Ombudsman investigated.", field="findings")
        if finding not in Finding.values:
            raise RuleViolation(
                f"'{finding}' is not a finding the Ombudsman makes: choose one of {', '.join(Finding.labels).lower()}.", field="findings"
            )
    determination = Determination.objects.create(
        ombudsman_case=oc, determined_on=determined_on, summary=(summary or "").strip(), code_non_compliance=code_non_compliance, created_by=actor
    )
    DeterminationFinding.objects.bulk_create(
        DeterminationFinding(determination=determination, position=i, issue=issue, finding=finding) for i, (issue, finding) in enumerate(rows, 1)
    )
    text = "; ".join(f"{issue}: {Finding(finding).label.lower()}" for issue, finding in rows)
    _event(oc, "determined", f"Determination of {_d(determined_on)}. {text}.", actor=actor, determination=determination.pk,
           determined_on=determined_on, findings=[{"issue": i, "finding": f} for i, f in rows], code_non_compliance=code_non_compliance)
    return determination


@transaction.atomic
def add_order(
    oc: OmbudsmanCase,
    *,
    kind: OrderKind | str,
    text: str,
    due_by: dt.date | None = None,
    compensation_ordered=None,
    determination: Determination | None = None,
    actor=None,
    today: dt.date | None = None,
) -> Order:
    """An order (binding: needs a due date and, later, evidence of compliance) or a recommendation."""
    _check_actor(actor)
    if kind not in OrderKind.values:
        raise RuleViolation("Choose order or recommendation.", field="kind")
    text = _require_text(text, "text", "Enter what the Ombudsman ordered or recommended.")
    if kind == OrderKind.ORDER and not isinstance(due_by, dt.date):
        raise RuleViolation("Enter the date the order must be complied with: orders carry deadlines.", field="due_by")
    if due_by is not None and due_by < oc.opened_on:
        raise RuleViolation("The due date cannot be before the Ombudsman case was opened.", field="due_by")
    amount = _money(compensation_ordered, "compensation_ordered")
    if determination is not None and determination.ombudsman_case_id != oc.pk:
        raise RuleViolation("That determination belongs to another Ombudsman case.", field="determination")
    if determination is None:
        determination = oc.determinations.order_by("-determined_on", "-id").first()
    order = Order.objects.create(
        ombudsman_case=oc, determination=determination, kind=kind, text=text, due_by=due_by, compensation_ordered=amount
    )
    _event(oc, "order_added",
           f"{OrderKind(kind).label}: {text}{' £' + str(amount) if amount else ''}{', due by ' + _d(due_by) if due_by else ''}.",
           actor=actor, order=order.pk, kind=kind, due_by=due_by, compensation_ordered=amount)
    return order


@transaction.atomic
def record_compliance(order: Order, *, complied_on: dt.date, evidence: str, actor=None, today: dt.date | None = None) -> Order:
    """Record that an order was complied with (or a recommendation followed), with the evidence sent."""
    _check_actor(actor)
    order = Order.objects.select_for_update(of=("self",)).select_related("ombudsman_case", "ombudsman_case__case").get(pk=order.pk)
    if order.complied_on:
        raise RuleViolation("Compliance with this order is already recorded.", field="complied_on")
    evidence = _require_text(evidence, "evidence", "Enter the evidence of compliance sent to the Ombudsman.")
    _check_date(complied_on, "complied_on", "it was complied with", today=_today(today), not_before=(order.ombudsman_case.opened_on, "the case was opened"))
    order.complied_on, order.evidence = complied_on, evidence
    order.save(update_fields=["complied_on", "evidence"])
    late = order.due_by is not None and complied_on > order.due_by
    _event(order.ombudsman_case, "order_complied",
           f"{order.get_kind_display()} complied with on {_d(complied_on)}{' (late)' if late else ''}: {evidence}",
           actor=actor, order=order.pk, complied_on=complied_on, late=late)
    return order


# --- Complaint Handling Failure Orders (8.1 c) ----------------------------------------------------


@transaction.atomic
def add_failure_order(
    oc: OmbudsmanCase,
    *,
    failure: FailureType | str,
    issued_on: dt.date,
    text: str,
    due_by: dt.date,
    their_reference: str = "",
    actor=None,
    today: dt.date | None = None,
) -> FailureOrder:
    """Record a Complaint Handling Failure Order the Housing Ombudsman issued: what it is for, when,
    what it orders and by when. Counted in the annual report (8.1 c)."""
    _check_actor(actor)
    if failure not in FailureType.values:
        raise RuleViolation("Choose what the order is for.", field="failure")
    text = _require_text(text, "text", "Enter what the order says we must do.")
    _check_date(issued_on, "issued_on", "the order was issued", today=_today(today))
    if not isinstance(due_by, dt.date):
        raise RuleViolation("Enter the date the order must be complied with.", field="due_by")
    if due_by < issued_on:
        raise RuleViolation("The order cannot be due before it was issued.", field="due_by")
    order = FailureOrder.objects.create(
        ombudsman_case=oc, failure=failure, issued_on=issued_on, their_reference=(their_reference or "").strip(),
        text=text, due_by=due_by, created_by=actor,
    )
    _event(oc, "failure_order_added",
           f"Complaint Handling Failure Order issued {_d(issued_on)} ({FailureType(failure).label.lower()}): {text}, due by {_d(due_by)}.",
           actor=actor, failure_order=order.pk, failure=failure, issued_on=issued_on, due_by=due_by)
    return order


@transaction.atomic
def record_failure_order_compliance(order: FailureOrder, *, complied_on: dt.date, evidence: str, actor=None,
                                    today: dt.date | None = None) -> FailureOrder:
    """Record that a Complaint Handling Failure Order was complied with, with the evidence sent."""
    _check_actor(actor)
    order = FailureOrder.objects.select_for_update(of=("self",)).select_related("ombudsman_case", "ombudsman_case__case").get(pk=order.pk)
    if order.complied_on:
        raise RuleViolation("Compliance with this order is already recorded.", field="complied_on")
    evidence = _require_text(evidence, "evidence", "Enter the evidence of compliance sent to the Ombudsman.")
    _check_date(complied_on, "complied_on", "it was complied with", today=_today(today), not_before=(order.issued_on, "the order was issued"))
    order.complied_on, order.evidence = complied_on, evidence
    order.save(update_fields=["complied_on", "evidence"])
    late = complied_on > order.due_by
    _event(order.ombudsman_case, "failure_order_complied",
           f"Complaint Handling Failure Order complied with on {_d(complied_on)}{' (late)' if late else ''}: {evidence}",
           actor=actor, failure_order=order.pk, complied_on=complied_on, late=late)
    return order


# --- exceptional circumstances (8.5) -----------------------------------------------------------


def _check_administrator(actor) -> None:
    _check_actor(actor)
    if actor is not None and not getattr(actor, "is_administrator", False):
        raise PermissionDenied("Only an administrator can record exceptional circumstances.")


def _check_circumstance_dates(*, starts_on, compliance_returns_by, ends_on, residents_told_on, ombudsman_told_on, published_on, today):
    if not isinstance(starts_on, dt.date):
        raise RuleViolation("Enter the date the exceptional circumstances started.", field="starts_on")
    if not isinstance(compliance_returns_by, dt.date):
        raise RuleViolation("Enter the date compliance with the Code will return: the Code asks for a timescale.", provision="8.5", field="compliance_returns_by")
    if compliance_returns_by < starts_on:
        raise RuleViolation("Compliance cannot return before the circumstances started.", field="compliance_returns_by")
    if ends_on is not None:
        _check_date(ends_on, "ends_on", "compliance returned", today=today, not_before=(starts_on, "the start"))
    for value, field, label in (
        (residents_told_on, "residents_told_on", "residents were told"),
        (ombudsman_told_on, "ombudsman_told_on", "the Ombudsman was told"),
        (published_on, "published_on", "it was published"),
    ):
        if value is not None:
            _check_date(value, field, label, today=today)


@transaction.atomic
def record_exceptional_circumstance(
    *,
    title: str,
    description: str,
    starts_on: dt.date,
    compliance_returns_by: dt.date,
    ends_on: dt.date | None = None,
    residents_told_on: dt.date | None = None,
    ombudsman_told_on: dt.date | None = None,
    published_on: dt.date | None = None,
    affected_cases: Iterable[Case] = (),
    actor=None,
    today: dt.date | None = None,
) -> ExceptionalCircumstance:
    """A period when the Code cannot be met (8.5): tell the Ombudsman and affected residents, publish
    it, and give a timescale for returning to compliance. Administrators only."""
    _check_administrator(actor)
    today = _today(today)
    title = _require_text(title, "title", "Enter a short title, for example 'Cyber incident'.")
    description = _require_text(description, "description", "Describe what happened and how complaint handling is affected.", "8.5")
    _check_circumstance_dates(starts_on=starts_on, compliance_returns_by=compliance_returns_by, ends_on=ends_on,
                              residents_told_on=residents_told_on, ombudsman_told_on=ombudsman_told_on, published_on=published_on, today=today)
    ec = ExceptionalCircumstance.objects.create(
        title=title, description=description, starts_on=starts_on, compliance_returns_by=compliance_returns_by, ends_on=ends_on,
        residents_told_on=residents_told_on, ombudsman_told_on=ombudsman_told_on, published_on=published_on, created_by=actor,
    )
    _link_cases(ec, affected_cases, actor)
    return ec


def _link_cases(ec: ExceptionalCircumstance, cases: Iterable[Case], actor) -> None:
    existing = set(ec.affected_cases.values_list("pk", flat=True))
    new = [c for c in cases if c.pk not in existing]
    if not new:
        return
    ec.affected_cases.add(*new)
    for case in new:
        _record_case(
            case, "exceptional_circumstance",
            f"Affected by exceptional circumstances (Code 8.5): {ec.title}, from {_d(ec.starts_on)}; compliance returns by {_d(ec.compliance_returns_by)}.",
            actor=actor, exceptional_circumstance=ec.pk,
        )


@transaction.atomic
def update_exceptional_circumstance(
    ec: ExceptionalCircumstance,
    *,
    actor=None,
    today: dt.date | None = None,
    add_cases: Iterable[Case] = (),
    **changes,
) -> ExceptionalCircumstance:
    """Record the notices, the return to compliance, a new timescale, or more affected cases."""
    _check_administrator(actor)
    today = _today(today)
    allowed = {"ends_on", "compliance_returns_by", "residents_told_on", "ombudsman_told_on", "published_on", "description"}
    unknown = set(changes) - allowed
    if unknown:
        raise RuleViolation(f"Cannot change {', '.join(sorted(unknown))}.", field=None)
    ec = ExceptionalCircumstance.objects.select_for_update().get(pk=ec.pk)
    for field, value in changes.items():
        setattr(ec, field, value)
    ec.description = _require_text(ec.description, "description", "Describe what happened.", "8.5")
    _check_circumstance_dates(starts_on=ec.starts_on, compliance_returns_by=ec.compliance_returns_by, ends_on=ec.ends_on,
                              residents_told_on=ec.residents_told_on, ombudsman_told_on=ec.ombudsman_told_on, published_on=ec.published_on, today=today)
    ec.save()
    _link_cases(ec, add_cases, actor)
    return ec
