"""Letters about hazards: the written summary (complete by construction, and it records itself on
the hazard report when issued) and the complaint response saying which legal steps were met."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases import actions as case_actions
from putright.cases.tests import factories as f
from putright.hazards import actions
from putright.hazards.models import Outcome
from putright.letters import actions as letter_actions
from putright.letters.drafting import applicable_kinds
from putright.letters.tests.factories import landlord
from putright.rules.hazards import local_moment

from .helpers import raise_damp

pytestmark = pytest.mark.django_db


def at(*args):
    return local_moment(dt.datetime(*args))


def test_the_written_summary_is_offered_checked_and_recorded(handler, resident):
    landlord()
    case = f.log_service_request(resident=resident, actor=handler)
    report = raise_damp(case, actor=handler)
    assert ("hazard_summary", None) not in applicable_kinds(case)  # nothing to summarise yet
    actions.record_investigation(report, concluded_at=at(2026, 11, 12, 11, 0), investigator="Dana Price", findings="Failed extractor fan.", outcome=Outcome.SIGNIFICANT_FOUND, actor=handler)
    assert ("hazard_summary", None) in applicable_kinds(case)
    letter = letter_actions.draft_letter(case, "hazard_summary", actor=handler)
    assert letter_actions.problems(letter) == []
    letter = letter_actions.issue_letter(letter, handler, today=dt.date(2026, 11, 16))
    assert "Failed extractor fan." in letter.text
    assert "We will make your home safe by Thu 19 Nov 2026" in letter.text
    report.refresh_from_db()
    assert report.summary_given_on == dt.date(2026, 11, 16) and report.summary_letter == letter
    assert ("hazard_summary", None) not in applicable_kinds(case)


def test_a_summary_with_its_wording_marker_removed_cannot_be_issued(handler, resident):
    landlord()
    case = f.log_service_request(resident=resident, actor=handler)
    report = raise_damp(case, actor=handler)
    actions.record_investigation(report, concluded_at=at(2026, 11, 12, 11, 0), investigator="Dana", findings="Mould.", outcome=Outcome.SIGNIFICANT_FOUND, actor=handler)
    letter = letter_actions.draft_letter(case, "hazard_summary", actor=handler)
    letter = letter_actions.save_draft(letter, subject="Findings", body_html="<p>We looked.</p>", actor=handler)
    with pytest.raises(letter_actions.LetterIncomplete):
        letter_actions.issue_letter(letter, handler, today=dt.date(2026, 11, 16))
    report.refresh_from_db()
    assert report.summary_given_on is None


def test_the_response_says_which_legal_steps_were_met(handler, resident):
    landlord()
    request = f.log_service_request(resident=resident, actor=handler)
    report = raise_damp(request, actor=handler)  # aware Thu 5 Nov 16:30, investigate by Thu 19 Nov
    actions.record_investigation(report, concluded_at=at(2026, 11, 12, 11, 0), investigator="Dana", findings="Mould.", outcome=Outcome.SIGNIFICANT_FOUND, actor=handler)
    actions.record_summary(report, given_on=dt.date(2026, 11, 18), actor=handler)  # due Tue 17 Nov: missed
    complaint = case_actions.convert_to_complaint(request, received_on=dt.date(2026, 11, 2), description="Too slow.", actor=handler, today=f.TODAY)
    # Each step recorded on the day it is dated, as a handler keeping the record up to date would.
    case_actions.acknowledge(complaint, actor=handler, today=f.ACKNOWLEDGED, **f.ack_kwargs())
    case_actions.respond(complaint, responded_on=f.RESPONDED, points=f.points(), actor=handler, today=f.RESPONDED)
    letter = letter_actions.draft_letter(complaint, "stage1_response", actor=handler)
    letter = letter_actions.issue_letter(letter, handler, today=f.TODAY)
    text = " ".join(letter.text.split())
    assert "Awaab's Law" in text
    assert "Investigate. Met: done Thu 12 Nov 2026 11:00 (GMT); the law's date was Thu 19 Nov 2026." in text
    assert "Written summary of the findings to the tenant. Missed: done Wed 18 Nov 2026, after the law's date of Tue 17 Nov 2026." in text
    assert [h["hazard"] for h in letter.sections["hazards"]] == ["Damp and mould growth"]
