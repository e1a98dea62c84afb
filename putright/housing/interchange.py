"""`putright import residents FILE`: residents and their homes from the housing system, as CSV.

All or nothing, like the case import: every row is checked (through the same service functions
the API calls, each row in its own savepoint), every problem is listed by line number, and if
there is any, nothing is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction

from putright.cases.interchange import Problem
from putright.housing import actions
from putright.rules.errors import RuleViolation

COLUMNS = [
    "tenancy_reference", "name", "email", "phone", "address", "postcode", "uprn", "tenure",
    "preferred_channel", "preferred_format", "language", "contact_notes",
    "adjustment_kind", "adjustment_description", "adjustment_agreed_on", "adjustment_review_by",
]
REQUIRED = {"tenancy_reference", "name"}
ADJUSTMENT = ["adjustment_kind", "adjustment_description", "adjustment_agreed_on", "adjustment_review_by"]


@dataclass
class ResidentImport:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def written(self) -> bool:
        return not self.problems


class _Abort(Exception):
    pass


def _date(row: dict, column: str) -> dt.date:
    text = (row.get(column) or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(f"{column} must be a date written YYYY-MM-DD, not {text!r}.", field=column)


def _row(row: dict, today: dt.date) -> tuple[str, bool]:
    """Apply one row; returns its tenancy reference and whether the resident was new."""
    value = {c: (row.get(c) or "").strip() for c in COLUMNS}
    if value["uprn"]:
        actions.upsert_home(uprn=value["uprn"], address=value["address"], postcode=value["postcode"], tenure=value["tenure"])
    adjustments = []
    if any(value[c] for c in ADJUSTMENT):
        adjustments.append(actions.NewAdjustment(
            kind=value["adjustment_kind"], description=value["adjustment_description"],
            agreed_on=_date(row, "adjustment_agreed_on"), review_by=_date(row, "adjustment_review_by"),
        ))
    _, created = actions.upsert_resident(
        **{c: value[c] for c in COLUMNS if c not in ADJUSTMENT}, adjustments=adjustments,
        actor_label="putright import residents", today=today,
    )
    return value["tenancy_reference"], created


def import_residents(text: str, *, today: dt.date) -> ResidentImport:
    report = ResidentImport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in COLUMNS]
    missing = sorted(REQUIRED - set(header))
    if unknown or missing:
        if unknown:
            report.problems.append(Problem(1, f"unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}"))
        if missing:
            report.problems.append(Problem(1, f"missing column(s): {', '.join(missing)}"))
        return report
    seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            for row in reader:
                line = reader.line_num
                reference = (row.get("tenancy_reference") or "").strip()
                if reference and reference in seen:
                    report.problems.append(Problem(line, f"tenancy_reference {reference} is also on line {seen[reference]}: one row per resident", "tenancy_reference"))
                    continue
                try:
                    with transaction.atomic():
                        reference, created = _row(row, today)
                except RuleViolation as e:
                    column = e.field if e.field in COLUMNS else (f"adjustment_{e.field}" if f"adjustment_{e.field}" in COLUMNS else "")
                    report.problems.append(Problem(line, f"{column + ': ' if column else ''}{e.message}", column))
                    continue
                seen[reference] = line
                if created:
                    report.created += 1
                else:
                    report.updated += 1
            if report.problems:
                raise _Abort()
    except _Abort:
        report.created = report.updated = 0
    return report
