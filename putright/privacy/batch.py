"""Anonymising many cases at once: the same removals as anonymise.py describes, as one UPDATE or
DELETE per table for the whole batch rather than a few per case, with each case's own record
(`AnonymisedCase`: when, why, by whom, how many rows of each kind) exactly as when done one by one.

Called inside a transaction by anonymise.anonymise_case (a batch of one) and anonymise_batch
(retention), on cases already checked and locked. The timeline is rewritten 500 events to an
UPDATE (`_rewrite_events`, SQL written here): with `_rewrite`, the single exception to the
append-only record, as anonymise.py explains.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict

from django.db import connection, models
from django.db.models import Count, Prefetch
from django.utils import timezone

from putright.cases.models import (
    ActionUpdate,
    Attachment,
    Case,
    CaseEvent,
    Correspondence,
    DecisionPoint,
    Extension,
    OutstandingAction,
    Refusal,
    Remedy,
    Stage,
)
from putright.hazards.models import HazardReport
from putright.learning.models import LearningItem, ServiceImprovement
from putright.letters.models import Letter, LetterStatus
from putright.mailbox.models import InboundMessage
from putright.notifications.models import Outbox
from putright.ombudsman.models import OmbudsmanCase
from putright.portal.models import SurveyResponse
from putright.residents.models import Representative

from . import linked
from .anonymise import _delete_file, _event_label, _people, _rewrite, _scrub_events, _scrub_ombudsman, _scrub_text_fields
from .models import AnonymisedCase
from .scrub import REMOVED, redact, scrub_data

# (model, the path from it to its case, free-text fields, the label counted on each case's record)
TEXT = (
    (Case, "pk", ("description", "withdrawal_reason"), "cases"),
    (Stage, "case_id", ("escalation_reason", "definition", "outcomes_sought", "responsible_for", "not_responsible_for"), "stages"),
    (DecisionPoint, "stage__case_id", ("point", "reasons"), "decision points"),
    (Extension, "stage__case_id", ("reason", "good_reason"), "extensions"),
    (Refusal, "case_id", ("explanation", "discretion_decision"), "refusals"),
    (Remedy, "case_id", ("description",), "remedies"),
    (OutstandingAction, "case_id", ("description",), "actions"),
    (ActionUpdate, "action__case_id", ("note",), "action updates"),
    (Correspondence, "case_id", ("correspondent", "subject", "body"), "correspondence"),
    (SurveyResponse, "case_id", ("comment",), "survey answers"),
    (InboundMessage, "case_id", ("sender", "subject", "body", "note"), "mailbox messages"),
)
EVENTS_AT_ONCE = 500


def _per_case(queryset: models.QuerySet, path: str) -> dict[int, int]:
    """How many rows of `queryset` each case has: one grouped query."""
    return dict(queryset.order_by().values_list(path).annotate(n=Count("pk")).values_list(path, "n"))


def _scrub_text(counts: dict[int, Counter], ids: list[int]) -> None:
    for model, path, fields, label in TEXT:
        rows = model.objects.filter(**{f"{path}__in": ids})
        found = _per_case(rows, path) if path != "pk" else dict.fromkeys(ids, 1)
        if not any(found.values()):
            continue
        _scrub_text_fields(rows, fields, Counter(), label)
        for case_id, n in found.items():
            counts[case_id][label] += n


def _remove_files_and_letters(counts: dict[int, Counter], ids: list[int]) -> None:
    attachments = Attachment.objects.filter(correspondence__case_id__in=ids)
    found = list(attachments.annotate(case_id=models.F("correspondence__case_id")).only("pk", "file"))
    for attachment in found:
        counts[attachment.case_id]["attachments"] += 1
        if _delete_file(attachment.file):
            counts[attachment.case_id]["files removed"] += 1
    if found:
        Attachment.objects.filter(pk__in=[a.pk for a in found]).delete()
    drafts = Letter.objects.filter(case_id__in=ids).exclude(status=LetterStatus.ISSUED)
    for case_id, n in _per_case(drafts, "case_id").items():
        counts[case_id]["draft letters"] += n
    drafts.delete()
    issued = Letter.objects.filter(case_id__in=ids, status=LetterStatus.ISSUED)
    for letter in issued.only("pk", "case_id", "pdf"):
        counts[letter.case_id]["issued letters"] += 1
        if _delete_file(letter.pdf):
            counts[letter.case_id]["files removed"] += 1
    _rewrite(Letter.objects.filter(case_id__in=ids, status=LetterStatus.ISSUED), subject=REMOVED, body_html="", sections={}, html="", text="", pdf="", pdf_sha256="")


def _remove_emails(counts: dict[int, Counter], cases: list[Case]) -> None:
    ids = [c.pk for c in cases]
    # Two deletes, not one OR across a join: each uses its own index, whatever the planner knows
    # (the OR made PostgreSQL walk the timeline once per outbox row: seconds a case).
    for case_id, n in _per_case(Outbox.objects.filter(case_id__in=ids), "case_id").items():
        counts[case_id]["emails"] += n
    Outbox.objects.filter(case_id__in=ids).delete()
    about_events = Outbox.objects.filter(event__in=CaseEvent.objects.filter(case_id__in=ids).values("id"))
    for case_id, n in _per_case(about_events, "event__case_id").items():
        counts[case_id]["emails"] += n
    about_events.delete()
    # Handlers' daily reminders list cases by reference and resident's name, with no link to the case.
    mentions = models.Q(pk__in=[])
    for case in cases:
        mentions |= models.Q(body_text__contains=case.reference)
    reminders = list(Outbox.objects.filter(mentions, kind="staff-reminder").values_list("pk", "body_text"))
    for _, text in reminders:
        first = next(c for c in cases if c.reference in text)
        counts[first.pk]["staff reminders"] += 1
    if reminders:
        Outbox.objects.filter(pk__in=[pk for pk, _ in reminders]).delete()


def _rewrite_events(rows: list[tuple[int, str, str, str | None]], model: type[models.Model] = CaseEvent) -> None:
    """One UPDATE for up to EVENTS_AT_ONCE events of `model` (the timeline, or a resident's
    record of safeguards): (id, summary, data as JSON, actor label or None to keep it), joined
    from a VALUES list (SQLite 3.33+ and PostgreSQL both take UPDATE ... FROM, and both name a
    VALUES list's columns column1, column2, ...)."""
    table = connection.ops.quote_name(model._meta.db_table)
    data = "v.column3::jsonb" if connection.vendor == "postgresql" else "v.column3"
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"UPDATE {table} SET summary = v.column2, data = {data}, actor_label = COALESCE(v.column4, {table}.actor_label) "
        f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for row in rows for p in row])


