"""The figures beyond the stage counts: refusals, complaints open at the period's end, themes,
compensation, satisfaction and Awaab's Law."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.utils import timezone

from putright.cases.models import CaseTheme, PaymentMethod, Refusal, Stage, Theme
from putright.performance.compiled import Compiled, together
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Kind

from .. import measures
from ..periods import Period
from .definitions import NOT_RECORDED, PAYMENT_METHODS, REFUSAL_REASONS, STAGES
from .filters import _between, _financial_remedies, _stage1_refused_cases
from .stages import _ranked


def _refusal_rows(start: dt.date, end: dt.date):
    """The period's refusals counted by (stage, reason): rows, not complaints."""
    return (Refusal.objects.filter(refused_on__range=(start, end)).order_by()
            .values_list("stage_number", "reason").annotate(n=Count("case_id")))


def _refusal_repeats(start: dt.date, end: dt.date):
    """Every refusal in the period of a complaint refused more than once in it: the only rows
    that make the groups' counts of rows more than their complaints."""
    inside = Refusal.objects.filter(refused_on__range=(start, end)).order_by()
    repeated = inside.values("case_id").annotate(n=Count("case_id")).filter(n__gt=1).values("case_id")
    return inside.filter(case_id__in=repeated).values_list("stage_number", "reason", "case_id", "about")


def _refusal_about(start: dt.date, end: dt.date):
    """The period's refusals for another reason, counted by what they said it was: rows."""
    return (Refusal.objects.filter(refused_on__range=(start, end), reason=RefusalReason.OTHER).order_by()
            .values_list("about").annotate(n=Count("case_id")))


#: Their SQL written once a process (putright/performance/compiled.py), sent in one round trip on
#: PostgreSQL. They replaced the period's distinct (stage, reason, complaint) rows, counted into
#: sets in Python (4,417 rows in a year at a million cases: 19-26 ms of a year's figures).
REFUSALS = tuple(Compiled(build, dt.date, dt.date) for build in (_refusal_rows, _refusal_repeats, _refusal_about))


def _refused(period: Period) -> dict:
    """Each complaint counted once in each group it is in. A complaint refused once in the period
    is one row, in one group of each kind: the rows' counts by group are those complaints' counts,
    once the rows of complaints refused more than once are taken out. Those (few) are counted
    in Python, each once a group (test_figures: one refused four times)."""
    rows, repeats, about_rows = together(*((query, "rows", (period.start, period.end)) for query in REFUSALS))
    again = Counter((number, reason) for number, reason, _, _ in repeats)
    once = Counter({(number, reason): n - again[number, reason] for number, reason, n in rows})
    repeated = {(number, reason, case_id) for number, reason, case_id, _ in repeats}
    by_pair = once + Counter((number, reason) for number, reason, _ in repeated)
    by_stage_total, by_reason_total = Counter(), Counter()
    for (number, reason), n in once.items():
        by_stage_total[number] += n
        by_reason_total[reason] += n
    by_stage_total.update(number for number, _ in {(number, case_id) for number, _, case_id in repeated})
    by_reason_total.update(reason for reason, _ in {(reason, case_id) for _, reason, case_id in repeated})
    about: Counter = Counter()
    again_about = Counter(text for _, reason, _, text in repeats if reason == RefusalReason.OTHER)
    for text, n in about_rows:
        about[text.strip() or NOT_RECORDED] += n - again_about[text]
    about.update(key for key, _ in {(text.strip() or NOT_RECORDED, case_id) for _, reason, case_id, text in repeats
                                    if reason == RefusalReason.OTHER})
    present = {(number, reason) for number, reason, _ in rows}
    numbers = [*STAGES, *(n for n in dict.fromkeys(number for number, _ in present) if n not in STAGES)]
    reasons = [*REFUSAL_REASONS, *(r for r in dict.fromkeys(reason for _, reason in present) if r not in REFUSAL_REASONS)]
    return {
        "total": sum(once.values()) + len({case_id for _, _, case_id in repeated}),
        "other_by_about": _ranked({k: n for k, n in about.items() if n}),
        "by_reason": {r: by_reason_total[r] for r in reasons},
        "by_stage": {
            f"stage{n}": {"total": by_stage_total[n],
                          "by_reason": {r: by_pair[n, r] for r in reasons if r in REFUSAL_REASONS or (n, r) in present}}
            for n in numbers
        },
    }


def _open_at_end(period: Period) -> dict:
    # Two index-only range scans (still awaiting one; ended after the end), each grouped by
    # stage, rather than one OR the database would answer by reading every stage.
    end = period.end
    counts = {f"stage{n}": 0 for n in STAGES}
    for awaiting in (Q(ended_on__isnull=True), Q(ended_on__gt=end)):
        rows = (
            Stage.objects.filter(awaiting, requested_on__lte=end, number__in=STAGES)
            .values_list("number").annotate(n=Count("number")).order_by()
        )
        for number, n in rows:
            counts[f"stage{number}"] += n
    return {**counts, "total": sum(counts.values())}


def _themes(period: Period) -> dict[str, int]:
    """Themes of stage 1 complaints received, less the refused ones: counted from the case-theme
    rows alone (they carry the case's kind and received date), one index range per year."""
    rows = (
        CaseTheme.objects.filter(_between("received_on", period), kind=Kind.COMPLAINT)
        .values_list("theme_id")
        .annotate(n=Count("case_id"), refused=Count("case_id", filter=Q(case_id__in=_stage1_refused_cases(period))))
        .order_by()
    )
    return _themes_from(rows)


