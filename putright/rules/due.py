"""How a stored deadline looks today: overdue, due today, due soon or later, in working days.

Shown in words with a tag whose colour repeats the words (colour is never the only signal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from putright.rules.calendar import WorkingCalendar, format_day

#: "Due soon" means within this many working days (the queue's filter and the staff reminders).
SOON_WORKING_DAYS = 2


class Due(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    SOON = "soon"
    LATER = "later"


@dataclass(frozen=True)
class DueStatus:
    due: Due
    working_days: int  # left (positive), or overdue (positive too, for OVERDUE)
    words: str
    colour: str  # a GOV.UK tag modifier: red, orange, yellow, grey


def due_status(today: date, due_on: date, cal: WorkingCalendar) -> DueStatus:
    if due_on < today:
        # Between a Friday deadline and Monday no working day has passed, but it is late.
        overdue = max(1, -cal.working_days_between(today, due_on))
        return DueStatus(
            Due.OVERDUE, overdue,
            f"{overdue} working day{'s' if overdue != 1 else ''} overdue (was due {format_day(due_on)})", "red",
        )
    if due_on == today:
        return DueStatus(Due.TODAY, 0, "Due today", "orange")
    left = cal.working_days_between(today, due_on)
    words = f"{left} working day{'s' if left != 1 else ''} left"
    if left <= SOON_WORKING_DAYS:
        return DueStatus(Due.SOON, left, words, "yellow")
    return DueStatus(Due.LATER, left, words, "grey")


def soon_until(today: date, cal: WorkingCalendar) -> date:
    """The last date that counts as due soon: today plus SOON_WORKING_DAYS working days."""
    return cal.add_working_days(today, SOON_WORKING_DAYS)
