"""When a complaint (or a request to escalate one) may be refused: Code section 2.

"Landlords must accept a complaint unless there is a valid reason not to do so ... Each complaint
must be considered on its own merits" (2.1), and "landlords must not take a blanket approach to
excluding complaints" (2.5). So there is no rule here that refuses anything by itself: these
functions only check that a refusal someone has decided on is recorded, reasoned and explained
as the Code requires. The same limits apply to refusing to escalate (5.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .calendar import format_day
from .errors import RuleViolation


class RefusalReason(StrEnum):
    OVER_12_MONTHS = "over_12_months"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    PREVIOUSLY_CONSIDERED = "previously_considered"
    OTHER = "other"


REFUSAL_REASON_LABELS: dict[RefusalReason, str] = {
    RefusalReason.OVER_12_MONTHS: "The issue arose more than 12 months ago",
    RefusalReason.LEGAL_PROCEEDINGS: "Legal proceedings have started",
    RefusalReason.PREVIOUSLY_CONSIDERED: "The matter has already been considered as a complaint",
    RefusalReason.OTHER: "Another reason, explained to the resident",
}


@dataclass(frozen=True)
class Refusal:
    reason: RefusalReason
    explanation: str  # what the resident is told (2.4)
    ombudsman_rights_given: bool  # told of their right to take the decision to the Ombudsman (2.4)
    issue_arose_on: date | None = None  # OVER_12_MONTHS: when it arose, or they became aware (2.3)
    discretion_decision: str = ""  # OVER_12_MONTHS: whether discretion was considered, and why not
    proceedings_started_on: date | None = None  # LEGAL_PROCEEDINGS: claim filed at court (2.2)
    previous_case_reference: str = ""  # PREVIOUSLY_CONSIDERED: the earlier complaint
    became_aware_on: date | None = None  # OVER_12_MONTHS: when the resident became aware (2.3)
    about: str = ""  # OTHER: what the complaint was about, listed in the annual report (8.1 b)
    refused_on: date | None = None  # the date of the decision


def twelve_months_start(issue_arose_on: date | None, became_aware_on: date | None) -> date | None:
    """The 12 months run from the issue, or from when the resident became aware of it if later (2.3)."""
    days = [d for d in (issue_arose_on, became_aware_on) if d is not None]
    return max(days) if days else None


def twelve_months_after(day: date) -> date:
    """The same date a year later, or 28 February when ``day`` is 29 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February has no anniversary in a common year
        return day.replace(year=day.year + 1, day=28)


def is_over_12_months(issue_arose_on: date, received_on: date) -> bool:
    """Whether the complaint came later than 12 months after the issue (2.2, 2.3).

    "Within 12 months" runs to the anniversary inclusive: an issue of 1 March 2024 may be
    complained about up to and including 1 March 2025.
    """
    return received_on > twelve_months_after(issue_arose_on)


def refusal_problems(refusal: Refusal, *, received_on: date) -> list[RuleViolation]:
    """Everything wrong with a refusal, each tied to its form field and Code paragraph.

    ``received_on`` is when the complaint was received: at stage 2 too, since a complaint made
    in time does not become late by being escalated (5.11).
    """
    problems: list[RuleViolation] = []
    reason = RefusalReason(refusal.reason)
    if not refusal.explanation.strip():
        # "an explanation must be provided to the resident setting out the reasons why the
        # matter is not suitable for the complaints process" (2.4)
        problems.append(
            RuleViolation(
                "Explain to the resident why the matter is not suitable for the complaints "
                "process.",
                provision="2.4",
                field="explanation",
            )
        )
    if not refusal.ombudsman_rights_given:
        problems.append(
            RuleViolation(
                "Tell the resident of their right to take this decision to the Ombudsman.",
                provision="2.4",
                field="ombudsman_rights_given",
            )
        )
    if reason is RefusalReason.OVER_12_MONTHS:
        start = twelve_months_start(refusal.issue_arose_on, refusal.became_aware_on)
        if refusal.issue_arose_on is None:
            problems.append(
                RuleViolation(
                    "Record when the issue arose, or when the resident became aware of it.",
                    provision="2.2",
                    field="issue_arose_on",
                )
            )
        elif refusal.became_aware_on is not None and refusal.became_aware_on < refusal.issue_arose_on:
            problems.append(
                RuleViolation(
                    "The resident cannot have become aware of the issue before it arose.",
                    field="became_aware_on",
                )
            )
        elif not is_over_12_months(start, received_on):
            # "Landlords must accept complaints referred to them within 12 months of the issue
            # occurring or the resident becoming aware of the issue" (2.3)
            problems.append(
                RuleViolation(
                    f"The complaint was received on {format_day(received_on)}, within 12 months "
                    f"of {format_day(start)} (that is, by "
                    f"{format_day(twelve_months_after(start))}), so it must be "
                    "accepted. The 12 months run from the issue or from when the resident became "
                    "aware of it, whichever is later, to the day the complaint was made.",
                    provision="2.3",
                    field="issue_arose_on",
                )
            )
        if not refusal.discretion_decision.strip():
            # "Landlords must consider whether to apply discretion to accept complaints made
            # outside this time limit where there are good reasons to do so" (2.3)
            problems.append(
                RuleViolation(
                    "Record whether discretion to accept the complaint anyway was considered, "
                    "and why it was not used.",
                    provision="2.3",
                    field="discretion_decision",
                )
            )
    elif reason is RefusalReason.LEGAL_PROCEEDINGS and refusal.proceedings_started_on is None:
        # Proceedings have started once the claim has been filed at court (2.2).
        problems.append(
            RuleViolation(
                "Record when legal proceedings started (the claim was filed at court).",
                provision="2.2",
                field="proceedings_started_on",
            )
        )
    elif (
        reason is RefusalReason.LEGAL_PROCEEDINGS
        and refusal.refused_on is not None
        and refusal.proceedings_started_on > refusal.refused_on
    ):
        problems.append(
            RuleViolation(
                f"Legal proceedings that start on {format_day(refusal.proceedings_started_on)} had not "
                f"started on {format_day(refusal.refused_on)}: a complaint can only be refused once the "
                "claim has been filed at court.",
                provision="2.2",
                field="proceedings_started_on",
            )
        )
    elif (
        reason is RefusalReason.PREVIOUSLY_CONSIDERED
        and not refusal.previous_case_reference.strip()
    ):
        problems.append(
            RuleViolation(
                "Give the reference of the complaint that already considered this matter.",
                provision="2.2",
                field="previous_case_reference",
            )
        )
    elif reason is RefusalReason.OTHER and not refusal.about.strip():
        # Judged case by case (2.1), never a blanket exclusion (2.5): each is listed in the
        # annual report by what it was about, so a pattern shows.
        problems.append(
            RuleViolation(
                "Say what the complaint is about (for example \"repairs by a contractor\"): refusals "
                "for another reason are listed in the annual report by what they were about.",
                provision="2.5",
                field="about",
            )
        )
    return problems


def check_refusal(refusal: Refusal, *, received_on: date) -> None:
    """Raise the first problem ``refusal_problems`` finds, if any."""
    problems = refusal_problems(refusal, received_on=received_on)
    if problems:
        raise problems[0]
