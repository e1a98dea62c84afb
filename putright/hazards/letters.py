"""What letters say about hazards: built from the record, as JSON-ready dicts.

`response_hazards(case)` goes into a complaint response, so the response says which Awaab's Law
steps were met; `summary_sections(case)` is the written summary of an investigation's findings.
`putright.letters.drafting` calls these; `putright.letters.checks` checks what they return.
"""

from __future__ import annotations

from django.utils import timezone

from putright.rules import hazards as rules
from putright.rules.calendar import format_day

from . import queries, steps
from .models import HazardReport, Outcome


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return rules.format_moment(value)
    return format_day(value)


def _due(deadline: rules.HazardDeadline) -> str:
    return rules.format_moment(deadline.due_at) if deadline.due_at is not None else format_day(deadline.due_on)


def step_words(row: steps.StepRow) -> str:
    due = _due(row.deadline)
    if row.status == "met":
        return f"Met: done {_when(row.done)}; the law's date was {due}."
    if row.status == "missed":
        return f"Missed: done {_when(row.done)}, after the law's date of {due}."
    if row.status == "overdue":
        return f"Missed: not yet done, and the law's date was {due}."
    return f"Not yet done: the law's date is {due}."


def response_hazards(case) -> list[dict]:
    now = timezone.now()
    return [
        {
            "hazard": r.kind.name,
            "category": r.get_category_display(),
            "aware": rules.format_moment(r.aware_at),
            "steps": [
                {"step": row.step, "name": row.name, "status": row.status, "words": step_words(row)}
                for row in steps.step_rows(r, now)
            ],
        }
        for r in queries.reports_for_case(case)
    ]


def report_awaiting_summary(case) -> HazardReport | None:
    """The first hazard on this case (or the request it came from, or a complaint about it) whose
    investigation has concluded and whose written summary is still owed."""
    waiting = [
        r for r in queries.reports_for_case(case)
        if r.investigated_at is not None and r.summary_given_on is None and r.summary_by is not None
    ]
    return min(waiting, key=lambda r: (r.investigated_at, r.pk), default=None)


def summary_sections(case) -> dict:
    report = report_awaiting_summary(case)
    if report is None:
        return {"hazard": {}}
    scales = steps.timescales(report)
    found = report.outcome != Outcome.NO_HAZARD
    return {
        "hazard": {
            "report": report.pk,
            "hazard": report.kind.name,
            "home": report.home.strip(),
            "investigated": rules.format_moment(report.investigated_at),
            "investigator": report.investigator.strip(),
            "outcome": report.get_outcome_display(),
            "found": found,
            "findings": report.findings.strip(),
            "safety_work_by": _due(scales.get("safety_work_by")) if found and scales.get("safety_work_by") else "",
            "safety_work_done": _when(report.safety_work_done_at),
            "safety_work": report.safety_work.strip(),
            "preventative_work_begin_by": _due(scales.get("preventative_work_begin_by")) if found and scales.get("preventative_work_begin_by") else "",
            "preventative_work_start_by": _due(scales.get("preventative_work_start_by")) if found and scales.get("preventative_work_start_by") else "",
            "category": report.category,
        }
    }