def rewrite_events_of(model: type[models.Model], owner: str, ids: list[int], counts: dict[int, Counter], label: str) -> None:
    """Every event of `model` (the timeline, or a resident's record of safeguards) whose `owner`
    column is one of `ids` rewritten, EVENTS_AT_ONCE to an UPDATE, counted on its owner."""
    events = models.QuerySet(model=model).filter(**{f"{owner}__in": ids}).order_by("pk").values_list("pk", owner, "kind", "data", "actor_label")
    rows = []
    for pk, owner_id, kind, data, actor_label in events.iterator(chunk_size=2000):
        actor = REMOVED if actor_label and actor_label != "system" else None
        rows.append((pk, _event_label(kind), json.dumps(scrub_data(data or {})), actor))
        counts[owner_id][label] += 1
        if len(rows) == EVENTS_AT_ONCE:
            _rewrite_events(rows, model)
            rows = []
    if rows:
        _rewrite_events(rows, model)


def _redact_learning(counts: dict[int, Counter], cases: list[Case]) -> None:
    """Learning is about the service, kept for the landlord's improvement record; any mention of
    the resident in it is redacted."""
    by_id = {c.pk: c for c in cases}
    needles = {}

    def people(case_id: int) -> list[str]:
        if case_id not in needles:
            needles[case_id] = _people(by_id[case_id].resident)
        return needles[case_id]

    for item in LearningItem.objects.filter(case_id__in=by_id):
        fields = {f: redact(getattr(item, f), people(item.case_id)) for f in ("what_went_wrong", "root_cause", "learning")}
        if any(fields[f] != getattr(item, f) for f in fields):
            LearningItem.objects.filter(pk=item.pk).update(**fields)
            counts[item.case_id]["learning items redacted"] += 1
    through = ServiceImprovement.cases.through
    for improvement_id, case_id in through.objects.filter(case_id__in=by_id).order_by("pk").values_list("serviceimprovement_id", "case_id"):
        improvement = ServiceImprovement.objects.get(pk=improvement_id)
        fields = {f: redact(getattr(improvement, f), people(case_id)) for f in ("title", "description", "you_said_we_did")}
        if any(fields[f] != getattr(improvement, f) for f in fields):
            ServiceImprovement.objects.filter(pk=improvement.pk).update(**fields)
            counts[case_id]["improvements redacted"] += 1


def anonymise_cases(cases: list[Case], *, why: str, actor=None, run=None, now: dt.datetime | None = None) -> list[AnonymisedCase]:
    """Steps 2-4 of anonymise_case for every case in `cases` (checked and locked by the caller,
    inside its transaction): the free text, files, letters, emails, the timeline, and one record
    per case. A fixed number of queries for the whole batch, plus a few per case that has an
    Ombudsman case, a hazard report, learning or an improvement (few do)."""
    now = now or timezone.now()
    ids = [c.pk for c in cases]
    if not ids:
        return []
    # The residents and their representatives, for redacting learning: read once for the batch.
    cases = list(
        Case.objects.filter(pk__in=ids).select_related("resident").prefetch_related(
            Prefetch("resident__representatives", queryset=Representative.objects.order_by("pk"))
        ).only("pk", "reference", "resident")
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    _scrub_text(counts, ids)
    Case.objects.filter(pk__in=ids).update(anonymised_on=timezone.localdate(now))
    _remove_files_and_letters(counts, ids)
    _remove_emails(counts, cases)
    SurveyResponse.objects.filter(case_id__in=ids).exclude(answered_by="").update(answered_by="")
    InboundMessage.objects.filter(case_id__in=ids).exclude(sender_email="").update(sender_email="")
    for case_id in OmbudsmanCase.objects.filter(case_id__in=ids).order_by().values_list("case_id", flat=True).distinct():
        _scrub_ombudsman(OmbudsmanCase.objects.filter(case_id=case_id), counts[case_id])
    _redact_learning(counts, cases)
    for case_id in HazardReport.objects.filter(case_id__in=ids).order_by().values_list("case_id", flat=True).distinct():
        linked.scrub_hazards(HazardReport.objects.filter(case_id=case_id), counts[case_id], _scrub_text_fields, _scrub_events)
    rewrite_events_of(CaseEvent, "case_id", ids, counts, "timeline events")
    return AnonymisedCase.objects.bulk_create(
        [AnonymisedCase(case_id=pk, anonymised_at=now, why=why, by=actor, run=run, counts=dict(counts[pk])) for pk in ids]
    )
