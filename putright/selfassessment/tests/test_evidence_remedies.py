"""Evidence on putting things right: remedies at any stage (5.13), by kind (7.1), followed
through by their date (7.3); and outstanding actions after a response (6.6, 6.17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from putright.cases import actions
from putright.cases.models import PaymentMethod, Remedy, RemedyKind
from putright.selfassessment import evidence as data

from .history import TODAY, answered, escalated, evidence


def remedy(case, handler, kind=RemedyKind.APOLOGY, **kw):
    kw.setdefault("description", "We will put it right.")
    return actions.add_remedy(case, kind=kind, actor=handler, today=TODAY, **kw)


@pytest.fixture
def remedies(handler, other_handler):
    """Four remedies offered in 2025/26 on two complaints, at both stages; three fell due in the
    year (one done in time, one late, one never), one falls due in 2026/27."""
    first = answered(handler, description="A")
    second = escalated(answered(handler, description="B"), handler, other_handler)
    in_time = remedy(first, handler, due_by=dt.date(2025, 7, 1))
    actions.complete_remedy(in_time, completed_on=dt.date(2025, 6, 30), actor=handler, today=TODAY)
    late = remedy(first, handler, RemedyKind.FINANCIAL, amount=Decimal(250), payment_method=PaymentMethod.MONEY,
                  due_by=dt.date(2025, 7, 1))
    actions.complete_remedy(late, completed_on=dt.date(2025, 8, 15), actor=handler, today=TODAY)
    remedy(second, other_handler, RemedyKind.ACTION_ON_DELAY, due_by=dt.date(2026, 3, 1))  # never done
    remedy(second, other_handler, RemedyKind.APOLOGY, due_by=dt.date(2026, 4, 30))  # due in 2026/27
    return first, second


def test_it_counts_remedies_offered_at_each_stage_and_by_kind(remedies):
    found = evidence()
    assert found["5.13"].sentence == "4 remedies offered in 2025/26 on 2 complaints: 2 at stage 1, 2 at stage 2."
    assert found["5.13"].counts == {"offered": 4, "complaints": 2, "stage1": 2, "stage2": 2, "other": 0}
    assert found["7.1"].sentence == ("4 remedies offered in 2025/26, by the kinds 7.1 lists: apologising 2; taking action if "
                                     "there has been delay 1; providing a financial remedy 1; £250.00 in financial remedies.")
    assert not found["5.13"].failures and not found["7.1"].failures


def test_it_follows_remedies_through_to_completion(remedies):
    first, second = remedies
    item = evidence()["7.3"]
    assert item.sentence == ("3 remedies due in 2025/26: 1 completed by their date, 1 completed late, 1 overdue and still open.")
    assert item.counts == {"due": 3, "on_time": 1, "late": 1, "overdue": 1, "pending": 0, "undated": 0}
    assert item.failures == 2 and item.references == tuple(sorted([first.reference, second.reference]))
    assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 remedy completed after its date and "
                                         "1 remedy overdue and still open.")


def test_a_remedy_with_no_date_is_a_failure(handler):
    case = answered(handler)
    done = remedy(case, handler, completed_on=dt.date(2025, 6, 20))  # done at once: no date needed
    assert evidence()["7.3"].sentence == "No remedies fell due in 2025/26."
    assert data.warning(evidence()["7.3"], "yes") == ""
    Remedy.objects.filter(pk=done.pk).update(completed_on=None)  # reopened in the admin, with no date set
    item = evidence()["7.3"]
    assert item.counts["undated"] == 1 and item.failures == 1 and item.references == (case.reference,)
    assert item.sentence == "No remedies fell due in 2025/26; 1 remedy offered in the year with no date set."


def test_while_the_year_runs_a_remedy_not_yet_due_is_no_failure(handler):
    case = answered(handler, received_on=dt.date(2026, 10, 5))  # 2026/27, counted on 23 November 2026
    remedy(case, handler, due_by=dt.date(2026, 12, 18))
    item = evidence(year=2026)["7.3"]
    assert item.counts == {"due": 1, "on_time": 0, "late": 0, "overdue": 0, "pending": 1, "undated": 0}
    assert item.sentence == "1 remedy due in 2026/27: 0 completed by their date, 0 completed late, 0 overdue and still open, 1 not yet due."
    assert data.warning(item, "yes") == ""
    assert data.evidence_for(2026, today=dt.date(2026, 12, 21))["7.3"].counts["overdue"] == 1


def test_it_tracks_outstanding_actions_at_either_stage(handler):
    case = answered(handler)
    done = actions.add_action(case, description="Replace the worktop", due_by=dt.date(2025, 7, 1), owner_name="Repairs", actor=handler)
    actions.update_action(done, given_on=dt.date(2025, 6, 20), note="Booked for 30 June.", actor=handler, today=TODAY)
    actions.complete_action(done, completed_on=dt.date(2025, 6, 30), actor=handler, today=TODAY)
    late = actions.add_action(case, description="Fix the gutter", due_by=dt.date(2025, 7, 1), owner_name="Repairs", actor=handler)
    actions.complete_action(late, completed_on=dt.date(2025, 7, 9), actor=handler, today=TODAY)
    found = evidence()
    assert data.warning(found["6.6"], "yes") == ("Answered yes, but the figures show 1 outstanding action done after its date.")
    actions.add_action(case, description="Repaint", due_by=dt.date(2026, 1, 15), owner_name="Painters", actor=handler)
    actions.add_action(case, description="Check again", due_by=dt.date(2026, 4, 15), owner_name="Surveyor", actor=handler)  # 2026/27
    found = evidence()
    for number in ("6.6", "6.17"):
        item = found[number]
        assert item.sentence == ("3 outstanding actions due in 2025/26: 1 done by their date, 1 done late, 1 overdue and still "
                                 "open; the resident was given an update on 1 of them.")
        assert item.failures == 2 and item.references == (case.reference,)
        assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 outstanding action done after its date and "
                                             "1 outstanding action overdue and still open.")


def test_actions_done_in_time_give_no_warning(handler):
    case = answered(handler)
    action = actions.add_action(case, description="Replace the worktop", due_by=dt.date(2025, 7, 1), owner_name="Repairs", actor=handler)
    actions.complete_action(action, completed_on=dt.date(2025, 7, 1), actor=handler, today=TODAY)
    item = evidence()["6.17"]
    assert item.counts["on_time"] == 1 and data.warning(item, "yes") == ""
