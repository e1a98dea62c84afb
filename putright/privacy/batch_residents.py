"""Anonymising many residents at once: what `anonymise_resident` removes (anonymise.py), as one
UPDATE or DELETE per table for the whole batch rather than about twenty queries a resident, with
each resident's own record (`AnonymisedResident`: when, why, by whom, how many rows of each kind)
exactly as when done one by one.

Retention's batches end most of their residents' last cases together (a resident with one or two
complaints is the usual case), so anonymising them one at a time cost more than the cases did.
Called inside a transaction by anonymise.anonymise_resident (a batch of one) and
anonymise.anonymise_batch (retention), on residents already checked and locked, in order of id:
a row two residents share (an email address both gave) is counted on the first, as one by one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from putright.operations.models import Session
from django.db import models
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone

from putright.hazards.models import HazardReport
from putright.housing.models import ResidentHome
from putright.mailbox.models import InboundMessage
from putright.notifications.models import Outbox
from putright.ombudsman.models import OmbudsmanCase
from putright.portal.models import AccessToken, SignInCode
from putright.residents.models import (
    Adjustment,
    ContactChannel,
    Format,
    Representative,
    Resident,
    ResidentEvent,
    Restriction,
)

from . import linked
from .anonymise import _scrub_events, _scrub_ombudsman, _scrub_text_fields
from .batch import _per_case, rewrite_events_of
from .models import AnonymisedResident, DataRequest
from .scrub import REMOVED

# (model, free-text fields, the label counted on each resident's record), scrubbed as anonymise.py does.
TEXT = (
    (Restriction, ("reasons", "evidence", "restricted", "equality_considerations", "end_reason"), "restrictions"),
    (DataRequest, ("details", "extension_reason", "outcome_reason"), "data protection requests"),
)


def emails_of(resident: Resident) -> list[str]:
    """The addresses the resident and their representatives gave (representatives prefetched or not)."""
    return [e for e in [resident.email] + [r.email for r in resident.representatives.all()] if e]


def _owner(emails: dict[int, list[str]]) -> dict[str, int]:
    """Each lower-cased address, to the first resident (by id) who gave it."""
    owner: dict[str, int] = {}
    for pk in sorted(emails):
        for email in emails[pk]:
            owner.setdefault(email.lower(), pk)
    return owner


def _count_and_delete(counts: dict[int, Counter], label: str, queryset: models.QuerySet, path: str, ids: list[int]) -> None:
    """Delete `queryset`'s rows, counted on each resident; every resident gets the label, 0 if none."""
    found = _per_case(queryset, path)
    for pk in ids:
        counts[pk][label] += found.get(pk, 0)
    if found:
        queryset.delete()


def _delete_by_address(counts: dict[int, Counter], label: str, queryset: models.QuerySet, columns: tuple[str, ...], owner: dict[str, int], ids: list[int]) -> None:
    """Delete the rows of `queryset` whose address column (any of `columns`, any case of letters)
    is one of the batch's, each counted on the first resident who gave that address."""
    for pk in ids:
        counts[pk][label] += 0
    if not owner:
        return
    lowered = {f"_{c}": Lower(c) for c in columns}
    match = models.Q(pk__in=[])
    for name in lowered:
        match |= models.Q(**{f"{name}__in": list(owner)})
    rows = list(queryset.annotate(**lowered).filter(match).values_list("pk", *lowered))
    for pk, *addresses in rows:
        counts[next(owner[a] for a in addresses if a in owner)][label] += 1
    if rows:
        queryset.model.objects.filter(pk__in=[row[0] for row in rows]).delete()


