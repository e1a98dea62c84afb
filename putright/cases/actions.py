"""The one path through which every case changes.

Each function (1) locks the case, (2) checks the Code's rules in `putright.rules`, (3) writes the
change and its timeline event in one transaction, and (4) returns the case. A refusal raises
`RuleViolation` naming the Code provision it protects; nothing is half saved. Views, the portal,
imports and commands call these functions and never save case models themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    ActionUpdate,
    Attachment,
    Case,
    CaseEvent,
    CaseTheme,
    Channel,
    Correspondence,
    DecisionPoint,
    Direction,
    Extension,
    OutstandingAction,
    PaymentMethod,
    ReferenceCounter,
    Refusal,
    Remedy,
    RemedyKind,
    ServiceArea,
    Stage,
    Theme,
)
from putright.residents.models import Representative, Resident, Tenure
from putright.rules import deadlines, lifecycle
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation
from putright.rules.exclusions import Refusal as RefusalRule
from putright.rules.exclusions import RefusalReason, check_refusal
from putright.rules.lifecycle import Action, Decision, Kind, State

REFERENCE_PREFIX = getattr(settings, "PUTRIGHT_REFERENCE_PREFIX", "PR")


@dataclass(frozen=True)
class PointDecision:
    """One point of the complaint, the decision on it and the reasons (6.7, 6.9 c–d)."""

    point: str
    decision: Decision | str
    reasons: str


@dataclass(frozen=True)
class NewFile:
    name: str
    content_type: str
    content: bytes


# --- helpers ------------------------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check_actor(actor) -> None:
    """Oversight roles read only: the service path refuses them whatever page or command calls it."""
    if actor is not None and not getattr(actor, "can_change_cases", False):
        raise PermissionDenied("Your role can read cases but not change them.")


def _require_text(value: str | None, field: str, message: str, provision: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, provision=provision, field=field)
    return value


def _check_date(value: dt.date | None, field: str, label: str, *, today: dt.date, not_before=None) -> dt.date:
    """A date that has happened: not missing, not in the future, not before `not_before` (date, label)."""
    if not isinstance(value, dt.date):
        raise RuleViolation(f"Enter the date {label}.", field=field)
    if value > today:
        raise RuleViolation(f"The date {label} cannot be in the future.", field=field)
    if not_before is not None:
        earlier, earlier_label = not_before
        if earlier is not None and value < earlier:
            raise RuleViolation(
                f"The date {label} ({value:%-d %B %Y}) cannot be before {earlier_label} ({earlier:%-d %B %Y}).",
                field=field,
            )
    return value


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _transition(case: Case, action: Action) -> State:
    return lifecycle.next_state(
        case.kind, case.state, action, previous_state=State(case.previous_state) if case.previous_state else None
    )


def _stage(case: Case, number: int | None = None) -> Stage:
    number = number or lifecycle.stage_of(case.state) or 1
    return Stage.objects.get(case=case, number=number)


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def _record(case: Case, event: str, summary: str, *, actor=None, actor_label: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_label=actor_label or ("" if actor else "system"),
        kind=event,
        summary=summary,
        data=_json(data),
    )


def _refresh_queue_fields(case: Case, stage: Stage | None) -> None:
    """Keep the denormalised queue columns in step with the state and the stage's stored dates."""
    state = State(case.state)
    case.is_open = lifecycle.is_open(state)
    field = lifecycle.deadline_field(state)
    case.next_deadline_by = getattr(stage, field) if (field and stage is not None) else None


def _refresh_stage_ends(case: Case) -> None:
    """Stage.ended_on of each of the case's stages, after a response, acknowledgement, refusal,
    withdrawal or reopening changed what it is made of."""
    refusals = dict(
        Refusal.objects.filter(case=case).order_by().values_list("stage_number").annotate(first=Min("refused_on"))
    )
    for stage in Stage.objects.filter(case=case):
        ended_on = Stage.ended_on_for(responded_on=stage.responded_on, withdrawn_on=case.withdrawn_on,
                                      refused_on=refusals.get(stage.number), acknowledged_on=stage.acknowledged_on)
        if stage.ended_on != ended_on:
            Stage.objects.filter(pk=stage.pk).update(ended_on=ended_on)


def _new_stage(case: Case, number: int, requested_on: dt.date, cal: WorkingCalendar, **fields) -> Stage:
    scales = deadlines.timescales(number, requested_on, None, cal)
    return Stage.objects.create(
        case=case,
        number=number,
        requested_on=requested_on,
        acknowledge_by=scales.acknowledge_by.due_on,
        code_respond_by=scales.respond_by.due_on,
        respond_by=scales.respond_by.due_on,
        **fields,
    )


