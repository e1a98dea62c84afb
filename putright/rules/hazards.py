"""Awaab's Law: the legal clocks for hazards in a social home (SI 2025/1042).

=============================  ==============================  =================================
step                           emergency hazard                significant hazard
=============================  ==============================  =================================
investigate                    24 hours from becoming aware    10 working days from becoming aware
written summary to the tenant  (no fixed clock here)           3 working days from the
                                                               investigation concluding
relevant safety work           24 hours from becoming aware    5 working days from the
                                                               investigation concluding
supplementary preventative     (no fixed clock here)           begun (or steps taken to begin it)
work                                                           within 5 working days, physically
                                                               started within 12 weeks, of the
                                                               investigation concluding
=============================  ==============================  =================================

How the clocks are counted (docs/awaabs-law.md gives the reasons):

- Every clock starts at the **moment** the landlord became aware, which must carry its time zone.
  The hours clock runs through nights, weekends and bank holidays: 24 elapsed hours, so across a
  change of the clocks the due time moves by an hour on the wall.
- The working-day clocks count like the Code's: the day of awareness (or of the investigation
  concluding) is day 0 and never counts, whatever the hour, and whether or not it is a working
  day. Awareness at 23:59 on a Friday and at 00:01 on the Saturday both start counting on the
  Monday. A report out of hours is therefore never moved to "the next working day" before the
  count starts: that would push every date a day later, and a landlord must not be able to
  flatter its dates by the hour it reads its post.
- A working day leaves out weekends and England's bank holidays, but **not** the landlord's own
  closure days: those are the landlord's choice and cannot stop a legal clock. Callers pass a
  ``WorkingCalendar`` with no closure days (``legal_calendar()``).
- Twelve weeks are 84 calendar days.

Which hazards can be significant (phase 1: damp and mould) is data kept by the hazards app, not
code: this module only knows the two categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .calendar import WorkingCalendar, WorkingDayCount, format_day
from .errors import RuleViolation

EMERGENCY = "emergency"
SIGNIFICANT = "significant"
CATEGORIES = (EMERGENCY, SIGNIFICANT)

LONDON = ZoneInfo("Europe/London")

EMERGENCY_HOURS = 24
INVESTIGATE_WORKING_DAYS = 10
SUMMARY_WORKING_DAYS = 3
SAFETY_WORK_WORKING_DAYS = 5
PREVENTATIVE_BEGIN_WORKING_DAYS = 5
PREVENTATIVE_START_WEEKS = 12

# The steps, in the order they are shown and printed.
STEPS = (
    "investigate_by",
    "summary_by",
    "safety_work_by",
    "preventative_work_begin_by",
    "preventative_work_start_by",
)
STEP_NAMES = {
    "investigate_by": "Investigate",
    "summary_by": "Written summary of the findings to the tenant",
    "safety_work_by": "Relevant safety work",
    "preventative_work_begin_by": "Supplementary preventative work begun (or steps taken to begin it)",
    "preventative_work_start_by": "Supplementary preventative work physically started",
}


def format_moment(moment: datetime) -> str:
    """``Thu 24 Dec 2026 16:30 (GMT)``: London wall-clock time, with which offset applied."""
    local = moment.astimezone(LONDON)
    return f"{format_day(local.date())} {local:%H:%M} ({local.tzname()})"


def legal_calendar(bank_holidays: Mapping[date, str] | None = None) -> WorkingCalendar:
    """Weekends and England's bank holidays only: closure days do not stop a legal clock."""
    return WorkingCalendar((), bank_holidays=bank_holidays)


def awareness_day(aware_at: datetime) -> date:
    """The London date of the moment of awareness: day 0 of the working-day clocks."""
    return _aware(aware_at, "aware_at").astimezone(LONDON).date()