def _delete_sessions(counts: dict[int, Counter], emails: dict[int, list[str]]) -> None:
    """Delete every session whose decoded data mentions a resident's address (a signed-in
    resident, a half-finished complaint, the page after sending one), reading every session once
    for the whole batch; each counted on its resident."""
    needles = {pk: [e.lower() for e in found] for pk, found in sorted(emails.items()) if found}
    doomed: dict[int, list[str]] = defaultdict(list)
    if needles:
        for session in Session.objects.iterator():
            text = repr(session.get_decoded()).lower()
            for pk, found in needles.items():
                if any(n in text for n in found):
                    doomed[pk].append(session.pk)
                    break
    if doomed:
        Session.objects.filter(pk__in=[key for keys in doomed.values() for key in keys]).delete()
    for pk in emails:
        counts[pk]["sessions"] += len(doomed[pk])


def anonymise_residents(residents: list[Resident], *, why: str, actor=None, now: dt.datetime | None = None) -> list[AnonymisedResident]:
    """The record, representatives, safeguards, portal links and sessions of every resident in
    `residents` (checked and locked by the caller, inside its transaction, their cases already
    anonymised), and one record per resident. A fixed number of queries for the whole batch, plus
    a few per resident with an Ombudsman case or a hazard report of their own (few have)."""
    now = now or timezone.now()
    residents = sorted(residents, key=lambda r: r.pk)
    ids = [r.pk for r in residents]
    if not ids:
        return []
    emails = {r.pk: emails_of(r) for r in residents}
    owner = _owner(emails)
    counts: dict[int, Counter] = {pk: Counter() for pk in ids}

    Resident.objects.filter(pk__in=ids).update(
        name=Concat(models.Value("Anonymised resident "), Cast("pk", models.CharField())),
        email="", phone="", address="", postcode="", tenancy_reference="",
        language="", contact_notes="", preferred_channel=ContactChannel.LETTER, preferred_format=Format.STANDARD,
    )
    _count_and_delete(counts, "adjustments", Adjustment.objects.filter(resident_id__in=ids), "resident_id", ids)
    representatives = Representative.objects.filter(resident_id__in=ids)
    found = _per_case(representatives, "resident_id")
    for pk in ids:
        counts[pk]["representatives"] += found.get(pk, 0)
    if found:
        representatives.update(name=REMOVED, relationship="", email="", phone="", address="")
    for model, fields, label in TEXT:
        rows = model.objects.filter(resident_id__in=ids)
        found = _per_case(rows, "resident_id")
        if found:
            _scrub_text_fields(rows, fields, Counter(), label)
            for pk, n in found.items():
                counts[pk][label] += n
    rewrite_events_of(ResidentEvent, "resident_id", ids, counts, "resident events")
    # Rare (an Ombudsman case or a hazard report about the resident): the single path, per resident.
    for pk in OmbudsmanCase.objects.filter(resident_id__in=ids).order_by().values_list("resident_id", flat=True).distinct():
        _scrub_ombudsman(OmbudsmanCase.objects.filter(resident_id=pk), counts[pk])
    for pk in HazardReport.objects.filter(resident_id__in=ids).order_by().values_list("resident_id", flat=True).distinct():
        linked.scrub_hazards(HazardReport.objects.filter(resident_id=pk), counts[pk], _scrub_text_fields, _scrub_events)
    _count_and_delete(counts, "home link", ResidentHome.objects.filter(resident_id__in=ids), "resident_id", ids)
    # Messages from their addresses that never became part of a case (not a case, or waiting).
    _delete_by_address(counts, "mailbox messages deleted", InboundMessage.objects.filter(case__isnull=True), ("sender_email",), owner, ids)
    _delete_by_address(counts, "emails", Outbox.objects.all(), ("to", "link_for"), owner, ids)
    _delete_by_address(counts, "portal links", AccessToken.objects.all(), ("email",), owner, ids)
    _delete_by_address(counts, "sign-in codes", SignInCode.objects.all(), ("email",), owner, ids)
    _delete_sessions(counts, emails)
    return AnonymisedResident.objects.bulk_create(
        [AnonymisedResident(resident_id=pk, anonymised_at=now, why=why, by=actor, counts=dict(counts[pk])) for pk in ids]
    )
