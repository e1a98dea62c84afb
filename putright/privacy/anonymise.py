"""Anonymisation, not deletion: a closed case and, once none of their cases needs them, the
resident lose everything that identifies a person, and keep every fact the published figures are
made of.

Removed or replaced: names, contact details, addresses, free text (descriptions, definitions,
reasons, notes, correspondence, remedies' and actions' descriptions, survey comments), attached
files and issued letters (text and PDF), the timeline's summaries and free-text data, the case's
emails in the outbox, portal links, sign-in codes and sessions for the resident's address, their
adjustments.
Kept: references, kinds, states, channels, dates, stages, decisions (and which points were
upheld), refusal reasons, extensions' dates and whether a good reason was recorded, remedies'
kinds, amounts and payment methods, themes, service areas, tenure, handlers (staff), survey
ratings, Ombudsman findings, orders' kinds and amounts.

**A narrowly scoped path past the append-only rules.** The timeline (`CaseEvent`), the resident's
record of safeguards (`ResidentEvent`), Ombudsman events and issued letters refuse every change
in the application. Anonymisation is the one exception: `_rewrite` calls Django's own
`QuerySet.update` on exactly the rows of the case or resident being anonymised, only for the text
columns listed here, and the same transaction writes an `AnonymisedCase` / `AnonymisedResident` row per case
or resident recording when, why, by whom and how many rows changed (never what they said). Nothing
else in PutRight may call them.

Cases are anonymised in batches (batch.py: one UPDATE per table for the batch; retention's
`anonymise_batch`, one transaction per batch) and one at a time as a batch of one
(`anonymise_case`, for an erasure). Case rows are written here too (not through `putright.cases.actions`)
because anonymisation changes no fact a rule looks at: no state, date, decision or amount.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import models, transaction
from django.utils import timezone

from putright.cases.models import Case
from putright.ombudsman.models import (
    Determination,
    DeterminationFinding,
    InformationRequest,
    OmbudsmanCase,
    OmbudsmanEvent,
    Order,
)
from putright.residents.models import Resident

from .models import AnonymisedCase, AnonymisedResident
from .scrub import REMOVED, address_needles, scrub_data


class CannotAnonymise(Exception):
    """Why a case or resident cannot be anonymised now, in plain English."""


def _rewrite(queryset: models.QuerySet, **values) -> int:
    """Django's own update, past an append-only queryset's refusal. Only for anonymisation."""
    return models.QuerySet.update(queryset, **values)


def _scrub_text_fields(queryset: models.QuerySet, fields: tuple[str, ...], counts: Counter, label: str) -> None:
    """Replace each non-blank free-text field by REMOVED, keeping blank ones blank (a blank "good
    reason" is a figure): one UPDATE for all the rows, however many."""
    blank_or_removed = {f: models.Case(models.When(**{f: ""}, then=models.Value("")), default=models.Value(REMOVED)) for f in fields}
    changed = _rewrite(queryset.model.objects.filter(pk__in=queryset.values("pk")), **blank_or_removed)
    if changed:
        counts[label] += changed


def _delete_file(field_file) -> bool:
    """Delete the stored file once the transaction commits: if anonymisation fails half-way and
    rolls back, the rows still point at files that are still there."""
    if not field_file:
        return False
    storage, name = field_file.storage, field_file.name

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError:
            pass

    transaction.on_commit(delete)
    return True


def _event_label(kind: str) -> str:
    return kind.replace("_", " ").capitalize() + ". Details removed when the record was anonymised."


def _scrub_events(queryset: models.QuerySet, counts: Counter, label: str, *, with_actor_label: bool = True) -> None:
    for event in queryset.only("pk", "kind", "data", *(["actor_label"] if with_actor_label else [])):
        values = {"summary": _event_label(event.kind), "data": scrub_data(event.data or {})}
        if with_actor_label and event.actor_label and event.actor_label != "system":
            values["actor_label"] = REMOVED
        _rewrite(queryset.model.objects.filter(pk=event.pk), **values)
        counts[label] += 1


def _people(resident: Resident | None) -> list[str]:
    """What identifies the resident and their representatives, for redacting kept text."""
    if resident is None:
        return []
    needles = [resident.name, resident.email, resident.phone, resident.postcode, resident.tenancy_reference]
    needles += address_needles(resident.address)
    for rep in resident.representatives.all():
        needles += [rep.name, rep.email, rep.phone] + address_needles(rep.address)
    return [n for n in needles if n]


def _scrub_ombudsman(cases: models.QuerySet, counts: Counter) -> None:
    if not cases.exists():
        return
    _scrub_text_fields(cases, ("summary",), counts, "ombudsman cases")
    _scrub_text_fields(InformationRequest.objects.filter(ombudsman_case__in=cases), ("description", "bundle"), counts, "ombudsman information requests")
    _scrub_text_fields(Determination.objects.filter(ombudsman_case__in=cases), ("summary",), counts, "ombudsman determinations")
    _scrub_text_fields(DeterminationFinding.objects.filter(determination__ombudsman_case__in=cases), ("issue",), counts, "ombudsman findings")
    _scrub_text_fields(Order.objects.filter(ombudsman_case__in=cases), ("text", "evidence", "declined_reason"), counts, "ombudsman orders")
    _scrub_events(OmbudsmanEvent.objects.filter(ombudsman_case__in=cases), counts, "ombudsman events", with_actor_label=False)


@transaction.atomic
def anonymise_case(case: Case, *, why: str, actor=None, run=None, now: dt.datetime | None = None, check_holds: bool = True) -> AnonymisedCase:
    """1. check the case may be anonymised (ended, not already, no hold); 2. replace its free text,
    remove its files, letters and emails; 3. rewrite its timeline; 4. record it; 5. anonymise the
    resident too once none of their cases needs their details."""
    from .retention import holds_on  # retention reads anonymise's records: import here, not at the top

    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_open:
        raise CannotAnonymise(f"{case.reference} is still open: only a closed, withdrawn or refused case can be anonymised.")
    if AnonymisedCase.objects.filter(case=case).exists():
        raise CannotAnonymise(f"{case.reference} has already been anonymised.")
    if check_holds and (held := holds_on(case)):
        raise CannotAnonymise(f"{case.reference} is on hold: {held[0]}.")
    record = _anonymise(case, why=why, actor=actor, run=run, now=now)
    # 5. the resident, once no case of theirs keeps their details
    if case.resident_id and resident_is_done(case.resident):
        anonymise_resident(case.resident, why=why, actor=actor, now=now)
    return record


def anonymise_batch(cases: list[Case], *, today: dt.date, why: str, run, now: dt.datetime, reached=None) -> int:
    """Anonymise a batch of cases listed as due, in one transaction, and return how many. Each is
    checked again inside the transaction, locked, in one query: a case reopened, held or
    anonymised since it was listed is skipped. `reached` (kind, received_on, id) is saved on the run in
    the same transaction, so a run killed half-way carries on from what it committed."""
    from .batch import anonymise_cases
    from .batch_residents import anonymise_residents
    from .due import candidates, cursor_to_json, is_held, link_holds, with_holds
    from .models import RetentionRun, RetentionSchedule

    schedule = RetentionSchedule.load()
    with transaction.atomic():
        ids = [c.pk for c in cases]
        still_due = []
        if ids:
            fresh = list(with_holds(candidates(today, schedule).filter(pk__in=ids), today, schedule).select_for_update(of=("self",)).order_by("received_on", "id"))
            still_due = [c for c in link_holds(fresh, today, schedule) if not is_held(c)]
        anonymise_cases(still_due, why=why, run=run, now=now)
        residents = {case.resident_id for case in still_due if case.resident_id}
        anonymise_residents(list(residents_done(residents).select_for_update(of=("self",))), why=why, now=now)
        if reached is not None:
            RetentionRun.objects.filter(pk=run.pk).update(reached=cursor_to_json(reached))
    return len(still_due)


def _anonymise(case: Case, *, why: str, actor, run, now: dt.datetime) -> AnonymisedCase:
    """Steps 2-4 of anonymise_case, for a case already checked and locked: a batch of one."""
    from .batch import anonymise_cases

    return anonymise_cases([case], why=why, actor=actor, run=run, now=now)[0]


def resident_is_done(resident: Resident) -> bool:
    """Every case of theirs anonymised and no open Ombudsman case about them."""
    if resident.cases.filter(anonymisation__isnull=True).exists():
        return False
    return not OmbudsmanCase.objects.filter(resident=resident, closed_on__isnull=True).exists()


def residents_done(ids) -> models.QuerySet:
    """The residents among `ids` not anonymised yet whose every case is anonymised and who have
    no open Ombudsman case (`resident_is_done` for many, in one query), in order of id, with
    their representatives."""
    unfinished = Case.objects.filter(resident=models.OuterRef("pk"), anonymisation__isnull=True)
    ombudsman = OmbudsmanCase.objects.filter(resident=models.OuterRef("pk"), closed_on__isnull=True)
    return (
        Resident.objects.filter(pk__in=ids, anonymisation__isnull=True)
        .filter(~models.Exists(unfinished), ~models.Exists(ombudsman))
        .prefetch_related("representatives").order_by("pk")
    )


@transaction.atomic
def anonymise_resident(resident: Resident, *, why: str, actor=None, now: dt.datetime | None = None) -> AnonymisedResident:
    """The resident's record, representatives, safeguards, portal links and sessions: a batch of
    one (batch_residents.py). Their cases must be anonymised first (`anonymise_case` calls this
    when the last one is)."""
    from .batch_residents import anonymise_residents

    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if AnonymisedResident.objects.filter(resident=resident).exists():
        raise CannotAnonymise("This resident's record has already been anonymised.")
    if not resident_is_done(resident):
        raise CannotAnonymise("This resident still has cases (or an open Ombudsman case) that are not anonymised.")
    return anonymise_residents([resident], why=why, actor=actor, now=now)[0]
