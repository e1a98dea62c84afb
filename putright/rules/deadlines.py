"""The Code's clocks for each stage, and the limits on extending them (Code section 6).

======  ============================  =========================  ===========================
stage   acknowledge, define and log   respond, counted from the  extend by at most, without
        (counted from receipt)        acknowledgement            good reason
======  ============================  =========================  ===========================
1       5 working days (6.2)          10 working days (6.3)      10 working days (6.4)
2       5 working days of the         20 working days (6.14)     20 working days (6.15)
        escalation request (6.11)
======  ============================  =========================  ===========================

There is deliberately no way to pause or put a case "on hold": the Code has no provision that
stops the clock. When a response will be late the landlord extends it (6.4, 6.15), tells the
resident the new date and why, and agrees how often to update them (5.9).

Functions take every input explicitly and return dates wrapped in ``Deadline`` objects that carry
their own explanation, so a screen or letter can show how a date was worked out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import WorkingCalendar, WorkingDayCount, format_day
from .errors import RuleViolation


@dataclass(frozen=True)
class StageLimits:
    acknowledge_days: int
    respond_days: int
    max_extension_days: int
    acknowledge_provision: str
    respond_provision: str
    extension_provision: str


STAGE_LIMITS: dict[int, StageLimits] = {
    1: StageLimits(5, 10, 10, "6.2", "6.3", "6.4"),
    2: StageLimits(5, 20, 20, "6.11", "6.14", "6.15"),
}


@dataclass(frozen=True)
class Deadline:
    due_on: date
    rule: str  # the rule in plain words
    provision: str  # the Code paragraph
    count: WorkingDayCount  # how due_on was worked out
    # True when respond_by is worked out from the acknowledge-by date because the stage has
    # not been acknowledged yet: the real date will follow the acknowledgement.
    projected: bool = False


@dataclass(frozen=True)
class Timescales:
    stage: int
    acknowledge_by: Deadline
    respond_by: Deadline
    latest_extended_respond_by: Deadline

    def as_json_dict(self) -> dict[str, str]:
        return {
            "acknowledge_by": self.acknowledge_by.due_on.isoformat(),
            "respond_by": self.respond_by.due_on.isoformat(),
            "latest_extended_respond_by": self.latest_extended_respond_by.due_on.isoformat(),
        }


def stage_limits(stage: int) -> StageLimits:
    """The limits for stage 1 or 2; anything else is refused.

    The procedure has two stages and "it is not appropriate to have extra named stages (such as
    'stage 0' or 'informal complaint')" (5.2); stage 2 "is the landlord's final response" (6.10).
    """
    try:
        return STAGE_LIMITS[stage]
    except (KeyError, TypeError):
        raise RuleViolation(
            f"There are exactly two stages (Code 5.2): stage {stage!r} does not exist.",
            provision="5.2",
            field="stage",
        ) from None


def acknowledge_by(stage: int, received_on: date, cal: WorkingCalendar) -> Deadline:
    """Acknowledge in 5 working days: "Complaints must be acknowledged, defined and logged at
    stage 1 ... within five working days of the complaint being received" (6.2); at stage 2,
    "within five working days of the escalation request being received" (6.11), so
    ``received_on`` is then the date of that request.
    """
    limits = stage_limits(stage)
    of_what = "receipt" if stage == 1 else "the escalation request"
    count = cal.explain(received_on, limits.acknowledge_days)
    return Deadline(
        due_on=count.due_on,
        rule=(
            f"Stage {stage}: acknowledge within {limits.acknowledge_days} working days of {of_what}"
        ),
        provision=limits.acknowledge_provision,
        count=count,
    )


def respond_by(
    stage: int, received_on: date, acknowledged_on: date | None, cal: WorkingCalendar
) -> Deadline:
    """A full response "within 10 working days of the complaint being acknowledged" (6.3); at
    stage 2 a final response within 20 (6.14).

    Before the stage is acknowledged the date is projected from the acknowledge-by date (the
    latest the acknowledgement may lawfully come), and marked ``projected``. A late
    acknowledgement therefore moves the respond-by date later; an early one brings it forward.
    """
    limits = stage_limits(stage)
    if acknowledged_on is not None and acknowledged_on < received_on:
        raise RuleViolation(
            f"The acknowledgement ({format_day(acknowledged_on)}) cannot be before the "
            f"{'complaint' if stage == 1 else 'escalation request'} was received "
            f"({format_day(received_on)}).",
            field="acknowledged_on",
        )
    rule = f"Stage {stage}: respond within {limits.respond_days} working days of acknowledgement"
    if acknowledged_on is None:
        start_on = acknowledge_by(stage, received_on, cal).due_on
        rule += " (projected from the acknowledge-by date, as it is not yet acknowledged)"
    else:
        start_on = acknowledged_on
    count = cal.explain(start_on, limits.respond_days)
    return Deadline(count.due_on, rule, limits.respond_provision, count, acknowledged_on is None)


def latest_extended_respond_by(stage: int, respond_by_on: date, cal: WorkingCalendar) -> Deadline:
    """The furthest an extension may go without a good reason: 10 (6.4) or 20 (6.15) working
    days beyond the respond-by date the Code sets."""
    limits = stage_limits(stage)
    count = cal.explain(respond_by_on, limits.max_extension_days)
    return Deadline(
        count.due_on,
        f"Stage {stage}: an extension may add no more than {limits.max_extension_days} "
        "working days without good reason",
        limits.extension_provision,
        count,
    )


def timescales(
    stage: int, received_on: date, acknowledged_on: date | None, cal: WorkingCalendar
) -> Timescales:
    """All three dates for a stage, each with its explanation."""
    respond = respond_by(stage, received_on, acknowledged_on, cal)
    return Timescales(
        stage=stage,
        acknowledge_by=acknowledge_by(stage, received_on, cal),
        respond_by=respond,
        latest_extended_respond_by=latest_extended_respond_by(stage, respond.due_on, cal),
    )


def extension_beyond_cap(
    stage: int, respond_by_on: date, new_respond_by: date, cal: WorkingCalendar
) -> bool:
    """Whether ``new_respond_by`` goes further than the Code allows without a good reason."""
    cap = cal.add_working_days(respond_by_on, stage_limits(stage).max_extension_days)
    return new_respond_by > cap


def check_extension(
    stage: int,
    respond_by_on: date,
    new_respond_by: date,
    cal: WorkingCalendar,
    *,
    good_reason: str = "",
) -> None:
    """Refuse an extension the Code does not allow.

    "Any extension must be no more than 10 working days without good reason, and the reason(s)
    must be clearly explained to the resident" (6.4; 20 working days at stage 2, 6.15).
    ``respond_by_on`` is the Code's respond-by date before any extension, so repeated
    extensions share one cap.
    Telling the resident the reason and the Ombudsman's details (6.5, 6.16) is the letter's job.
    """
    limits = stage_limits(stage)
    if new_respond_by <= respond_by_on:
        raise RuleViolation(
            f"The new respond-by date must be after the current one, {format_day(respond_by_on)}.",
            field="new_respond_by",
        )
    reason = cal.non_working_reason(new_respond_by)
    if reason is not None:
        raise RuleViolation(
            f"{format_day(new_respond_by)} is not a working day ({reason}). Choose a working day.",
            field="new_respond_by",
        )
    cap = latest_extended_respond_by(stage, respond_by_on, cal).due_on
    if new_respond_by > cap and not good_reason.strip():
        raise RuleViolation(
            f"The Code allows at most {limits.max_extension_days} working days beyond "
            f"{format_day(respond_by_on)}, i.e. up to {format_day(cap)}, unless a good reason "
            "is recorded.",
            provision=limits.extension_provision,
            field="good_reason",
        )