def _themes_from(rows) -> dict[str, int]:
    """(theme id, complaints, refused ones) rows as the figure: names, most common first."""
    names = dict(Theme.objects.values_list("pk", "name"))
    totals: dict[int, int] = defaultdict(int)
    for theme_id, n, refused in rows:
        totals[theme_id] += n - refused
    return _ranked({names[theme_id]: n for theme_id, n in totals.items() if n})




def _money(amount: Decimal | None) -> float:
    return float((amount or Decimal("0")).quantize(Decimal("0.01")))


# The compensation groups: a financial remedy with no payment method recorded counts as money.
_COMPENSATION_GROUPS: dict[str, Q] = {
    "total": Q(),
    **{f"method:{m}": Q(payment_method=m) | Q(payment_method="") if m == PaymentMethod.MONEY else Q(payment_method=m)
       for m in PAYMENT_METHODS},
    **{f"stage:stage{n}": Q(stage_number=n) for n in STAGES},
    "stage:no_stage": ~Q(stage_number__in=STAGES),
}


def _compensation_totals(start: dt.date, end: dt.date):
    """The period's financial remedies as one aggregate row: for each group of
    `_COMPENSATION_GROUPS`, how many and their sum (two columns a group). (Grouped by a constant,
    which adds no GROUP BY: one row.)"""
    aggregates = {}
    for i, q in enumerate(_COMPENSATION_GROUPS.values()):
        aggregates[f"count{i}"] = Count("case_id", filter=q)
        aggregates[f"amount{i}"] = Sum("amount", filter=q)
    return (_financial_remedies(Period(start.year, None, start, end)).order_by()
            .values(one=Value(1)).annotate(**aggregates).values_list(*aggregates))


def _compensation_repeats(start: dt.date, end: dt.date):
    """For each complaint with more than one financial remedy in the period, how many it has in
    each group: the only complaints a group's count of remedies counts more than once."""
    remedies = _financial_remedies(Period(start.year, None, start, end)).order_by()
    repeated = remedies.values("case_id").annotate(n=Count("case_id")).filter(n__gt=1).values("case_id")
    groups = {f"n{i}": Count("case_id", filter=q) for i, q in enumerate(_COMPENSATION_GROUPS.values())}
    return remedies.filter(case_id__in=repeated).values("case_id").annotate(**groups).values_list(*groups)


#: Their SQL written once a process (putright/performance/compiled.py): building and compiling
#: the filtered aggregates cost the ORM 8-10 ms a figure, as much as the database spent on them.
#: The distinct complaints are not counted with COUNT(DISTINCT): each of the seven groups' cost
#: SQLite a temporary index of the year's 14,583 remedies (54 ms of a year's figures at a million
#: cases). A group's complaints are its remedies less each complaint's second and later ones in
#: it, and only complaints with two or more remedies in the period have those. Side by side at a
#: million cases: SQLite a year 52.0 -> 31.2 ms, a quarter 11.8 -> 7.9; PostgreSQL the same either
#: way (35.5 / 36.1 and 9.2 / 9.5).
COMPENSATION = (Compiled(_compensation_totals, dt.date, dt.date), Compiled(_compensation_repeats, dt.date, dt.date))


def _compensation(period: Period) -> dict:
    totals, repeats = together(*((query, "rows", (period.start, period.end)) for query in COMPENSATION))
    row = totals[0]
    again = [sum(n - 1 for n in column if n > 1) for column in zip(*repeats)] or [0] * len(_COMPENSATION_GROUPS)
    out = {
        name: {"count": row[2 * i], "cases": row[2 * i] - again[i], "amount_gbp": _money(row[2 * i + 1])}
        for i, name in enumerate(_COMPENSATION_GROUPS)
    }
    return {
        "total": out["total"],
        "by_payment_method": {m: out[f"method:{m}"] for m in PAYMENT_METHODS},
        "by_stage": {k.removeprefix("stage:"): v for k, v in out.items() if k.startswith("stage:")},
    }


def satisfaction_counts(period: Period) -> dict[int, int]:
    """Survey answers (1 very dissatisfied … 5 very satisfied) for cases closed in the period."""
    from putright.portal.models import SurveyResponse

    return dict(
        SurveyResponse.objects.filter(case__closed_on__range=(period.start, period.end))
        .values_list("rating").annotate(n=Count("id")).order_by()
    )


def _hazards(period: Period) -> dict:
    """Awaab's Law figures for the period (putright/hazards/figures.py), as the documents show them."""
    from putright.hazards.figures import hazard_figures

    figures = hazard_figures(period.start, period.end)
    return {**figures, "as_of": timezone.localtime(figures["as_of"]).date().isoformat()}


def _satisfaction(period: Period) -> dict:
    from putright.portal.models import Satisfaction

    counts = satisfaction_counts(period)
    total = sum(counts.values())
    satisfied = sum(n for rating, n in counts.items() if rating >= Satisfaction.SATISFIED)
    return {
        "by_rating": {r.name.lower(): counts.get(r.value, 0) for r in Satisfaction},
        "total": total,
        "satisfied": satisfied,
        "satisfied_percent": measures.share(satisfied, total),
    }
