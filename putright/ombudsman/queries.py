"""Figures about Ombudsman cases for the reports (annual report 8.1 c, e; board 9.7 c).

Periods are inclusive: `start` and `end` are both in the period. Findings and cases are counted
separately: a determination carries one finding per issue investigated (seed 001: 5
determinations, 13 findings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from putright.ombudsman.models import (
    ADVERSE_FINDINGS,
    Determination,
    DeterminationFinding,
    ExceptionalCircumstance,
    Finding,
    InformationRequest,
    Order,
    OrderKind,
)


@dataclass(frozen=True)
class FindingCounts:
    by_finding: dict[str, int]  # every Finding value, zero included, in the Finding order
    findings: int  # all findings
    determinations: int
    cases: int  # distinct Ombudsman cases determined
    code_non_compliance: int  # determinations finding we did not comply with the Code (8.1 c)

    def label_rows(self) -> list[tuple[str, int]]:
        return [(Finding(value).label, n) for value, n in self.by_finding.items()]


def _findings(start: dt.date, end: dt.date, body: str | None):
    qs = DeterminationFinding.objects.filter(determination__determined_on__range=(start, end))
    if body:
        qs = qs.filter(determination__ombudsman_case__body=body)
    return qs


def findings_counts(start: dt.date, end: dt.date, *, body: str | None = None) -> FindingCounts:
    """Findings by finding, determinations and cases, for determinations made in the period."""
    counts = dict(_findings(start, end, body).values_list("finding").annotate(n=Count("id")).order_by())
    determinations = Determination.objects.filter(determined_on__range=(start, end))
    if body:
        determinations = determinations.filter(ombudsman_case__body=body)
    agg = determinations.aggregate(
        n=Count("id"), cases=Count("ombudsman_case", distinct=True), non=Count("id", filter=Q(code_non_compliance=True))
    )
    by_finding = {value: counts.get(value, 0) for value in Finding.values}
    return FindingCounts(by_finding, sum(by_finding.values()), agg["n"], agg["cases"], agg["non"])


@dataclass(frozen=True)
class Rate:
    adverse: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.adverse) * 100 / Decimal(self.total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


MALADMINISTRATION_RATE_DEFINITION = (
    "Severe maladministration, maladministration and service failure findings as a share of all findings "
    "in determinations made in the period (the Housing Ombudsman's maladministration rate)."
)


def maladministration_rate(start: dt.date, end: dt.date, *, body: str | None = None) -> Rate:
    qs = _findings(start, end, body)
    agg = qs.aggregate(total=Count("id"), adverse=Count("id", filter=Q(finding__in=[f.value for f in ADVERSE_FINDINGS])))
    return Rate(agg["adverse"], agg["total"])


@dataclass(frozen=True)
class OrderCounts:
    orders: int
    recommendations: int
    complied: int  # orders complied with
    complied_late: int
    open: int  # orders not yet complied with
    overdue: int  # of which past their due date
    compensation_ordered: Decimal
    overdue_orders: list = field(default_factory=list)


def orders_summary(start: dt.date, end: dt.date, *, today: dt.date) -> OrderCounts:
    """Orders and recommendations made in the period (by when they were recorded against a
    determination dated in the period, or created in it when standalone), and where they stand today."""
    qs = Order.objects.filter(
        Q(determination__determined_on__range=(start, end)) | Q(determination__isnull=True, created_at__date__range=(start, end))
    )
    orders = qs.filter(kind=OrderKind.ORDER)
    agg = orders.aggregate(
        n=Count("id"),
        complied=Count("id", filter=Q(complied_on__isnull=False)),
        late=Count("id", filter=Q(complied_on__isnull=False, complied_on__gt=F("due_by"))),
        open=Count("id", filter=Q(complied_on__isnull=True)),
        overdue=Count("id", filter=Q(complied_on__isnull=True, due_by__lt=today)),
    )
    money = qs.aggregate(total=Sum("compensation_ordered"))["total"] or Decimal("0")
    return OrderCounts(
        orders=agg["n"], recommendations=qs.filter(kind=OrderKind.RECOMMENDATION).count(), complied=agg["complied"],
        complied_late=agg["late"], open=agg["open"], overdue=agg["overdue"], compensation_ordered=money,
        overdue_orders=list(overdue_orders(today).filter(pk__in=orders.values("pk"))),
    )


def overdue_orders(today: dt.date):
    """Orders (binding) past their due date with no compliance recorded: for the queue."""
    return (
        Order.objects.filter(kind=OrderKind.ORDER, complied_on__isnull=True, due_by__lt=today)
        .select_related("ombudsman_case", "ombudsman_case__case", "ombudsman_case__resident")
        .order_by("due_by", "id")
    )


def failure_orders(start: dt.date, end: dt.date):
    """Complaint Handling Failure Orders issued in the period (8.1 c), oldest first."""
    from putright.ombudsman.models import FailureOrder

    return FailureOrder.objects.filter(issued_on__range=(start, end)).select_related("ombudsman_case").order_by("issued_on", "id")


def failure_orders_summary(start: dt.date, end: dt.date, *, today: dt.date) -> dict:
    """How many Complaint Handling Failure Orders were issued in the period, by what they were
    for, and where they stand today (complied with, late, open, overdue)."""
    from putright.ombudsman.models import FailureType

    orders = list(failure_orders(start, end))
    return {
        "total": len(orders),
        "by_failure": {t.value: sum(1 for o in orders if o.failure == t) for t in FailureType},
        "complied": sum(1 for o in orders if o.complied_on),
        "complied_late": sum(1 for o in orders if o.complied_on and o.complied_on > o.due_by),
        "open": sum(1 for o in orders if not o.complied_on),
        "overdue": sum(1 for o in orders if o.is_overdue(today)),
        "orders": orders,
    }


def open_orders(today: dt.date):
    return (
        Order.objects.filter(complied_on__isnull=True).exclude(kind=OrderKind.RECOMMENDATION, due_by__isnull=True)
        .select_related("ombudsman_case", "ombudsman_case__case").order_by("due_by", "id")
    )


def overdue_information_requests(today: dt.date):
    return (
        InformationRequest.objects.filter(sent_on__isnull=True, due_by__lt=today)
        .select_related("ombudsman_case", "ombudsman_case__case", "ombudsman_case__resident")
        .order_by("due_by", "id")
    )


def open_information_requests():
    return InformationRequest.objects.filter(sent_on__isnull=True).select_related("ombudsman_case", "ombudsman_case__case").order_by("due_by", "id")


def exceptional_circumstances_in(start: dt.date, end: dt.date):
    """Exceptional circumstance periods (8.5) overlapping the period. A period without an end date
    runs to its compliance-returns-by date, or is treated as still running if that has passed."""
    return (
        ExceptionalCircumstance.objects.filter(starts_on__lte=end)
        .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True))
        .annotate(cases=Count("affected_cases"))
        .order_by("starts_on", "id")
    )
