"""Each Awaab's Law step on a hazard report: its date, what was done, and met or missed.

Worked out from the record with `putright.rules.hazards` each time (cheap, and so each date can
explain itself); the actions store the same dates for the worklist's queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from putright.rules import hazards as rules

from .models import HazardReport, Outcome


@dataclass(frozen=True)
class StepRow:
    step: str
    name: str
    deadline: rules.HazardDeadline
    done: dt.datetime | dt.date | None
    status: str  # "met", "missed", "overdue" (not done, past its date) or "due"

    @property
    def met(self) -> bool:
        return self.status == "met"

    @property
    def due_words(self) -> str:
        return self.deadline.as_json_value()

    @property
    def colour(self) -> str:
        return {"met": "green", "missed": "red", "overdue": "red", "due": "yellow"}[self.status]

    @property
    def label(self) -> str:
        return {"met": "Met", "missed": "Missed", "overdue": "Overdue", "due": "Due"}[self.status]


def timescales(report: HazardReport) -> rules.HazardTimescales:
    """The legal dates for this report as it stands (the investigation date, once known)."""
    investigated_on = (
        timezone.localtime(report.investigated_at).date() if report.investigated_at is not None else None
    )
    scales = rules.timescales(report.category, report.aware_at, investigated_on, rules.legal_calendar())
    if report.outcome == Outcome.NO_HAZARD:
        # Nothing to make safe or prevent: only the investigation and (significant) the summary.
        keep = {"investigate_by", "summary_by"}
        scales = rules.HazardTimescales(
            scales.category, scales.aware_at, scales.investigated_on,
            tuple(d for d in scales.deadlines if d.step in keep),
        )
    return scales


def done_value(report: HazardReport, step: str):
    return {
        "investigate_by": report.investigated_at,
        "summary_by": report.summary_given_on,
        "safety_work_by": report.safety_work_done_at,
        "preventative_work_begin_by": report.preventative_work_begun_on,
        "preventative_work_start_by": report.preventative_work_started_on,
    }[step]


def _past(deadline: rules.HazardDeadline, now: dt.datetime) -> bool:
    if deadline.due_at is not None:
        return now > deadline.due_at
    return timezone.localtime(now).date() > deadline.due_on


def step_rows(report: HazardReport, now: dt.datetime | None = None) -> list[StepRow]:
    now = now or timezone.now()
    rows = []
    for deadline in timescales(report).deadlines:
        done = done_value(report, deadline.step)
        if done is not None:
            status = "met" if deadline.met_by(done) else "missed"
        else:
            status = "overdue" if _past(deadline, now) else "due"
        rows.append(StepRow(deadline.step, deadline.name, deadline, done, status))
    return rows