def next_reference(year: int) -> str:
    """PR-2026-000123: sequential per year, never reused. Call inside a transaction."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{REFERENCE_PREFIX}-{year}-{counter.last:06d}"


def _d(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


# --- logging ------------------------------------------------------------------------------------


@transaction.atomic
def log_case(
    *,
    kind: Kind | str,
    received_on: dt.date,
    description: str,
    channel: Channel | str = Channel.OTHER,
    resident: Resident | None = None,
    representative: Representative | None = None,
    service_area: ServiceArea | None = None,
    tenure: str = "",
    themes: Iterable[Theme] = (),
    received_by: str = "",
    handler=None,
    related_to: Case | None = None,
    from_service_request: Case | None = None,
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> Case:
    """Log a complaint, service request or compliment received by any channel (1.2–1.5, 3.1–3.2).

    A complaint starts stage 1 at once: its acknowledge-by and respond-by dates are stored.
    """
    _check_actor(actor)
    today = _today(today)
    try:
        kind = Kind(kind)
    except ValueError:
        raise RuleViolation(f"'{kind}' is not a kind of case: choose complaint, service request or compliment.", field="kind")
    if channel not in Channel.values:
        raise RuleViolation(f"'{channel}' is not a channel PutRight knows.", field="channel")
    if tenure and tenure not in Tenure.values:
        raise RuleViolation("Tenure must be low cost rental (lcra) or low cost home ownership (lcho).", field="tenure")
    description = _require_text(description, "description", "Enter what the resident said, in their own words.")
    _check_date(received_on, "received_on", "it was received", today=today)
    if representative is not None and resident is not None and representative.resident_id != resident.pk:
        raise RuleViolation("That representative acts for a different resident.", field="representative")
    if handler is not None and not getattr(handler, "can_change_cases", False):
        raise RuleViolation("The handler must be a member of staff who can handle cases.", field="handler")

    state = lifecycle.initial_state(kind)
    case = Case(
        reference=next_reference(received_on.year),
        kind=kind,
        state=state,
        channel=channel,
        received_on=received_on,
        received_by=received_by,
        description=description,
        resident=resident,
        representative=representative,
        service_area=service_area,
        tenure=tenure or (resident.tenure if resident else ""),
        handler=handler,
        related_to=related_to,
        from_service_request=from_service_request,
    )
    case.save()
    if themes:
        case.themes.set(themes, through_defaults=CaseTheme.defaults_for(case))
    stage = None
    if kind == Kind.COMPLAINT:
        stage = _new_stage(case, 1, received_on, landlord_calendar(), handler=handler)
    _refresh_queue_fields(case, stage)
    case.save(update_fields=["is_open", "next_deadline_by"])
    summary = f"{kind.value.replace('_', ' ').capitalize()} received by {Channel(channel).label.lower()} on {_d(received_on)}."
    if stage is not None:
        summary += f" Acknowledge by {_d(stage.acknowledge_by)}; respond by {_d(stage.respond_by)} (projected)."
    _record(
        case,
        "logged",
        summary,
        actor=actor,
        actor_label=actor_label,
        kind=kind.value,
        channel=str(channel),
        received_on=received_on,
        description=description,
        acknowledge_by=stage.acknowledge_by if stage else None,
        respond_by=stage.respond_by if stage else None,
    )
    return case


@transaction.atomic
def convert_to_complaint(
    service_request: Case,
    *,
    received_on: dt.date,
    description: str,
    channel: Channel | str = Channel.OTHER,
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> Case:
    """The resident is unhappy with how a service request is handled: raise a complaint, and the
    request carries on (Code 1.5). Returns the new complaint."""
    _check_actor(actor)
    request = _lock(service_request)
    if request.kind != Kind.SERVICE_REQUEST:
        raise RuleViolation("Only a service request can be turned into a complaint.", field="kind")
    _transition(request, Action.CONVERT_TO_COMPLAINT)  # refuses a closed or withdrawn request
    _check_date(received_on, "received_on", "the complaint was received", today=_today(today), not_before=(request.received_on, "the service request was received"))
    complaint = log_case(
        kind=Kind.COMPLAINT,
        received_on=received_on,
        description=description,
        channel=channel,
        resident=request.resident,
        representative=request.representative,
        service_area=request.service_area,
        tenure=request.tenure,
        themes=list(request.themes.all()),
        from_service_request=request,
        actor=actor,
        actor_label=actor_label,
        today=today,
    )
    _record(
        request,
        "complaint_raised",
        f"Complaint {complaint.reference} raised about this request; the request carries on (Code 1.5).",
        actor=actor,
        actor_label=actor_label,
        complaint=complaint.reference,
    )
    return complaint


@transaction.atomic
def add_related_issue(
    case: Case,
    *,
    description: str,
    raised_on: dt.date,
    related: bool = True,
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> Case:
    """A new issue raised during a complaint (Code 6.8).

    Added to the stage 1 complaint when it is related and the stage 1 response has not been
    issued; otherwise (already responded, unrelated, or it would unreasonably delay the response —
    `related=False`) logged as a new complaint linked to this one. Returns the case the issue is on.
    """
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    if case.kind != Kind.COMPLAINT:
        raise RuleViolation("Issues can only be added to a complaint.", field="kind")
    _transition(case, Action.ADD_RELATED_ISSUE)
    description = _require_text(description, "description", "Describe the new issue.")
    _check_date(raised_on, "raised_on", "the issue was raised", today=today, not_before=(case.received_on, "the complaint was received"))
    if related and case.state in (State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED):
        stage = _stage(case, 1)
        addition = f"Added {_d(raised_on)}: {description}"
        stage.definition = f"{stage.definition}\n\n{addition}".strip()
        stage.save(update_fields=["definition"])
        _record(
            case,
            "issue_added",
            f"New issue added to the stage 1 complaint before its response (Code 6.8): {description}",
            actor=actor,
            actor_label=actor_label,
            description=description,
            raised_on=raised_on,
        )
        return case
    new = log_case(
        kind=Kind.COMPLAINT,
        received_on=raised_on,
        description=description,
        channel=case.channel,
        resident=case.resident,
        representative=case.representative,
        service_area=case.service_area,
        tenure=case.tenure,
        related_to=case,
        actor=actor,
        actor_label=actor_label,
        today=today,
    )
    _record(
        case,
        "linked_complaint_logged",
        f"New issue logged as complaint {new.reference} (Code 6.8).",
        actor=actor,
        actor_label=actor_label,
        complaint=new.reference,
    )
    return new


# --- the stages ---------------------------------------------------------------------------------


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
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    new_state = _transition(case, Action.ACKNOWLEDGE)
    number = lifecycle.stage_of(new_state)
    stage = _stage(case, number)
    definition = _require_text(
        definition, "definition", "Set out your understanding of the complaint.", provision="5.6"
    )
    outcomes_sought = _require_text(
        outcomes_sought, "outcomes_sought", "Set out the outcomes the resident wants.", provision="5.6"
    )
    _check_date(acknowledged_on, "acknowledged_on", "it was acknowledged", today=today, not_before=(stage.requested_on, "it was received" if number == 1 else "stage 2 was asked for"))
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
    _refresh_queue_fields(case, stage)
    case.save()
    late = acknowledged_on > stage.acknowledge_by
    _refresh_stage_ends(case)
    _record(
        case,
        "acknowledged",
        f"Stage {number} acknowledged on {_d(acknowledged_on)}"
        + (f", late: due by {_d(stage.acknowledge_by)}" if late else "")
        + f". Respond by {_d(stage.respond_by)}.",
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
    _check_actor(actor)
    case = _lock(case)
    _transition(case, Action.ALLOCATE)
    if handler is None or not getattr(handler, "can_change_cases", False):
        raise RuleViolation("Choose a member of staff who can handle cases.", field="handler")
    number = lifecycle.stage_of(State(case.state))
    if number is not None:
        stage = _stage(case, number)
        if number == 2:
            _check_independent(case, handler)
        if stage.responded_on is None:  # who handled an answered stage is history (6.13)
            stage.handler = handler
            stage.save(update_fields=["handler"])
    previous = case.handler
    case.handler = handler
    case.save(update_fields=["handler", "updated_at"])
    _record(
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
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    _transition(case, Action.EXTEND)
    number = lifecycle.stage_of(State(case.state))
    stage = _stage(case, number)
    limits = deadlines.stage_limits(number)
    reason = _require_text(
        reason, "reason", "Enter the reason for the extension, as explained to the resident.", provision=limits.extension_provision
    )
    notice = "6.5" if number == 1 else "6.16"
    _check_date(resident_told_on, "resident_told_on", "the resident was told", today=today, not_before=(stage.requested_on, "the stage began"))
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
            f"The new response date must be after the current one ({_d(stage.respond_by)}).", field="new_respond_by"
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
    _refresh_queue_fields(case, stage)
    case.save(update_fields=["is_open", "next_deadline_by", "updated_at"])
    _record(
        case,
        "extended",
        f"Stage {number} response date extended from {_d(previous)} to {_d(new_respond_by)}: {reason}"
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
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    new_state = _transition(case, Action.RESPOND)
    number = lifecycle.stage_of(new_state)
    stage = _stage(case, number)
    _check_date(responded_on, "responded_on", "the response was sent", today=today, not_before=(stage.acknowledged_on, "it was acknowledged"))
    provision = "6.9" if number == 1 else "6.19"
    cleaned: list[PointDecision] = []
    for i, p in enumerate(points, start=1):
        point = _require_text(p.point, "points", f"Point {i}: say what the point of complaint is.", provision="6.7")
        try:
            decision = Decision(p.decision)
        except ValueError:
            raise RuleViolation(f"Point {i}: choose upheld, partly upheld or not upheld.", provision=provision, field="points")
        reasons = _require_text(p.reasons, "points", f"Point {i}: give the reasons for the decision.", provision=provision)
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
    _refresh_queue_fields(case, stage)
    case.save(update_fields=["state", "is_open", "next_deadline_by", "updated_at"])
    late = responded_on > stage.respond_by
    _refresh_stage_ends(case)
    _record(
        case,
        "responded",
        f"Stage {number} response sent on {_d(responded_on)}: {overall.value.replace('_', ' ')}"
        + (f"; late: due by {_d(stage.respond_by)}." if late else "."),
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
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    new_state = _transition(case, Action.REQUEST_STAGE2)
    stage1 = _stage(case, 1)
    _check_date(requested_on, "requested_on", "stage 2 was asked for", today=today, not_before=(stage1.responded_on, "the stage 1 response"))
    stage2 = _new_stage(case, 2, requested_on, landlord_calendar(), escalation_reason=(reason or "").strip())
    case.state = new_state
    case.handler = None  # stage 2 needs someone new (6.13)
    _refresh_queue_fields(case, stage2)
    case.save(update_fields=["state", "handler", "is_open", "next_deadline_by", "updated_at"])
    _record(
        case,
        "stage2_requested",
        f"Stage 2 asked for on {_d(requested_on)}. Acknowledge by {_d(stage2.acknowledge_by)}.",
        actor=actor,
        actor_label=actor_label,
        requested_on=requested_on,
        reason=stage2.escalation_reason,
        acknowledge_by=stage2.acknowledge_by,
        respond_by=stage2.respond_by,
    )
    return case


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
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    new_state = _transition(case, Action.REFUSE)
    number = lifecycle.stage_of(State(case.state))
    stage = _stage(case, number)
    try:
        reason = RefusalReason(reason)
    except ValueError:
        raise RuleViolation("Choose one of the reasons the Code allows for refusing.", provision="2.2", field="reason")
    _check_date(refused_on, "refused_on", "of the refusal", today=today, not_before=(stage.requested_on, "it was received"))
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
    _refresh_queue_fields(case, stage)
    case.save(update_fields=["state", "previous_state", "is_open", "next_deadline_by", "updated_at"])
    what = "Complaint not accepted" if number == 1 else "Escalation to stage 2 refused"
    _refresh_stage_ends(case)
    _record(
        case,
        "refused",
        f"{what} on {_d(refused_on)}: {reason.value.replace('_', ' ')}. {rule.explanation.strip()}",
        actor=actor,
        stage=number,
        refused_on=refused_on,
        reason=reason.value,
        explanation=rule.explanation.strip(),
        ombudsman_rights_given=True,
    )
    return case


@transaction.atomic
def withdraw(case: Case, *, withdrawn_on: dt.date, reason: str = "", actor=None, actor_label: str = "", today: dt.date | None = None) -> Case:
    """The resident withdraws the complaint (or request)."""
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    new_state = _transition(case, Action.WITHDRAW)
    _check_date(withdrawn_on, "withdrawn_on", "it was withdrawn", today=today, not_before=(case.received_on, "it was received"))
    case.previous_state = case.state
    case.state = new_state
    case.withdrawn_on = withdrawn_on
    case.withdrawal_reason = (reason or "").strip()
    _refresh_queue_fields(case, None)
    case.save()
    _refresh_stage_ends(case)
    _record(case, "withdrawn", f"Withdrawn on {_d(withdrawn_on)}." + (f" {case.withdrawal_reason}" if case.withdrawal_reason else ""), actor=actor, actor_label=actor_label, withdrawn_on=withdrawn_on, reason=case.withdrawal_reason)
    return case


@transaction.atomic
def close(case: Case, *, closed_on: dt.date, actor=None, today: dt.date | None = None) -> Case:
    """Close the case: after a response the resident did not escalate, after the final response,
    or when a service request or compliment is dealt with. Outstanding actions stay tracked."""
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    new_state = _transition(case, Action.CLOSE)
    last = case.current_stage if case.kind == Kind.COMPLAINT else None
    _check_date(closed_on, "closed_on", "it was closed", today=today, not_before=((last.responded_on if last else case.received_on), "the response" if last else "it was received"))
    case.previous_state = case.state
    case.state = new_state
    case.closed_on = closed_on
    _refresh_queue_fields(case, None)
    case.save()
    open_actions = case.actions.filter(completed_on__isnull=True).count()
    _record(
        case,
        "closed",
        f"Closed on {_d(closed_on)}." + (f" {open_actions} outstanding action(s) still tracked." if open_actions else ""),
        actor=actor,
        closed_on=closed_on,
        outstanding_actions=open_actions,
    )
    return case


@transaction.atomic
def reopen(case: Case, *, reason: str, actor=None, actor_label: str = "") -> Case:
    """Reopen a closed, withdrawn or refused case, back to where it was."""
    _check_actor(actor)
    case = _lock(case)
    new_state = _transition(case, Action.REOPEN)
    reason = _require_text(reason, "reason", "Say why the case is being reopened.")
    was = case.state
    case.state = new_state
    case.previous_state = ""
    case.closed_on = None
    case.withdrawn_on = None
    number = lifecycle.stage_of(new_state)
    stage = _stage(case, number) if number else None
    _refresh_queue_fields(case, stage)
    case.save()
    _refresh_stage_ends(case)
    _record(case, "reopened", f"Reopened ({was.replace('_', ' ')} until now): {reason}", actor=actor, actor_label=actor_label, reason=reason, was=was, now=new_state.value)
    return case


# --- putting things right -----------------------------------------------------------------------


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
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    if case.kind != Kind.COMPLAINT:
        raise RuleViolation("Remedies are offered on complaints.", field="kind")
    if kind not in RemedyKind.values:
        raise RuleViolation("Choose one of the kinds of remedy in the Code.", provision="7.1", field="kind")
    description = _require_text(description, "description", "Say what will happen.", provision="7.3")
    if kind == RemedyKind.FINANCIAL:
        if amount is None or Decimal(amount) <= 0:
            raise RuleViolation("Enter the amount of the financial remedy, in pounds.", provision="7.1", field="amount")
        if payment_method not in PaymentMethod.values:
            raise RuleViolation("Say how it will be paid: payment, voucher or rent credit.", field="payment_method")
        amount = Decimal(amount).quantize(Decimal("0.01"))
    elif amount is not None:
        raise RuleViolation("Only a financial remedy has an amount.", field="amount")
    if completed_on is not None:
        _check_date(completed_on, "completed_on", "it was done", today=today, not_before=(case.received_on, "the complaint was received"))
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
    _record(
        case,
        "remedy_added",
        f"Remedy: {label}{money}: {description}" + (f" By {_d(due_by)}." if due_by and not completed_on else " Done."),
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
    _check_actor(actor)
    today = _today(today)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.completed_on is not None:
        raise RuleViolation(f"This remedy was already completed on {_d(remedy.completed_on)}.", field="completed_on")
    _check_date(completed_on, "completed_on", "it was done", today=today, not_before=(remedy.case.received_on, "the complaint was received"))
    remedy.completed_on = completed_on
    remedy.save(update_fields=["completed_on"])
    late = remedy.due_by is not None and completed_on > remedy.due_by
    _record(remedy.case, "remedy_completed", f"Remedy completed on {_d(completed_on)}" + (f", late: due by {_d(remedy.due_by)}." if late else "."), actor=actor, remedy=remedy.pk, completed_on=completed_on, late=late)
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
    _check_actor(actor)
    case = _lock(case)
    description = _require_text(description, "description", "Say what needs to be done.", provision="6.6")
    if not isinstance(due_by, dt.date):
        raise RuleViolation("Say by when it will be done.", provision="6.6", field="due_by")
    if due_by < case.received_on:
        raise RuleViolation("The due date cannot be before the case was received.", field="due_by")
    if owner is None and not owner_name.strip():
        raise RuleViolation("Say who owns this action: a member of staff, a team or a contractor.", field="owner")
    action = OutstandingAction.objects.create(case=case, description=description, due_by=due_by, owner=owner, owner_name=owner_name.strip())
    who = owner.display_name if owner else owner_name.strip()
    _record(case, "action_added", f"Action for {who}, due by {_d(due_by)}: {description}", actor=actor, action=action.pk, due_by=due_by, owner=who)
    return action


@transaction.atomic
def update_action(action: OutstandingAction, *, given_on: dt.date, note: str, actor=None, today: dt.date | None = None) -> ActionUpdate:
    """Record an update given to the resident on an outstanding action (6.6, 6.17)."""
    _check_actor(actor)
    today = _today(today)
    action = OutstandingAction.objects.select_for_update().get(pk=action.pk)
    note = _require_text(note, "note", "Say what the resident was told.")
    _check_date(given_on, "given_on", "of the update", today=today, not_before=(action.case.received_on, "the case was received"))
    update = ActionUpdate.objects.create(action=action, given_on=given_on, note=note)
    _record(action.case, "action_updated", f"Update on action due {_d(action.due_by)}: {note}", actor=actor, action=action.pk, given_on=given_on, note=note)
    return update


@transaction.atomic
def complete_action(action: OutstandingAction, *, completed_on: dt.date, note: str = "", actor=None, today: dt.date | None = None) -> OutstandingAction:
    _check_actor(actor)
    today = _today(today)
    action = OutstandingAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_on is not None:
        raise RuleViolation(f"This action was already completed on {_d(action.completed_on)}.", field="completed_on")
    _check_date(completed_on, "completed_on", "it was done", today=today, not_before=(action.case.received_on, "the case was received"))
    action.completed_on = completed_on
    action.save(update_fields=["completed_on"])
    late = completed_on > action.due_by
    _record(action.case, "action_completed", f"Action completed on {_d(completed_on)}" + (f", late: due by {_d(action.due_by)}" if late else "") + (f". {note.strip()}" if note.strip() else "."), actor=actor, action=action.pk, completed_on=completed_on, late=late, note=note.strip())
    return action


# --- correspondence -----------------------------------------------------------------------------

ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/heic",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "message/rfc822",
    "audio/mpeg",
    "video/mp4",
}


@transaction.atomic
def add_correspondence(
    case: Case,
    *,
    direction: Direction | str,
    occurred_on: dt.date,
    body: str = "",
    subject: str = "",
    method: str = "",
    correspondent: str = "",
    internal: bool = False,
    files: Sequence[NewFile] = (),
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> Correspondence:
    """Keep a letter, email, call or note on the record, with attachments (5.12)."""
    _check_actor(actor)
    today = _today(today)
    case = _lock(case)
    if direction not in Direction.values:
        raise RuleViolation("Say whether it was received, sent, or is an internal note.", field="direction")
    _check_date(occurred_on, "occurred_on", "of the correspondence", today=today)
    if not (body or "").strip() and not files:
        raise RuleViolation("Enter the text, or attach a file.", field="body")
    limit = settings.PUTRIGHT_MAX_ATTACHMENT_BYTES
    for f in files:
        if f.content_type not in ALLOWED_ATTACHMENT_TYPES:
            raise RuleViolation(f"{f.name}: files of type {f.content_type} cannot be attached.", field="files")
        if len(f.content) > limit:
            raise RuleViolation(f"{f.name} is larger than {limit // (1024 * 1024)} MB.", field="files")
        if not f.content:
            raise RuleViolation(f"{f.name} is empty.", field="files")
    item = Correspondence.objects.create(
        case=case,
        direction=direction,
        method=method,
        occurred_on=occurred_on,
        correspondent=correspondent.strip(),
        subject=subject.strip(),
        body=(body or "").strip(),
        internal=internal or direction == Direction.NOTE,
        created_by=actor,
    )
    saved = []
    for f in files:
        digest = hashlib.sha256(f.content).hexdigest()
        attachment = Attachment(correspondence=item, name=f.name, content_type=f.content_type, size=len(f.content), sha256=digest)
        attachment.file.save(f.name, ContentFile(f.content), save=False)
        attachment.save()
        saved.append({"name": f.name, "size": len(f.content), "sha256": digest})
    label = Direction(direction).label
    _record(
        case,
        "correspondence",
        f"{label}{' from' if direction == Direction.IN else ' to' if direction == Direction.OUT else ''}"
        f"{(' ' + item.correspondent) if item.correspondent else ''} on {_d(occurred_on)}: {item.subject or item.body[:80]}",
        actor=actor,
        actor_label=actor_label,
        correspondence=item.pk,
        internal=item.internal,
        attachments=saved,
    )
    return item


# --- the calendar changed ---------------------------------------------------------------------


def recompute_deadlines(*, today: dt.date | None = None) -> int:
    """Recompute the stored deadlines of every open complaint after the calendar changed
    (a new bank holiday, a closure day added or removed). Agreed extensions keep their dates.
    Returns the number of stages whose dates changed; each change is on the case's timeline."""
    cal = landlord_calendar()
    changed = 0
    open_stages = (
        Stage.objects.filter(case__is_open=True, responded_on__isnull=True)
        .select_related("case")
        .prefetch_related("extensions")
        .order_by("id")
    )
    for stage in open_stages.iterator(chunk_size=2000):
        scales = deadlines.timescales(stage.number, stage.requested_on, stage.acknowledged_on, cal)
        code = scales.respond_by.due_on
        extensions = sorted(stage.extensions.all(), key=lambda e: e.id)
        respond_by = max(code, extensions[-1].new_respond_by) if extensions else code
        new = (scales.acknowledge_by.due_on, code, respond_by)
        old = (stage.acknowledge_by, stage.code_respond_by, stage.respond_by)
        if new == old:
            continue
        with transaction.atomic():
            case = _lock(stage.case)
            stage.acknowledge_by, stage.code_respond_by, stage.respond_by = new
            stage.save(update_fields=["acknowledge_by", "code_respond_by", "respond_by"])
            _refresh_queue_fields(case, stage)
            case.save(update_fields=["next_deadline_by", "updated_at"])
            _record(
                case,
                "deadlines_recomputed",
                f"Stage {stage.number} dates recomputed after a calendar change: acknowledge by "
                f"{_d(new[0])} (was {_d(old[0])}), respond by {_d(new[2])} (was {_d(old[2])}).",
                actor_label="recompute_deadlines",
                stage=stage.number,
                old=list(old),
                new=list(new),
            )
        changed += 1
    return changed


