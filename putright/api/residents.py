"""Residents and homes by the housing system's keys: tenancy reference and UPRN."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router

from putright.api import reading
from putright.api import schemas as s
from putright.api.app import responses
from putright.housing import actions
from putright.housing.models import Home, ResidentHome
from putright.residents.models import Resident

router = Router(tags=["residents and homes"])


def _read(request) -> None:
    if not request.auth.user.can_read_cases:
        raise PermissionDenied("Your key's role cannot see residents.")


def _resident_out(resident: Resident) -> dict:
    link = ResidentHome.objects.filter(resident=resident).select_related("home").first()
    return {
        "id": resident.pk, "tenancy_reference": resident.tenancy_reference, "name": resident.name, "email": resident.email,
        "phone": resident.phone, "address": resident.address, "postcode": resident.postcode, "tenure": resident.tenure or None,
        "preferred_channel": resident.preferred_channel, "preferred_format": resident.preferred_format,
        "language": resident.language, "contact_notes": resident.contact_notes, "uprn": link.home.uprn if link else "",
        "adjustments": [
            {"kind": a.kind, "description": a.description, "agreed_on": a.agreed_on, "review_by": a.review_by}
            for a in resident.adjustments.filter(ended_on__isnull=True, agreed_on__isnull=False, review_by__isnull=False)
        ],
    }


def _resident(reference: str) -> Resident:
    resident = Resident.objects.filter(tenancy_reference=reference).order_by("id").first()
    if resident is None:
        raise Http404
    return resident


@router.get("/residents/{tenancy_reference}", response=responses({200: s.ResidentOut}), summary="Read a resident")
def read_resident(request, tenancy_reference: str):
    _read(request)
    resident = _resident(tenancy_reference)
    reading.record(request, "resident", [resident])  # the access log, as the resident page does
    return _resident_out(resident)


@router.put("/residents/{tenancy_reference}", response=responses({200: s.ResidentOut}), summary="Create or update a resident")
def put_resident(request, tenancy_reference: str, body: s.ResidentIn):
    """Administrators' keys only. Adjustments PutRight does not have yet are added (5.10)."""
    data = body.dict(exclude={"adjustments"})
    data["tenure"] = body.tenure.value if body.tenure else ""
    adjustments = [actions.NewAdjustment(a.kind, a.description, a.agreed_on, a.review_by) for a in body.adjustments]
    resident, _ = actions.upsert_resident(tenancy_reference=tenancy_reference, **data, adjustments=adjustments, actor=request.auth.user)
    reading.record(request, "resident", [resident])  # the answer is the whole record
    return _resident_out(resident)


def _home_out(home: Home) -> dict:
    return {"uprn": home.uprn, "address": home.address, "postcode": home.postcode, "tenure": home.tenure or None}


@router.get("/homes/{uprn}", response=responses({200: s.HomeOut}), summary="Read a home")
def read_home(request, uprn: str):
    _read(request)
    home = Home.objects.filter(uprn=actions.check_uprn(uprn)).first()
    if home is None:
        raise Http404
    return _home_out(home)


@router.put("/homes/{uprn}", response=responses({200: s.HomeOut}), summary="Create or update a home")
def put_home(request, uprn: str, body: s.HomeIn):
    """Administrators' keys only."""
    home, _ = actions.upsert_home(uprn=uprn, address=body.address, postcode=body.postcode, tenure=body.tenure.value if body.tenure else "", actor=request.auth.user)
    return _home_out(home)
