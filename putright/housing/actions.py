"""Creating or updating residents and homes from the housing system, by its keys.

Only an administrator changes residents' details (docs/roles.md), so only an administrator's key
or the import command can. Each change to a resident is written to the resident's own
append-only record (`ResidentEvent`) with the fields that changed. Adjustments the housing system
knows of are added (5.10) through `putright.residents.actions`; ones PutRight already has are left
as they are, and none is ended or removed: reviewing and ending an adjustment is the landlord's
decision, made on the resident's page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from putright.housing.models import Home, ResidentHome
from putright.residents import actions as resident_actions
from putright.residents.models import ContactChannel, Format, Resident, ResidentEvent, Tenure
from putright.rules.errors import RuleViolation

UPRN = re.compile(r"^[0-9]{1,12}$")
RESIDENT_FIELDS = ("name", "email", "phone", "address", "postcode", "tenure", "preferred_channel", "preferred_format", "language", "contact_notes")


@dataclass(frozen=True)
class NewAdjustment:
    kind: str
    description: str
    agreed_on: dt.date
    review_by: dt.date


def _check_administrator(actor) -> None:
    if actor is not None and not getattr(actor, "is_administrator", False):
        raise PermissionDenied("Only an administrator can change residents' details and homes.")


def _check_choice(value: str, choices, field: str, what: str) -> str:
    if value and value not in choices.values:
        raise RuleViolation(f"{what} must be one of {', '.join(choices.values)}, not {value!r}.", field=field)
    return value


def check_uprn(uprn: str) -> str:
    uprn = (uprn or "").strip()
    if not UPRN.match(uprn):
        raise RuleViolation("A UPRN is up to 12 digits, e.g. 100023336956.", field="uprn")
    return uprn.lstrip("0") or "0"


@transaction.atomic
def upsert_home(*, uprn: str, address: str = "", postcode: str = "", tenure: str = "", actor=None) -> tuple[Home, bool]:
    """Create or update the home with this UPRN. Returns it and whether it was new."""
    _check_administrator(actor)
    uprn = check_uprn(uprn)
    _check_choice(tenure, Tenure, "tenure", "Tenure")
    home, created = Home.objects.select_for_update().get_or_create(uprn=uprn)
    home.address, home.postcode, home.tenure = address.strip(), postcode.strip().upper(), tenure
    home.save()
    return home, created


@transaction.atomic
def upsert_resident(
    *,
    tenancy_reference: str,
    name: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    postcode: str = "",
    tenure: str = "",
    preferred_channel: str = ContactChannel.EMAIL,
    preferred_format: str = Format.STANDARD,
    language: str = "",
    contact_notes: str = "",
    uprn: str = "",
    adjustments: list[NewAdjustment] = (),
    actor=None,
    actor_label: str = "",
    today: dt.date | None = None,
) -> tuple[Resident, bool]:
    """Create or update the resident with this tenancy reference. Returns them and whether new."""
    _check_administrator(actor)
    today = today or timezone.localdate()
    tenancy_reference = (tenancy_reference or "").strip()
    if not tenancy_reference:
        raise RuleViolation("Enter the tenancy reference from the housing system.", field="tenancy_reference")
    if not (name or "").strip():
        raise RuleViolation("Enter the resident's name.", field="name")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RuleViolation(f"{email!r} is not an email address.", field="email")
    _check_choice(tenure, Tenure, "tenure", "Tenure")
    _check_choice(preferred_channel or ContactChannel.EMAIL, ContactChannel, "preferred_channel", "The preferred channel")
    _check_choice(preferred_format or Format.STANDARD, Format, "preferred_format", "The preferred format")
    home = Home.objects.filter(uprn=check_uprn(uprn)).first() if uprn else None
    if uprn and home is None:
        raise RuleViolation(f"There is no home with the UPRN {uprn}: send the home first.", field="uprn")

    values = {
        "name": name.strip(), "email": email.strip(), "phone": phone.strip(), "address": address.strip(),
        "postcode": postcode.strip().upper(), "tenure": tenure, "preferred_channel": preferred_channel or ContactChannel.EMAIL,
        "preferred_format": preferred_format or Format.STANDARD, "language": language.strip(), "contact_notes": contact_notes.strip(),
    }
    resident = Resident.objects.select_for_update().filter(tenancy_reference=tenancy_reference).order_by("id").first()
    created = resident is None
    if created:
        resident = Resident(tenancy_reference=tenancy_reference)
    changed = [f for f, v in values.items() if getattr(resident, f) != v]
    for field, value in values.items():
        setattr(resident, field, value)
    resident.save()
    if home is not None:
        link = ResidentHome.objects.filter(resident=resident).first()
        if link is None or link.home_id != home.pk:
            ResidentHome.objects.update_or_create(resident=resident, defaults={"home": home})
            changed.append("uprn")
    if created or changed:
        ResidentEvent.objects.create(
            resident=resident, at=timezone.now(), actor=actor, actor_label=actor_label or ("" if actor else "system"),
            kind="created_from_housing_system" if created else "updated_from_housing_system",
            summary=("Added" if created else "Updated") + " from the housing system" + ("" if created else f": {', '.join(changed)}."),
            data={"tenancy_reference": tenancy_reference, "changed": changed},
        )
    known = {(a.kind, a.description.strip()) for a in resident.adjustments.all()}
    for new in adjustments:
        if (new.kind, (new.description or "").strip()) not in known:
            resident_actions.add_adjustment(
                resident, kind=new.kind, description=new.description, agreed_on=new.agreed_on, review_by=new.review_by,
                actor=actor, today=today,
            )
    return resident, created
