"""Refusing a complaint: what the record must hold (Code section 2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from putright.rules.errors import RuleViolation
from putright.rules.exclusions import (
    REFUSAL_REASON_LABELS,
    Refusal,
    RefusalReason,
    check_refusal,
    is_over_12_months,
    refusal_problems,
    twelve_months_after,
)

RECEIVED_ON = date(2025, 3, 2)
EXPLANATION = "We cannot look at this as a complaint because ..."

GOOD = {
    RefusalReason.OVER_12_MONTHS: Refusal(
        RefusalReason.OVER_12_MONTHS,
        EXPLANATION,
        True,
        issue_arose_on=date(2024, 3, 1),
        discretion_decision="Considered; no reason given for the delay, so not exercised.",
    ),
    RefusalReason.LEGAL_PROCEEDINGS: Refusal(
        RefusalReason.LEGAL_PROCEEDINGS, EXPLANATION, True, proceedings_started_on=date(2025, 1, 10)
    ),
    RefusalReason.PREVIOUSLY_CONSIDERED: Refusal(
        RefusalReason.PREVIOUSLY_CONSIDERED,
        EXPLANATION,
        True,
        previous_case_reference="C-2024-0113",
    ),
    RefusalReason.OTHER: Refusal(RefusalReason.OTHER, EXPLANATION, True, about="Noise from a neighbour's dog"),
}


def problems(
    refusal: Refusal, received_on: date = RECEIVED_ON
) -> list[tuple[str | None, str | None]]:
    return [(p.field, p.provision) for p in refusal_problems(refusal, received_on=received_on)]


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_a_complete_refusal_passes(reason: RefusalReason) -> None:
    assert problems(GOOD[reason]) == []
    check_refusal(GOOD[reason], received_on=RECEIVED_ON)
    assert REFUSAL_REASON_LABELS[reason]


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_every_refusal_is_explained_with_ombudsman_rights(reason: RefusalReason) -> None:
    refusal = replace(GOOD[reason], explanation="  ", ombudsman_rights_given=False)
    assert problems(refusal) == [("explanation", "2.4"), ("ombudsman_rights_given", "2.4")]
    with pytest.raises(RuleViolation) as caught:
        check_refusal(refusal, received_on=RECEIVED_ON)
    assert caught.value.field == "explanation"  # the first problem


@pytest.mark.parametrize(
    ("reason", "change", "expected"),
    [
        (RefusalReason.OVER_12_MONTHS, {"issue_arose_on": None}, [("issue_arose_on", "2.2")]),
        (
            RefusalReason.OVER_12_MONTHS,
            {"discretion_decision": " "},
            [("discretion_decision", "2.3")],
        ),
        (
            RefusalReason.OVER_12_MONTHS,
            {"issue_arose_on": date(2024, 3, 2)},
            [("issue_arose_on", "2.3")],
        ),
        (
            RefusalReason.OVER_12_MONTHS,
            {"issue_arose_on": None, "discretion_decision": ""},
            [("issue_arose_on", "2.2"), ("discretion_decision", "2.3")],
        ),
        (
            RefusalReason.LEGAL_PROCEEDINGS,
            {"proceedings_started_on": None},
            [("proceedings_started_on", "2.2")],
        ),
        (
            RefusalReason.PREVIOUSLY_CONSIDERED,
            {"previous_case_reference": ""},
            [("previous_case_reference", "2.2")],
        ),
    ],
)
def test_each_reason_needs_its_evidence(
    reason: RefusalReason, change: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert problems(replace(GOOD[reason], **change)) == expected


@pytest.mark.parametrize(
    ("issue_arose_on", "received_on", "over"),
    [
        (date(2024, 3, 1), date(2025, 3, 1), False),  # the anniversary is still within 12 months
        (date(2024, 3, 1), date(2025, 3, 2), True),
        (date(2024, 2, 29), date(2025, 2, 28), False),  # 29 Feb's anniversary is 28 Feb
        (date(2024, 2, 29), date(2025, 3, 1), True),
        (date(2023, 2, 28), date(2024, 2, 29), True),  # a leap year adds no extra day
        (date(2025, 1, 10), date(2025, 1, 9), False),  # an issue after the complaint: not over
    ],
)
def test_the_12_month_boundary(issue_arose_on: date, received_on: date, over: bool) -> None:
    assert is_over_12_months(issue_arose_on, received_on) is over
    refusal = replace(GOOD[RefusalReason.OVER_12_MONTHS], issue_arose_on=issue_arose_on)
    assert problems(refusal, received_on) == ([] if over else [("issue_arose_on", "2.3")])


def test_twelve_months_after() -> None:
    assert twelve_months_after(date(2024, 3, 1)) == date(2025, 3, 1)
    assert twelve_months_after(date(2024, 2, 29)) == date(2025, 2, 28)


def test_within_12_months_message() -> None:
    refusal = replace(GOOD[RefusalReason.OVER_12_MONTHS], issue_arose_on=date(2024, 3, 2))
    with pytest.raises(RuleViolation) as caught:
        check_refusal(refusal, received_on=RECEIVED_ON)
    assert str(caught.value) == (
        "The complaint was received on Sun 2 Mar 2025, within 12 months of Sat 2 Mar 2024 "
        "(that is, by Sun 2 Mar 2025), so it must be accepted. The 12 months run from the issue or "
        "from when the resident became aware of it, whichever is later, to the day the complaint "
        "was made. (Code 2.3)"
    )


def test_the_12_months_run_from_when_the_resident_became_aware_if_later() -> None:
    # The issue arose two years before, but the resident only found out 3 months ago (2.3).
    late_found = replace(GOOD[RefusalReason.OVER_12_MONTHS], issue_arose_on=date(2023, 1, 5), became_aware_on=date(2024, 12, 1))
    assert problems(late_found) == [("issue_arose_on", "2.3")]
    assert problems(replace(late_found, became_aware_on=date(2024, 2, 1))) == []
    assert problems(replace(late_found, became_aware_on=date(2022, 1, 1))) == [("became_aware_on", None)]


def test_legal_proceedings_must_have_started_by_the_refusal() -> None:
    future = replace(GOOD[RefusalReason.LEGAL_PROCEEDINGS], proceedings_started_on=date(2025, 4, 1), refused_on=date(2025, 3, 3))
    assert problems(future) == [("proceedings_started_on", "2.2")]
    assert problems(replace(future, refused_on=date(2025, 4, 1))) == []


def test_another_reason_says_what_the_complaint_was_about() -> None:
    assert problems(replace(GOOD[RefusalReason.OTHER], about=" ")) == [("about", "2.5")]


def test_rule_violation() -> None:
    err = RuleViolation("Not allowed.", provision="6.13", field="handler")
    assert (err.message, err.provision, err.field, str(err)) == (
        "Not allowed.",
        "6.13",
        "handler",
        "Not allowed. (Code 6.13)",
    )
    assert str(RuleViolation("Plain.")) == "Plain."
