"""Writing an interchange file's history into the database: the import's service function.

Reading and checking the file is `putright.cases.interchange`; this module writes the rows it
planned, on the same rules as every other change to a case (`putright.cases.actions`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from putright.cases.actions.checks import (
    REFERENCE_PREFIX,
    check_actor,
    refresh_queue_fields,
    resolve_today,
)
from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    Case,
    CaseEvent,
    Extension,
    PaymentMethod,
    ReferenceCounter,
    Refusal,
    Remedy,
    RemedyKind,
    ServiceArea,
    Stage,
    Theme,
)
from putright.performance.upkeep import WhileImporting, after_import
from putright.triage.stored import columns_for as triage_columns


NOT_READ = {"reads_as_complaint": None, "complaint_words": None}


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
    check_actor(actor)
    today = resolve_today(today)
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
        planned = WhileImporting()  # the tables' statistics kept up with them as they grow
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
                case = SimpleNamespace(state=r.state)  # all refresh_queue_fields reads and sets
                refresh_queue_fields(case, last)
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
                        # Triage read now only for requests still open (the queue shows them); the
                        # worker's triage_backfill job reads the closed ones (putright.triage.stored).
                        **(triage_columns(r.kind, r.description) if case.is_open else NOT_READ),
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
                        # History is counted as it was: a response in another system's record was sent.
                        "response_issued_on": s.responded_on,
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
                        "issued_on": s.code_respond_by,  # history, as it was: agreed in time
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
                        "explanation": r.refusal_explanation or interchange.refusal_explanation(r.refusal_reason),
                        # As the file says; a live refusal must say yes (interchange.LIVE_REFUSAL_DAYS).
                        "ombudsman_rights_given": r.refusal_ombudsman_rights_given,
                        "issued_on": r.refused_on,
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
            planned.wrote(len(batch))

        # References in PutRight's own form (PR-2024-000123) must never be issued again.
        for year, highest in sorted(numbered.items()):
            counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
            if counter.last < highest:
                counter.last = highest
                counter.save(update_fields=["last"])
    report.written = True
    # The tables just grew: their statistics now, not when someone remembers (putright.performance).
    after_import(sum(report.imported.values()))
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
