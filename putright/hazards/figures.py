"""Awaab's Law figures for the board (quarterly report) and the annual report.

Hazards the landlord became aware of in the period, by emergency and significant: each step on
time or late, and the median time taken. A figure a landlord cannot flatter: a step whose date
fell in the period and was not done by the end of it (or by now, for the current period) counts
as late, and a step done late counts as late however soon after; steps not yet due are shown
apart, never as on time. Alongside: complaints received in the period from the households that
reported a hazard, and how many of those were about the hazard itself.
"""

from __future__ import annotations

import datetime as dt
from statistics import median

from django.utils import timezone

from putright.cases.models import Case
from putright.rules import hazards as rules
from putright.rules.lifecycle import Kind

from . import steps
from .models import HazardReport


def _end_of(day: dt.date) -> dt.datetime:
    return rules.local_moment(dt.datetime.combine(day, dt.time(23, 59)))


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 1)


def hazard_figures(start: dt.date, end: dt.date, *, now: dt.datetime | None = None) -> dict:
    as_of = min(now or timezone.now(), _end_of(end))
    cal = rules.legal_calendar()
    reports = list(
        HazardReport.objects.filter(aware_at__gte=rules.local_moment(dt.datetime.combine(start, dt.time())), aware_at__lte=_end_of(end))
        .select_related("kind", "case")
    )
    out = {}
    for category, label in ((rules.EMERGENCY, "Emergency hazards"), (rules.SIGNIFICANT, "Significant hazards")):
        chosen = [r for r in reports if r.category == category]
        step_counts: dict[str, dict[str, int]] = {}
        for report in chosen:
            for row in steps.step_rows(report, as_of):
                counts = step_counts.setdefault(row.step, {"on_time": 0, "late": 0, "not_yet_due": 0})
                counts[{"met": "on_time", "missed": "late", "overdue": "late", "due": "not_yet_due"}[row.status]] += 1
        rows = []
        for step in rules.STEPS:
            if step not in step_counts:
                continue
            c = step_counts[step]
            decided = c["on_time"] + c["late"]
            rows.append({
                "step": step, "name": rules.STEP_NAMES[step], **c,
                "percent_on_time": round(100 * c["on_time"] / decided) if decided else None,
            })
        investigated = [r for r in chosen if r.investigated_at is not None]
        if category == rules.EMERGENCY:
            times = [_hours(r.aware_at, r.investigated_at) for r in investigated]
            unit = "hours"
        else:
            times = [cal.working_days_between(rules.awareness_day(r.aware_at), timezone.localtime(r.investigated_at).date()) for r in investigated]
            unit = "working days"
        out[category] = {
            "label": label,
            "reported": len(chosen),
            "steps": rows,
            "median_to_investigate": median(times) if times else None,
            "median_unit": unit,
            "in_alternative_accommodation": sum(1 for r in chosen if r.accommodation_from is not None),
        }
    residents = {r.resident_id for r in reports if r.resident_id is not None}
    complaints = Case.objects.filter(kind=Kind.COMPLAINT, resident_id__in=residents, received_on__range=(start, end))
    about = {c.pk for r in reports for c in _complaints_about(r)}
    return {
        "categories": [out[rules.EMERGENCY], out[rules.SIGNIFICANT]],
        "reported": len(reports),
        "as_of": as_of,
        "complaints_from_households": complaints.count(),
        "complaints_about_hazards": len(about),
    }


def _complaints_about(report: HazardReport) -> list[Case]:
    case = report.case
    found = [case] if case.kind == Kind.COMPLAINT else []
    found += list(case.complaints_raised.filter(kind=Kind.COMPLAINT))
    return found



