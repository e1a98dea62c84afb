"""Logging a case: a complaint, service request or compliment received (1.2–1.5, 3.1–3.2),
a service request turned into a complaint (1.5) and a new issue raised during a complaint (6.8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    format_date,
    get_stage,
    lock,
    new_stage,
    next_reference,
    record,
    refresh_queue_fields,
    require_text,
    resolve_today,
    transition,
)
from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    Case,
    CaseTheme,
    Channel,
    ServiceArea,
    Theme,
)
from putright.residents.models import Representative, Resident, Tenure
from putright.rules import lifecycle
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Action, Kind, State
from putright.triage.stored import columns_for as triage_columns


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
    check_actor(actor)
    today = resolve_today(today)
    try:
        kind = Kind(kind)
    except ValueError:
        raise RuleViolation(f"'{kind}' is not a kind of case: choose complaint, service request or compliment.", field="kind")
    if channel not in Channel.values:
        raise RuleViolation(f"'{channel}' is not a channel PutRight knows.", field="channel")
    if tenure and tenure not in Tenure.values:
        raise RuleViolation("Tenure must be low cost rental (lcra) or low cost home ownership (lcho).", field="tenure")
    description = require_text(description, "description", "Enter what the resident said, in their own words.")
    check_date(received_on, "received_on", "it was received", today=today)
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
        **triage_columns(kind, description),  # read once here, not on every queue page
    )
    case.save()
    if themes:
        case.themes.set(themes, through_defaults=CaseTheme.defaults_for(case))
    stage = None
    if kind == Kind.COMPLAINT:
        stage = new_stage(case, 1, received_on, landlord_calendar(), handler=handler)
    refresh_queue_fields(case, stage)
    case.save(update_fields=["is_open", "next_deadline_by"])
    summary = f"{kind.value.replace('_', ' ').capitalize()} received by {Channel(channel).label.lower()} on {format_date(received_on)}."
    if stage is not None:
        summary += f" Acknowledge by {format_date(stage.acknowledge_by)}; respond by {format_date(stage.respond_by)} (projected)."
    record(
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
    check_actor(actor)
    request = lock(service_request)
    if request.kind != Kind.SERVICE_REQUEST:
        raise RuleViolation("Only a service request can be turned into a complaint.", field="kind")
    transition(request, Action.CONVERT_TO_COMPLAINT)  # refuses a closed or withdrawn request
    check_date(received_on, "received_on", "the complaint was received", today=resolve_today(today), not_before=(request.received_on, "the service request was received"))
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
    record(
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
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    if case.kind != Kind.COMPLAINT:
        raise RuleViolation("Issues can only be added to a complaint.", field="kind")
    transition(case, Action.ADD_RELATED_ISSUE)
    description = require_text(description, "description", "Describe the new issue.")
    check_date(raised_on, "raised_on", "the issue was raised", today=today, not_before=(case.received_on, "the complaint was received"))
    if related and case.state in (State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED):
        stage = get_stage(case, 1)
        addition = f"Added {format_date(raised_on)}: {description}"
        stage.definition = f"{stage.definition}\n\n{addition}".strip()
        stage.save(update_fields=["definition"])
        record(
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
    record(
        case,
        "linked_complaint_logged",
        f"New issue logged as complaint {new.reference} (Code 6.8).",
        actor=actor,
        actor_label=actor_label,
        complaint=new.reference,
    )
    return new