# --- importing history ------------------------------------------------------------------------


def import_history(
    source,
    *,
    name: str = "",
    skip_invalid: bool = False,
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
    batch_size: int = 5000,
):
    """Bring in cases from another system's history: a CSV file in the interchange format
    (``putright.cases.interchange``; documented in docs/interchange.md). ``source`` is a path or
    a binary file object. Returns an ``interchange.ImportReport``.

    Every row is read and checked first, in pure Python, against the Code's rules; nothing is
    written if any row has a problem, unless ``skip_invalid``, when the good rows are written and
    the problems still reported. Late and over-long steps are history: kept and flagged, not
    refused. A reference already in the database is left exactly as it is and counted.

    The writing is one transaction for the whole file, in batches of ``batch_size`` rows: each
    case, its stages, extension, refusal, remedy, themes and its one "imported" timeline event go
    in together or not at all. Rows are inserted with ``executemany`` (see ``_insert_many``)
    rather than ``bulk_create``, whose per-object cost made 100,000 rows take over a minute.
    """
    import re
    import time
    from types import SimpleNamespace

    from putright.cases import interchange

    started = time.perf_counter()
    _check_actor(actor)
    today = _today(today)
    report = interchange.ImportReport(source=name or interchange.source_name(source))
    cal = landlord_calendar()  # once per import, not per row
    result = interchange.read_history(source, cal=cal, today=today)
    report.rows_read = result.rows_read
    report.invalid_rows = result.invalid_rows
    report.problems = result.problems
    report.unreadable = result.unreadable
    if result.unreadable or (result.problems and not skip_invalid):
        report.seconds = time.perf_counter() - started
        return report

    label = actor_label or ("" if actor else "import")
    actor_id = actor.pk if actor is not None else None
    now = timezone.now()
    reference_pattern = re.compile(rf"{re.escape(REFERENCE_PREFIX)}-(\d{{4}})-(\d{{1,9}})")
    numbered: dict[int, int] = {}  # year -> highest PutRight-style reference number imported
    rows = result.rows
    with transaction.atomic():
        areas = {n.casefold(): pk for pk, n in ServiceArea.objects.values_list("pk", "name")}
        themes = {n.casefold(): pk for pk, n in Theme.objects.values_list("pk", "name")}
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            present = set(Case.objects.filter(reference__in=[r.reference for r in batch]).values_list("reference", flat=True))
            if present:
                report.already_present += len(present)
                batch = [r for r in batch if r.reference not in present]
            if not batch:
                continue

            # Reference data named in the file and not known yet (names are matched ignoring case).
            # The first spelling met is the one kept.
            new_areas: dict[str, str] = {}
            new_themes: dict[str, str] = {}
            for r in batch:
                if r.service_area and r.service_area.casefold() not in areas:
                    new_areas.setdefault(r.service_area.casefold(), r.service_area)
                for t in r.themes:
                    if t.casefold() not in themes:
                        new_themes.setdefault(t.casefold(), t)
            for made in ServiceArea.objects.bulk_create(ServiceArea(name=n) for n in new_areas.values()):
                areas[made.name.casefold()] = made.pk
            for made in Theme.objects.bulk_create(Theme(name=n) for n in new_themes.values()):
                themes[made.name.casefold()] = made.pk
            report.service_areas_created += len(new_areas)
            report.themes_created += len(new_themes)

            # The cases, with their queue columns worked out as every action does.
            case_rows = []
            for r in batch:
                last = r.stages[-1] if r.stages else None
                case = SimpleNamespace(state=r.state)  # all _refresh_queue_fields reads and sets
                _refresh_queue_fields(case, last)
                case_rows.append(
                    {
                        "reference": r.reference,
                        "kind": r.kind,
                        "state": r.state,
                        "previous_state": r.previous_state,
                        "is_open": case.is_open,
                        "next_deadline_by": case.next_deadline_by,
                        "channel": r.channel,
                        "received_on": r.received_on,
                        "description": r.description,
                        "service_area_id": areas[r.service_area.casefold()] if r.service_area else None,
                        "tenure": r.tenure,
                        "withdrawn_on": r.withdrawn_on,
                        "imported": True,
                    }
                )
                match = reference_pattern.fullmatch(r.reference)
                if match:
                    numbered[int(match[1])] = max(numbered.get(int(match[1]), 0), int(match[2]))
            _insert_many(Case, case_rows, now)
            case_ids = dict(Case.objects.filter(reference__in=[r.reference for r in batch]).values_list("reference", "pk"))

            _insert_many(
                Stage,
                [
                    {
                        "case_id": case_ids[r.reference],
                        "number": s.number,
                        "requested_on": s.requested_on,
                        "acknowledged_on": s.acknowledged_on,
                        "acknowledge_by": s.acknowledge_by,
                        "code_respond_by": s.code_respond_by,
                        "respond_by": s.respond_by,
                        "responded_on": s.responded_on,
                        "decision": s.decision,
                        "ended_on": Stage.ended_on_for(
                            responded_on=s.responded_on, withdrawn_on=r.withdrawn_on, acknowledged_on=s.acknowledged_on,
                            refused_on=r.refused_on if s is r.stages[-1] else None,  # a refusal is of the last stage
                        ),
                    }
                    for r in batch
                    for s in r.stages
                ],
                now,
            )
            extended = [(r, s) for r in batch for s in r.stages if s.extended_to is not None]
            stage_ids = {}
            if extended:
                stage_ids = {
                    (case_id, number): pk
                    for case_id, number, pk in Stage.objects.filter(
                        case_id__in=[case_ids[r.reference] for r, _ in extended]
                    ).values_list("case_id", "number", "pk")
                }
            _insert_many(
                Extension,
                [
                    {
                        "stage_id": stage_ids[(case_ids[r.reference], s.number)],
                        "previous_respond_by": s.code_respond_by,
                        "new_respond_by": s.extended_to,
                        "reason": interchange.EXTENSION_REASON,
                        "beyond_code_limit": s.beyond_code_limit,
                        "ombudsman_details_given": False,
                    }
                    for r, s in extended
                ],
                now,
            )
            _insert_many(
                Refusal,
                [
                    {
                        "case_id": case_ids[r.reference],
                        "stage_number": r.stages[-1].number,
                        "refused_on": r.refused_on,
                        "reason": r.refusal_reason,
                        "explanation": interchange.refusal_explanation(r.refusal_reason),
                        "ombudsman_rights_given": False,  # not known: recorded as history
                    }
                    for r in batch
                    if r.refused_on is not None
                ],
                now,
            )
            _insert_many(
                Remedy,
                [
                    {
                        "case_id": case_ids[r.reference],
                        "stage_number": r.last_response_stage,
                        "kind": RemedyKind.FINANCIAL.value,
                        "description": "Compensation (imported)",
                        "amount": r.compensation,
                        "payment_method": PaymentMethod.MONEY.value,
                        "completed_on": r.last_response_on or r.received_on,
                        "offered_on": r.last_response_on or timezone.localdate(now),
                    }
                    for r in batch
                    if r.compensation is not None
                ],
                now,
            )
            _insert_many(
                Case.themes.through,
                [{"case_id": case_ids[r.reference], "theme_id": themes[t.casefold()], "kind": r.kind, "received_on": r.received_on}
                 for r in batch for t in r.themes],
                now,
            )
            events = []
            for r in batch:
                summary = f"Imported from earlier records (file {report.source}, line {r.line})."
                if r.flags:
                    summary += " Flagged: " + "; ".join(map(interchange.flag_label, r.flags)) + "."
                events.append(
                    {
                        "case_id": case_ids[r.reference],
                        "at": now,
                        "actor_id": actor_id,
                        "actor_label": label,
                        "kind": "imported",
                        "summary": summary,
                        "data": {
                            "file": report.source,
                            "line": r.line,
                            "row": r.values,
                            "flags": r.flags,
                            "state": r.state,
                            "stages": [
                                {
                                    "number": s.number,
                                    "acknowledge_by": s.acknowledge_by.isoformat(),
                                    "code_respond_by": s.code_respond_by.isoformat(),
                                    "respond_by": s.respond_by.isoformat(),
                                }
                                for s in r.stages
                            ],
                        },
                    }
                )
                report.imported[r.kind] += 1
                for flag in r.flags:
                    report.flags[flag.split("_", 1)[1]] += 1
            _insert_many(CaseEvent, events, now)

        # References in PutRight's own form (PR-2024-000123) must never be issued again.
        for year, highest in sorted(numbered.items()):
            counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
            if counter.last < highest:
                counter.last = highest
                counter.save(update_fields=["last"])
    report.written = True
    report.seconds = time.perf_counter() - started
    return report


