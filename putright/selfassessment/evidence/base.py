"""What every part of the evidence shares: the `Evidence` record, the warning, and helpers for
sentences, counting and listing the cases behind failures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from putright.cases.models import Case
from putright.reports.periods import Period

# At most this many case references are listed beside a provision; the rest are counted.
REFERENCES_SHOWN = 20
STAGES = (1, 2)


@dataclass(frozen=True)
class Evidence:
    provision: str
    sentence: str
    counts: dict = field(default_factory=dict)
    failures: int = 0
    failure_text: str = ""  # "2 late acknowledgements": the failures with their count, for the warning
    list_key: str | None = None
    references: tuple[str, ...] = ()  # the cases behind the failures when no report list has them
    more_references: int = 0  # cases behind the failures beyond those in `references`


def warning(evidence: Evidence | None, complies: str) -> str:
    if evidence is None or complies != "yes" or not evidence.failures:
        return ""
    return f"Answered yes, but the figures show {evidence.failure_text}."


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def case_list(case_ids: QuerySet) -> dict:
    """Up to REFERENCES_SHOWN references, in order, of the cases whose ids ``case_ids`` (a
    queryset of the failing rows with one column, the case's id) gives, and how many more cases
    there are, as Evidence arguments. One query, whose work is bounded by the failing rows (the
    year's), never by all the cases: the shown cases are the first the database finds, not the
    first by reference, and the count is a COUNT(DISTINCT) over the same rows. Ordering all the
    failing cases by reference instead took seconds at a million imported cases, where nearly
    every imported record lacks something."""
    ids = case_ids.order_by()
    (column,) = ids.query.values_select
    count = ids.annotate(all=Value(1)).values("all").annotate(cases=Count(column, distinct=True)).values("cases")
    rows = list(
        Case.objects.filter(pk__in=ids.distinct()[:REFERENCES_SHOWN])
        .annotate(cases=Subquery(count))
        .order_by("reference")
        .values_list("reference", "cases")
    )
    if not rows:
        return {}
    return {"references": tuple(ref for ref, _ in rows), "more_references": rows[0][1] - len(rows)}


def were(n: int) -> str:
    return "was" if n == 1 else "were"


def has(n: int) -> str:
    return "has" if n == 1 else "have"


def imported_note(n: int) -> str:
    """The note on failures that came with imported history (counted all the same: see the
    package's docstring)."""
    return f" ({n} of them imported from earlier records)" if n else ""


def flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def only_if(q: Q, then) -> models.Case:
    """``then`` where ``q`` holds, else false: the database skips ``then`` (a subquery) elsewhere."""
    return models.Case(models.When(q, then=then), default=Value(False), output_field=BooleanField())


def judged_on(period: Period, today: dt.date) -> dt.date:
    """The day a date that fell due in the period is judged on: the day after the period, or today
    while the period runs. Due before it and not done: overdue."""
    return min(today, period.end + dt.timedelta(days=1))


# On Stage rows: the case was imported. A subquery, not a join, so that the case is looked up only
# for the rows a filter lets through.
IMPORTED = Case.objects.filter(pk=OuterRef("case_id"), imported=True)
