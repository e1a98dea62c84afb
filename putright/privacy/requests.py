"""Residents' data protection requests: recorded, given their deadline, extended, decided.

The deadline (UK GDPR article 12(3), as the ICO counts it): from the day the request is received
to the same date next month (the month's last day if it has no such date), moved to the next
working day if that is not one; an extension for a complex request adds two further months.
An erasure request is decided by a complaints manager: carried out by anonymisation, or refused
with a reason. PutRight refuses to carry it out while a case of theirs is open, held or under an
open Ombudsman case; inside the retention period it is the manager's decision (the period exists
for legal claims and the Ombudsman's reviews, which can be a reason to refuse: article 17(3)(e)).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.residents.models import Resident, ResidentEvent
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation

from .models import DataRequest, RequestKind, RequestOutcome, Why

CONTACT_FIELDS = ("name", "email", "phone", "address", "postcode", "tenancy_reference", "language", "contact_notes")


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def answer_by(received_on: dt.date, months: int, cal: WorkingCalendar) -> dt.date:
    day = add_months(received_on, months)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _check_staff(actor) -> None:
    if not getattr(actor, "can_change_cases", False):
        raise PermissionDenied("Only complaints staff can record or answer a data protection request.")


def _check_manager(actor) -> None:
    if not getattr(actor, "can_manage_cases", False):
        raise PermissionDenied("Only a complaints manager or an administrator can decide this request.")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _open(request: DataRequest) -> DataRequest:
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if request.completed_on is not None:
        raise RuleViolation(f"This request was completed on {request.completed_on:%-d %B %Y}.")
    return request


@transaction.atomic
def record_request(resident: Resident, *, kind: str, received_on: dt.date, details: str = "", actor, today: dt.date | None = None) -> DataRequest:
    _check_staff(actor)
    if kind not in RequestKind.values:
        raise RuleViolation("Choose what the resident asked for.", field="kind")
    if received_on > _today(today):
        raise RuleViolation("The date received cannot be in the future.", field="received_on")
    if kind == RequestKind.RECTIFICATION and not details.strip():
        raise RuleViolation("Say which details the resident says are wrong.", field="details")
    due = answer_by(received_on, 1, landlord_calendar())
    return DataRequest.objects.create(
        kind=kind, resident=resident, received_on=received_on, details=details.strip(), due_by=due, recorded_by=actor
    )


@transaction.atomic
def extend_request(request: DataRequest, *, reason: str, actor) -> DataRequest:
    """Two further months for a complex request (article 12(3)): once, with the reason the resident is given."""
    _check_manager(actor)
    request = _open(request)
    if request.extended_to:
        raise RuleViolation("It has already been extended: the law allows two further months, once.")
    if not reason.strip():
        raise RuleViolation("Say why the request is complex: the resident must be told within the first month.", field="reason")
    request.extended_to = answer_by(request.received_on, 3, landlord_calendar())
    request.extension_reason = reason.strip()
    request.save(update_fields=["extended_to", "extension_reason"])
    return request


def _finish(request: DataRequest, outcome: str, reason: str, actor, today: dt.date | None) -> DataRequest:
    request.outcome = outcome
    request.outcome_reason = reason.strip()
    request.completed_on = _today(today)
    request.decided_by = actor
    request.save(update_fields=["outcome", "outcome_reason", "completed_on", "decided_by"])
    return request


@transaction.atomic
def complete_access(request: DataRequest, *, actor, note: str = "", today: dt.date | None = None) -> DataRequest:
    """The bundle was sent (`putright subject-access` or the staff page produce it)."""
    _check_staff(actor)
    request = _open(request)
    if request.kind != RequestKind.ACCESS:
        raise RuleViolation("This is not a subject access request.")
    return _finish(request, RequestOutcome.DONE, note or "Bundle sent.", actor, today)


@transaction.atomic
def refuse(request: DataRequest, *, reason: str, actor, today: dt.date | None = None) -> DataRequest:
    _check_manager(actor)
    request = _open(request)
    if not reason.strip():
        raise RuleViolation("Give the reason for refusing: the resident is told it, and how to complain to the ICO.", field="reason")
    return _finish(request, RequestOutcome.REFUSED, reason, actor, today)


@transaction.atomic
def rectify(request: DataRequest, *, changes: dict[str, str], actor, today: dt.date | None = None) -> DataRequest:
    """Correct the resident's contact details. The old values are not kept: the resident's record
    notes which fields were corrected, and when. Letters and correspondence already sent stay as
    they were sent (the record of what the landlord said, Code 5.12)."""
    _check_manager(actor)
    request = _open(request)
    if request.kind != RequestKind.RECTIFICATION:
        raise RuleViolation("This is not a rectification request.")
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise RuleViolation(f"These are not details that can be corrected here: {', '.join(sorted(unknown))}.")
    resident = Resident.objects.select_for_update().get(pk=request.resident_id)
    changed = sorted(f for f, v in changes.items() if getattr(resident, f) != v.strip())
    if not changed:
        raise RuleViolation("Nothing would change: give the corrected details.")
    if "name" in changed and not changes["name"].strip():
        raise RuleViolation("The name cannot be blank.", field="name")
    Resident.objects.filter(pk=resident.pk).update(**{f: changes[f].strip() for f in changed})
    ResidentEvent.objects.create(
        resident=resident, at=timezone.now(), actor=actor, kind="details_corrected",
        summary=f"Details corrected at the resident's request: {', '.join(f.replace('_', ' ') for f in changed)}.",
        data={"fields": changed, "request": request.pk},
    )
    return _finish(request, RequestOutcome.DONE, f"Corrected: {', '.join(changed)}.", actor, today)


def erasure_blockers(resident: Resident, today: dt.date) -> list[str]:
    """Why the resident's cases must be kept (empty: erasure can be carried out)."""
    from .models import AnonymisedCase
    from .retention import holds_on

    reasons = []
    for case in resident.cases.exclude(pk__in=AnonymisedCase.objects.values("case_id")):
        if case.is_open:
            reasons.append(f"{case.reference} is still open")
        else:
            reasons += [f"{case.reference}: {why}" for why in holds_on(case)]
    return reasons


@transaction.atomic
def erase(request: DataRequest, *, actor, today: dt.date | None = None) -> DataRequest:
    """Carry out an erasure request by anonymising every case of the resident, then the resident."""
    from .anonymise import anonymise_case, anonymise_resident, resident_is_done
    from .models import AnonymisedCase, AnonymisedResident

    _check_manager(actor)
    request = _open(request)
    if request.kind != RequestKind.ERASURE:
        raise RuleViolation("This is not an erasure request.")
    resident = request.resident
    blockers = erasure_blockers(resident, _today(today))
    if blockers:
        raise RuleViolation("Cannot erase now: " + "; ".join(blockers) + ". Refuse with a reason, or wait.")
    for case in resident.cases.exclude(pk__in=AnonymisedCase.objects.values("case_id")):
        anonymise_case(case, why=Why.ERASURE, actor=actor)
    if not AnonymisedResident.objects.filter(resident=resident).exists() and resident_is_done(resident):
        anonymise_resident(resident, why=Why.ERASURE, actor=actor)
    request = DataRequest.objects.get(pk=request.pk)
    return _finish(request, RequestOutcome.DONE, "Anonymised: every case and the resident's record.", actor, today)