def _insert_many(model, rows: list[dict], now: dt.datetime) -> None:
    """INSERT ``rows`` (dicts of attname -> Python value, all with the same keys) in one
    ``executemany``. Every other column gets its field's default, and auto_now/auto_now_add
    columns get ``now``, so a column added to the model later with a default still works. Values
    are adapted for the database by the fields' own preparation, as bulk_create would do."""
    from itertools import repeat

    from django.db import connections, router
    from django.db import models as m

    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    given = rows[0].keys()
    names, columns = [], []  # built a column at a time: far quicker than value by value
    for f in model._meta.local_concrete_fields:
        if f is model._meta.pk:
            continue
        names.append(connection.ops.quote_name(f.column))
        key = f.attname
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append(repeat(f.get_db_prep_save(now, connection)))
        elif key not in given:
            columns.append(repeat(f.get_db_prep_save(f.get_default(), connection)))
        elif isinstance(f, (m.CharField, m.TextField, m.BooleanField, m.IntegerField, m.ForeignKey)):
            columns.append([row[key] for row in rows])
        elif isinstance(f, m.DateField) and not isinstance(f, m.DateTimeField):
            adapt = connection.ops.adapt_datefield_value
            columns.append([adapt(row[key]) for row in rows])
        else:
            prepared: dict = {}  # the same datetime or amount often repeats: prepare it once
            values = []
            for row in rows:
                value = row[key]
                try:
                    values.append(prepared[value])
                except (KeyError, TypeError):  # TypeError: unhashable, such as a dict for JSON
                    values.append(f.get_db_prep_save(value, connection))
                    try:
                        prepared[value] = values[-1]
                    except TypeError:
                        pass
            columns.append(values)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(model._meta.db_table), ", ".join(names), ", ".join(["%s"] * len(names))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(zip(*columns)))