def _aware(moment: datetime, field: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise RuleViolation(
            "The moment the landlord became aware needs a date, a time and a time zone.",
            field=field,
        )
    return moment


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise RuleViolation(
            f"A hazard is either an emergency hazard or a significant hazard, not {category!r}.",
            field="category",
        )
    return category


@dataclass(frozen=True)
class HoursCount:
    """The explanation of an hours clock: elapsed hours from a moment, every day counting."""

    start_at: datetime
    hours: int
    due_at: datetime

    def lines(self) -> list[str]:
        start = self.start_at.astimezone(LONDON)
        due = self.due_at.astimezone(LONDON)
        lines = [
            f"Became aware {format_moment(start)}.",
            f"{self.hours} hours run without stopping: nights, weekends and bank holidays all count.",
        ]
        if start.utcoffset() != due.utcoffset():
            lines.append(
                f"The clocks change in between ({start.tzname()} to {due.tzname()}), "
                "so the due time on the wall moves by the difference."
            )
        lines.append(f"Due by {format_moment(due)}.")
        return lines


@dataclass(frozen=True)
class WeeksCount:
    """The explanation of a weeks clock: calendar weeks from a day (day 0)."""

    start_on: date
    weeks: int
    due_on: date

    def lines(self) -> list[str]:
        return [
            f"Counting starts the day after {format_day(self.start_on)}.",
            f"{self.weeks} weeks are {self.weeks * 7} calendar days: every day counts.",
            f"Day {self.weeks * 7} is {format_day(self.due_on)}.",
        ]


@dataclass(frozen=True)
class HazardDeadline:
    """One legal date, with the rule in plain words and how it was worked out."""

    step: str  # one of STEPS
    rule: str
    due_on: date  # the last day (for the hours clock, the London date of due_at)
    count: WorkingDayCount | HoursCount | WeeksCount
    due_at: datetime | None = None  # only for the hours clock
    preface: tuple[str, ...] = ()  # facts before the count (how awareness was placed)

    @property
    def name(self) -> str:
        return STEP_NAMES[self.step]

    def lines(self) -> list[str]:
        return [*self.preface, *self.count.lines()]

    def as_json_value(self) -> str:
        if self.due_at is not None:
            return self.due_at.astimezone(LONDON).isoformat(timespec="minutes")
        return self.due_on.isoformat()

    def met_by(self, done: datetime | date) -> bool:
        """Whether a step done at ``done`` met this deadline.

        The hours clock needs the moment; a day is judged against the working-day clocks, and
        against the hours clock only if it is before the due day (a date alone on the due day
        cannot show the hour, so it is not counted as met).
        """
        if self.due_at is not None:
            if isinstance(done, datetime):
                return _aware(done, "done_at") <= self.due_at
            return done < self.due_on
        done_on = done.astimezone(LONDON).date() if isinstance(done, datetime) else done
        return done_on <= self.due_on


@dataclass(frozen=True)
class HazardTimescales:
    category: str
    aware_at: datetime
    investigated_on: date | None
    deadlines: tuple[HazardDeadline, ...]

    def get(self, step: str) -> HazardDeadline | None:
        return next((d for d in self.deadlines if d.step == step), None)

    def as_json_dict(self) -> dict[str, str]:
        return {d.step: d.as_json_value() for d in self.deadlines}


def _hours(step: str, rule: str, aware_at: datetime) -> HazardDeadline:
    # Elapsed hours: add in UTC so that a change of the clocks does not add or lose an hour.
    start = aware_at.astimezone(LONDON)
    due_at = (start.astimezone(ZoneInfo("UTC")) + timedelta(hours=EMERGENCY_HOURS)).astimezone(LONDON)
    count = HoursCount(start, EMERGENCY_HOURS, due_at)
    return HazardDeadline(step, rule, due_at.date(), count, due_at=due_at)


def _working(
    step: str, rule: str, start_on: date, n: int, cal: WorkingCalendar, preface: tuple[str, ...] = ()
) -> HazardDeadline:
    count = cal.explain(start_on, n)
    return HazardDeadline(step, rule, count.due_on, count, preface=preface)


def investigate_by(category: str, aware_at: datetime, cal: WorkingCalendar) -> HazardDeadline:
    """When the investigation must be done: 24 hours (emergency) or 10 working days
    (significant) from becoming aware."""
    check_category(category)
    _aware(aware_at, "aware_at")
    if category == EMERGENCY:
        return _hours(
            "investigate_by",
            f"Emergency hazard: investigate within {EMERGENCY_HOURS} hours of becoming aware",
            aware_at,
        )
    day0 = awareness_day(aware_at)
    preface = (
        f"Became aware {format_moment(aware_at)}: that day is day 0 whatever the hour, "
        "and whether or not it is a working day.",
    )
    return _working(
        "investigate_by",
        f"Significant hazard: investigate within {INVESTIGATE_WORKING_DAYS} working days of becoming aware",
        day0,
        INVESTIGATE_WORKING_DAYS,
        cal,
        preface,
    )


def timescales(
    category: str,
    aware_at: datetime,
    investigated_on: date | None,
    cal: WorkingCalendar,
) -> HazardTimescales:
    """Every legal date known so far.

    Emergency: investigate and do the relevant safety work within 24 hours of becoming aware.
    Significant: investigate within 10 working days of becoming aware; once the investigation
    has concluded (``investigated_on``), the written summary, the safety work and the
    preventative work are counted from that day.
    """
    check_category(category)
    first = investigate_by(category, aware_at, cal)
    if investigated_on is not None and investigated_on < awareness_day(aware_at):
        raise RuleViolation(
            f"The investigation cannot conclude ({format_day(investigated_on)}) before the "
            f"landlord became aware ({format_day(awareness_day(aware_at))}).",
            field="investigated_on",
        )
    if category == EMERGENCY:
        safety = _hours(
            "safety_work_by",
            f"Emergency hazard: do the relevant safety work within {EMERGENCY_HOURS} hours of becoming aware",
            aware_at,
        )
        return HazardTimescales(category, aware_at, investigated_on, (first, safety))
    if investigated_on is None:
        return HazardTimescales(category, aware_at, None, (first,))
    concluded = f"of the investigation concluding ({format_day(investigated_on)})"
    rest = (
        _working(
            "summary_by",
            f"Give the tenant a written summary of the findings within {SUMMARY_WORKING_DAYS} working days {concluded}",
            investigated_on,
            SUMMARY_WORKING_DAYS,
            cal,
        ),
        _working(
            "safety_work_by",
            f"Do the relevant safety work within {SAFETY_WORK_WORKING_DAYS} working days {concluded}",
            investigated_on,
            SAFETY_WORK_WORKING_DAYS,
            cal,
        ),
        _working(
            "preventative_work_begin_by",
            "Begin the supplementary preventative work, or take steps to begin it, within "
            f"{PREVENTATIVE_BEGIN_WORKING_DAYS} working days {concluded}",
            investigated_on,
            PREVENTATIVE_BEGIN_WORKING_DAYS,
            cal,
        ),
        HazardDeadline(
            "preventative_work_start_by",
            f"Physically start the supplementary preventative work within {PREVENTATIVE_START_WEEKS} weeks {concluded}",
            investigated_on + timedelta(weeks=PREVENTATIVE_START_WEEKS),
            WeeksCount(
                investigated_on,
                PREVENTATIVE_START_WEEKS,
                investigated_on + timedelta(weeks=PREVENTATIVE_START_WEEKS),
            ),
        ),
    )
    return HazardTimescales(category, aware_at, investigated_on, (first, *rest))


def local_moment(naive: datetime) -> datetime:
    """A wall-clock time in London as an aware moment.

    In the hour the clocks go back, the earlier of the two moments is taken (``fold=0``), so the
    clock starts as early as it can; in the hour the clocks skip, the time is refused.
    """
    if naive.tzinfo is not None:
        return naive.astimezone(LONDON)
    moment = naive.replace(tzinfo=LONDON)
    round_trip = moment.astimezone(ZoneInfo("UTC")).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != naive:
        raise RuleViolation(
            f"{naive:%H:%M} on {format_day(naive.date())} did not happen in London: the clocks "
            "went forward that night.",
            field="aware_at",
        )
    return moment
