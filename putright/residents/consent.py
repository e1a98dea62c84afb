"""Verifying that a resident agreed to a representative (Code 3.6), and recording it.

A complaint made online "for someone else" only *says* the resident agreed. Until the agreement
is verified, the representative sees nothing from the resident's record: not the case in the
portal (beyond its reference), not its letters, not its emails. It is verified in one of two ways:

- the resident agrees online, signed in to the portal with their own email address
  (`agree_online`); or they say this person does not act for them (`refuse_online`);
- a member of staff records it, with how it was given (`record_consent`).

Each writes an append-only `ResidentEvent` and, where there is a case, an internal note for staff.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from putright.cases import actions
from putright.cases.actions.checks import check_actor as _check_actor, check_date as _check_date, format_date as _d, resolve_today as _today
from putright.cases.models import Case, Direction
from putright.residents.actions import _record
from putright.residents.models import ConsentHow, Representative
from putright.rules.errors import RuleViolation

STAFF_WAYS = [c for c in ConsentHow.choices if c[0] != ConsentHow.RESIDENT_ONLINE]


def _is_the_resident(representative: Representative, email: str) -> bool:
    own = (representative.resident.email or "").strip().lower()
    return bool(own) and own == (email or "").strip().lower()


def _locked(representative: Representative) -> Representative:
    return Representative.objects.select_for_update().select_related("resident").get(pk=representative.pk)


def _note(case: Case | None, subject: str, body: str, today: dt.date) -> None:
    if case is not None:
        actions.add_correspondence(
            case, direction=Direction.NOTE, internal=True, occurred_on=today, subject=subject, body=body,
            actor=None, actor_label="PutRight portal", today=today,
        )


@transaction.atomic
def agree_online(representative: Representative, *, email: str, case: Case | None = None, today: dt.date | None = None) -> Representative:
    """The resident, signed in with the email address on their own record, agrees."""
    today = _today(today)
    rep = _locked(representative)
    if not _is_the_resident(rep, email):
        raise PermissionDenied("Only the resident can agree that someone acts for them.")
    if rep.consent_verified:
        return rep
    rep.consent_verified_on, rep.consent_how, rep.consent_refused_on = today, ConsentHow.RESIDENT_ONLINE, None
    rep.save(update_fields=["consent_verified_on", "consent_how", "consent_refused_on"])
    _record(rep.resident, "representative_consent", f"{rep.resident.name} agreed online that {rep.name} may act for them.",
            representative=rep.pk, how=ConsentHow.RESIDENT_ONLINE, email=email)
    _note(case, f"The resident agreed online that {rep.name} acts for them",
          f"{rep.resident.name} signed in with their own email address on {_d(today)} and agreed that {rep.name} may act for them.", today)
    return rep


@transaction.atomic
def refuse_online(representative: Representative, *, email: str, case: Case | None = None, today: dt.date | None = None) -> Representative:
    """The resident says this person does not act for them: they keep seeing nothing, and staff are asked to act."""
    today = _today(today)
    rep = _locked(representative)
    if not _is_the_resident(rep, email):
        raise PermissionDenied("Only the resident can say who acts for them.")
    rep.consent_refused_on = today
    rep.save(update_fields=["consent_refused_on"])
    _record(rep.resident, "representative_refused", f"{rep.resident.name} said online that {rep.name} does not act for them.",
            representative=rep.pk, email=email)
    _note(case, f"Action: the resident says {rep.name} does not act for them",
          f"{rep.resident.name} signed in with their own email address on {_d(today)} and said that {rep.name} does not act for them. "
          "Nothing from the resident's record is shown or sent to them. Contact the resident about the complaint.", today)
    return rep


@transaction.atomic
def record_consent(
    representative: Representative, *, verified_on: dt.date, how: str, note: str = "", actor=None, today: dt.date | None = None
) -> Representative:
    """Staff record that the resident agreed, and how (Code 3.6)."""
    _check_actor(actor)
    today = _today(today)
    rep = _locked(representative)
    if how not in dict(STAFF_WAYS):
        raise RuleViolation("Choose how the resident gave their agreement.", provision="3.6", field="how")
    _check_date(verified_on, "verified_on", "the resident agreed", today=today)
    rep.consent_verified_on, rep.consent_how, rep.consent_recorded_by, rep.consent_refused_on = verified_on, how, actor, None
    if rep.consent_given_on is None:
        rep.consent_given_on = verified_on
    rep.save(update_fields=["consent_verified_on", "consent_how", "consent_recorded_by", "consent_refused_on", "consent_given_on"])
    _record(rep.resident, "representative_consent",
            f"Recorded that {rep.resident.name} agreed on {_d(verified_on)} that {rep.name} may act for them: {ConsentHow(how).label}."
            + (f" {note.strip()}" if (note or "").strip() else ""),
            actor=actor, representative=rep.pk, how=how, verified_on=verified_on)
    return rep
