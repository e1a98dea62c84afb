"""When a step was written down, beside the date it was taken: the rule against back-dating.

Every step that stops or moves a clock (an acknowledgement, an extension, a response, a
refusal) carries two dates: the day the handler says it happened (its *effective* date) and the
day it was recorded in PutRight. A landlord under pressure could otherwise type an on-time date
weeks later and turn a late response into an on-time one.

The rule, in full (docs/deadlines.md, "What counts as on time"):

- A step recorded on or before the deadline it answers is taken at its word.
- A step recorded after its deadline passed, but dated on or before it, is a *late entry* when
  it was recorded more than ``GRACE_WORKING_DAYS`` working days after its effective date. (An
  extension is a late entry whenever it is recorded after the date it extends has passed and the
  resident was told after that date, or it was recorded more than the grace after they were told.)
- A late entry is refused unless a reason for the late recording is given. With a reason it is
  kept, listed for the complaints manager, and the step *counts as late* in CH02, the annual
  report and the self-assessment, whatever its effective date says.
- Any step dated more than the grace before it was recorded is *back-dated*: kept (with a reason
  when it is also a late entry) and listed for the complaints manager with who recorded it and
  when, even when it changes no figure.

Pure functions: no Django, no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import WorkingCalendar, format_day
from .errors import RuleViolation

# Honest data entry lags: a letter posted on Friday afternoon and recorded on Monday morning.
GRACE_WORKING_DAYS = 3


@dataclass(frozen=True)
class Recording:
    """How a step's effective date relates to the day it was recorded."""

    back_dated: bool  # recorded more than the grace after its effective date
    late_entry: bool  # recorded after its deadline passed, claiming it was met


def lag(effective_on: date, recorded_on: date, cal: WorkingCalendar) -> int:
    """Working days from the effective date to the day it was recorded (0 when the same day)."""
    if recorded_on <= effective_on:
        return 0
    return cal.working_days_between(effective_on, recorded_on)


def assess(effective_on: date, recorded_on: date, due_by: date | None, cal: WorkingCalendar) -> Recording:
    """Whether an acknowledgement, response or refusal dated ``effective_on`` and recorded on
    ``recorded_on`` is back-dated, and whether it is a late entry against ``due_by``."""
    back_dated = lag(effective_on, recorded_on, cal) > GRACE_WORKING_DAYS
    late_entry = due_by is not None and recorded_on > due_by and effective_on <= due_by and back_dated
    return Recording(back_dated=back_dated, late_entry=late_entry)


def assess_extension(told_on: date, recorded_on: date, extends: date, cal: WorkingCalendar) -> Recording:
    """An extension of the date ``extends``: agreed only if the resident was told by then and it
    was recorded by then, or within the grace of telling them (6.4, 6.5, 6.15, 6.16)."""
    back_dated = lag(told_on, recorded_on, cal) > GRACE_WORKING_DAYS
    late_entry = recorded_on > extends and (told_on > extends or back_dated)
    return Recording(back_dated=back_dated, late_entry=late_entry)


def check_late_entry(recording: Recording, *, what: str, due_by: date, recorded_on: date, reason: str, provision: str | None) -> str:
    """Refuse a late entry that gives no reason for being recorded late; return the reason."""
    reason = (reason or "").strip()
    if recording.late_entry and not reason:
        raise RuleViolation(
            f"The {what} is being recorded on {format_day(recorded_on)}, after its deadline of "
            f"{format_day(due_by)} had passed. It can be kept only with the reason it is recorded "
            "late, and it will count as late in the reports.",
            provision=provision,
            field="late_entry_reason",
        )
    return reason
