"""Evidence on residents' safeguards: adjustments kept under review (5.10), restrictions on contact
reviewed (5.14) and with regard to the Equality Act (5.15)."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.residents import actions
from putright.residents.models import AdjustmentKind, Resident, Restriction
from putright.selfassessment import evidence as data

from .history import evidence


@pytest.fixture
def adjustments(manager, resident):
    other = Resident.objects.create(name="Olu Ade")

    def add(who, kind, agreed_on, review_by):
        return actions.add_adjustment(who, kind=kind, description="Large print letters", agreed_on=agreed_on,
                                      review_by=review_by, actor=manager, today=agreed_on)

    kept = add(resident, AdjustmentKind.REASONABLE_ADJUSTMENT, dt.date(2025, 5, 1), dt.date(2025, 11, 1))
    actions.review_adjustment(kept, reviewed_on=dt.date(2025, 10, 20), outcome="continue", note="Still needed.",
                              next_review_by=dt.date(2026, 10, 1), actor=manager, today=dt.date(2025, 10, 20))
    add(resident, AdjustmentKind.DISCLOSED_DISABILITY, dt.date(2025, 6, 1), dt.date(2025, 12, 1))  # never reviewed
    old = add(other, AdjustmentKind.VULNERABILITY, dt.date(2024, 1, 10), dt.date(2024, 6, 1))
    actions.review_adjustment(old, reviewed_on=dt.date(2024, 5, 20), outcome="end", note="No longer needed.",
                              actor=manager, today=dt.date(2024, 5, 20))  # ended before 2025/26
    add(other, AdjustmentKind.VULNERABILITY, dt.date(2026, 5, 1), dt.date(2026, 11, 1))  # 2026/27


def test_it_counts_adjustments_and_finds_missed_reviews(adjustments):
    item = evidence()["5.10"]
    assert item.sentence == (
        "2 adjustments and disclosures recorded for residents applied during 2025/26 (1 agreed adjustment, "
        "1 disclosed disability, 0 vulnerabilities; 2 recorded in the year); 1 passed its review date without a review."
    )
    assert item.failures == 1 and item.counts["review_missed"] == 1 and item.counts["applied"] == 2
    assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 adjustment or disclosure not reviewed by the "
                                         "review date.")


def test_adjustments_reviewed_in_time_give_no_warning(manager, resident):
    adjustment = actions.add_adjustment(resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Calls after 10am",
                                        agreed_on=dt.date(2025, 5, 1), review_by=dt.date(2025, 11, 1), actor=manager,
                                        today=dt.date(2025, 5, 1))
    actions.review_adjustment(adjustment, reviewed_on=dt.date(2025, 11, 1), outcome="end", note="Moved to email.",
                              actor=manager, today=dt.date(2025, 11, 1))
    item = evidence()["5.10"]
    assert item.counts["applied"] == 1 and item.failures == 0 and data.warning(item, "yes") == ""


@pytest.fixture
def restrictions(manager, resident):
    other = Resident.objects.create(name="Olu Ade")

    def add(who, starts_on, review_by):
        return actions.add_restriction(
            who, reasons="Abusive calls to staff.", evidence="Call logs of 3, 5 and 9 May.", restricted="Contact by email only.",
            equality_considerations="No disability disclosed; email suits the resident.", starts_on=starts_on,
            review_by=review_by, actor=manager, today=starts_on)

    reviewed = add(resident, dt.date(2025, 6, 1), dt.date(2025, 9, 1))
    actions.review_restriction(reviewed, reviewed_on=dt.date(2025, 8, 25), outcome="continue", notes="Calls continue.",
                               next_review_by=dt.date(2025, 12, 1), actor=manager, today=dt.date(2025, 8, 25))
    actions.review_restriction(reviewed, reviewed_on=dt.date(2025, 11, 20), outcome="end", notes="Behaviour improved.",
                               actor=manager, today=dt.date(2025, 11, 20))
    lapsed = add(other, dt.date(2025, 7, 1), dt.date(2025, 10, 1))  # never reviewed
    actions.end_restriction(lapsed, ended_on=dt.date(2025, 12, 1), reason="Found it had lapsed; resident told.",
                            actor=manager, today=dt.date(2025, 12, 1))
    add(other, dt.date(2024, 4, 1), dt.date(2024, 7, 1))  # lapsed in 2024/25: no longer applied in 2025/26
    return reviewed, lapsed


def test_it_counts_restrictions_and_finds_those_that_lapsed(restrictions):
    found = evidence()
    assert found["5.14"].sentence == (
        "2 restrictions on contact for unacceptable behaviour applied during 2025/26 (2 started and 2 ended in the "
        "year); 1 passed its review date without a review and lapsed."
    )
    assert found["5.14"].failures == 1
    assert data.warning(found["5.14"], "yes") == ("Answered yes, but the figures show 1 restriction not reviewed by the "
                                                  "review date.")
    assert found["5.15"].sentence == ("2 of the 2 restrictions on contact that applied during 2025/26 record how the "
                                      "Equality Act 2010 was considered.")
    assert data.warning(found["5.15"], "yes") == ""


def test_a_restriction_with_no_equality_considerations_is_a_failure(restrictions):
    reviewed, _ = restrictions
    Restriction.objects.filter(pk=reviewed.pk).update(equality_considerations="")  # as an admin edit could leave it
    item = evidence()["5.15"]
    assert item.failures == 1 and item.sentence.startswith("1 of the 2 restrictions")
    assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 restriction with no record of how the "
                                         "Equality Act 2010 was considered.")


def test_restrictions_reviewed_in_time_give_no_warning(manager, resident):
    restriction = actions.add_restriction(
        resident, reasons="Threats to a contractor.", evidence="Contractor's report of 2 June.", restricted="Visits by two officers only.",
        equality_considerations="Considered the resident's anxiety; phone contact kept.", starts_on=dt.date(2025, 6, 3),
        review_by=dt.date(2025, 9, 1), actor=manager, today=dt.date(2025, 6, 3))
    actions.review_restriction(restriction, reviewed_on=dt.date(2025, 9, 1), outcome="continue", notes="Still needed.",
                               next_review_by=dt.date(2026, 2, 27), actor=manager, today=dt.date(2025, 9, 1))
    actions.review_restriction(restriction, reviewed_on=dt.date(2026, 2, 20), outcome="continue", notes="Still needed.",
                               next_review_by=dt.date(2026, 8, 1), actor=manager, today=dt.date(2026, 2, 20))
    item = evidence()["5.14"]
    assert item.counts["total"] == 1 and item.counts["lapsed"] == 0 and data.warning(item, "yes") == ""
