"""The figures beyond the stage counts: refusals, complaints open at the period's end, themes,
compensation, satisfaction and Awaab's Law."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from putright.cases.models import CaseTheme, PaymentMethod, Refusal, Stage, Theme
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Kind

from .. import measures
from ..periods import Period
from .definitions import NOT_RECORDED, PAYMENT_METHODS, REFUSAL_REASONS, STAGES
from .filters import _between, _financial_remedies, _stage1_refused_cases
from .stages import _ranked


def _refused(period: Period) -> dict:
    """One grouped query; each case counted once per group (a case refused twice for the same
    reason in a period is rare enough that the few rows are deduplicated here)."""
    rows = (
        Refusal.objects.filter(_between("refused_on", period))
        .values_list("stage_number", "reason", "case_id")
        .distinct()
        .order_by()
    )
    by_stage = {f"stage{n}": {"total": set(), "by_reason": {r: set() for r in REFUSAL_REASONS}} for n in STAGES}
    by_reason = {r: set() for r in REFUSAL_REASONS}
    total: set[int] = set()
    for number, reason, case_id in rows:
        stage = by_stage.setdefault(f"stage{number}", {"total": set(), "by_reason": {r: set() for r in REFUSAL_REASONS}})
        stage["total"].add(case_id)
        stage["by_reason"].setdefault(reason, set()).add(case_id)
        by_reason.setdefault(reason, set()).add(case_id)
        total.add(case_id)
    about: dict[str, set[int]] = defaultdict(set)
    for text, case_id in (
        Refusal.objects.filter(_between("refused_on", period), reason=RefusalReason.OTHER)
        .values_list("about", "case_id").distinct().order_by()
    ):
        about[text.strip() or NOT_RECORDED].add(case_id)
    return {
        "total": len(total),
        "other_by_about": _ranked({k: len(v) for k, v in about.items()}),
        "by_reason": {r: len(ids) for r, ids in by_reason.items()},
        "by_stage": {k: {"total": len(v["total"]), "by_reason": {r: len(ids) for r, ids in v["by_reason"].items()}}
                     for k, v in by_stage.items()},
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


def _compensation(period: Period) -> dict:
    """One aggregate row: for each group, the remedies, the distinct complaints and the sum."""
    aggregates = {}
    for i, q in enumerate(_COMPENSATION_GROUPS.values()):
        aggregates[f"count{i}"] = Count("case_id", filter=q)
        aggregates[f"cases{i}"] = Count("case_id", filter=q, distinct=True)
        aggregates[f"amount{i}"] = Sum("amount", filter=q)
    row = _financial_remedies(period).aggregate(**aggregates)
    out = {
        name: {"count": row[f"count{i}"], "cases": row[f"cases{i}"], "amount_gbp": _money(row[f"amount{i}"])}
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
