"""Learning and improvement figures for the reports: "you said, we did" (8.1 d) and themes (9.4, 9.7 b)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from putright.learning.models import ImprovementStatus, LearningItem, ServiceImprovement


def improvements_done(start: dt.date, end: dt.date):
    """Improvements done in the period (inclusive), with their "you said, we did" text and the
    number of complaints behind each (`complaints`)."""
    return (
        ServiceImprovement.objects.filter(status=ImprovementStatus.DONE, done_on__range=(start, end))
        .select_related("owner", "service_area")
        .annotate(complaints=Count("cases", distinct=True))
        .order_by("done_on", "id")
    )


def improvements_open(today: dt.date):
    """Improvements not done yet, each with `overdue` worked out from today."""
    rows = list(
        ServiceImprovement.objects.exclude(status=ImprovementStatus.DONE).select_related("owner", "service_area").order_by("due_by", "id")
    )
    for row in rows:
        row.overdue = row.due_by < today
    return rows


def learning_by_service_area(start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """Learning items recorded in the period, by service area (most first): the board's themes."""
    rows = (
        LearningItem.objects.filter(recorded_on__range=(start, end))
        .values("service_area__name")
        .annotate(n=Count("id"))
        .order_by("-n", "service_area__name")
    )
    return [(r["service_area__name"] or "No service area", r["n"]) for r in rows]


def learning_by_contractor(start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    rows = (
        LearningItem.objects.filter(recorded_on__range=(start, end)).exclude(contractor="")
        .values("contractor").annotate(n=Count("id")).order_by("-n", "contractor")
    )
    return [(r["contractor"], r["n"]) for r in rows]
