"""Issue 12, way round 6: a response, extension or refusal counts as issued only when its letter
is (or a recorded equivalent sent another way, with its text). Until then the case says
"response recorded, letter not sent", the resident is not told, and CH02 counts it as late."""

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import Correspondence, LateEntry, Refusal, Stage
from putright.letters import actions as letter_actions
from putright.letters.models import LetterKind
from putright.letters.tests import factories as lf
from putright.notifications.models import Outbox
from putright.reports.queries import annual_figures, case_filters
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import State
from putright.selfassessment import evidence as data

from . import factories as f
from .test_views_forms import date_fields, error_summary, step_url

pytestmark = pytest.mark.django_db

RESPOND_BY = f.RESPOND_BY  # Wed 18 Nov 2026
PHONE_TEXT = "We have looked into your complaint and upheld it: the repair was late. You can ask for stage 2."


def _responded(handler, resident=None, on=f.RESPONDED):
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    return actions.respond(case, responded_on=on, points=f.points(), actor=handler, today=on)


def _stage1(case):
    return Stage.objects.get(case=case, number=1)


def _ch02():
    figures = annual_figures(2026)["stage1"]
    return figures["responded"], figures["within_timescale"], figures["late"]


def test_a_response_recorded_but_not_sent_counts_as_late_until_its_letter_is_issued(handler, resident):
    lf.landlord()
    case = _responded(handler, resident)
    stage = _stage1(case)
    assert stage.response_issued_on is None and stage.response_counts_late and not stage.response_entered_late
    assert _ch02() == (1, 0, 1)
    assert set(case_filters(2026, "stage1.late")) == {case}
    assert data.evidence_for(2026, today=f.TODAY)["6.3"].counts["late"] == 1
    assert not Outbox.objects.filter(case=case, kind="response").exists()

    letter = letter_actions.draft_letter(case, LetterKind.STAGE1_RESPONSE, actor=handler)
    letter_actions.issue_letter(letter, handler, today=f.RESPONDED)
    stage = _stage1(case)
    assert (stage.response_issued_on, stage.responded_on, stage.response_counts_late) == (f.RESPONDED, f.RESPONDED, False)
    assert _ch02() == (1, 1, 0)
    assert set(case_filters(2026, "stage1.within_timescale")) == {case}
    assert data.evidence_for(2026, today=f.TODAY)["6.3"].counts["late"] == 0
    assert Outbox.objects.filter(case=case, kind="response").count() == 1
    assert case.events.filter(kind="issued", data__step="response", data__via="by letter").exists()


def test_a_letter_issued_after_the_deadline_makes_the_response_late_from_the_day_it_was_sent(handler):
    lf.landlord()
    case = _responded(handler)  # dated Mon 16 Nov, due by Wed 18 Nov
    issued = dt.date(2026, 11, 20)
    letter = letter_actions.draft_letter(case, LetterKind.STAGE1_RESPONSE, actor=handler)
    letter_actions.issue_letter(letter, handler, today=issued)
    stage = _stage1(case)
    assert (stage.responded_on, stage.response_issued_on) == (issued, issued)  # the clock stops when it is sent
    assert _ch02() == (1, 0, 1)
    event = case.events.get(kind="issued")
    assert "counts from 20 November 2026" in event.summary and "late: due by 18 November 2026" in event.summary


def test_sent_another_way_needs_its_text_and_counts_from_when_it_was_sent(handler):
    case = _responded(handler)
    with pytest.raises(RuleViolation) as caught:
        actions.send_another_way(case, step="response", sent_on=f.RESPONDED, method="phone", text=" ", actor=handler, today=f.RESPONDED)
    assert caught.value.field == "text"
    with pytest.raises(RuleViolation) as caught:
        actions.send_another_way(case, step="response", sent_on=dt.date(2026, 11, 13), method="phone", text=PHONE_TEXT, actor=handler, today=f.RESPONDED)
    assert caught.value.field == "sent_on"  # before the response it sends
    actions.send_another_way(case, step="response", sent_on=f.RESPONDED, method="email", text=PHONE_TEXT, actor=handler, today=f.RESPONDED)
    sent = Correspondence.objects.get(case=case, direction="out")
    assert (sent.body, sent.method, sent.occurred_on) == (PHONE_TEXT, "email", f.RESPONDED)
    assert _stage1(case).response_issued_on == f.RESPONDED and _ch02() == (1, 1, 0)
    with pytest.raises(RuleViolation):  # nothing is waiting any more
        actions.send_another_way(case, step="response", sent_on=f.RESPONDED, method="email", text=PHONE_TEXT, actor=handler, today=f.RESPONDED)


def test_a_sending_recorded_weeks_later_is_a_late_entry(handler, manager):
    case = _responded(handler)
    later = dt.date(2026, 12, 4)
    with pytest.raises(RuleViolation) as caught:
        actions.send_another_way(case, step="response", sent_on=f.RESPONDED, method="letter", text=PHONE_TEXT, actor=handler, today=later)
    assert caught.value.field == "late_entry_reason"
    actions.send_another_way(case, step="response", sent_on=f.RESPONDED, method="letter", text=PHONE_TEXT, actor=handler, today=later,
                             late_entry_reason="Posted from the area office; the copy reached us in December.")
    stage = _stage1(case)
    assert stage.response_issued_on == f.RESPONDED and stage.response_entered_late and stage.response_counts_late
    assert _ch02() == (1, 0, 1)
    assert LateEntry.objects.filter(case=case, step="responded", counts_late=True, recorded_on=later).exists()


def test_an_extension_counts_only_once_sent_and_only_if_sent_before_the_date_it_extends(handler):
    ombudsman = "We need more time. You can contact the Housing Ombudsman on 0300 111 3000."
    # Extended to 25 Nov, recorded on 17 Nov, never sent: a response on 24 Nov is late.
    unsent = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(unsent, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    # The same, its letter sent on 17 Nov: on time.
    sent = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(sent, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    actions.send_another_way(sent, step="extension", sent_on=dt.date(2026, 11, 17), method="email", text=ombudsman,
                             actor=handler, today=dt.date(2026, 11, 17))
    # Sent on 19 Nov, after the 18 Nov it extended had passed: not agreed in time.
    too_late = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(too_late, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    actions.send_another_way(too_late, step="extension", sent_on=dt.date(2026, 11, 19), method="email", text=ombudsman,
                             actor=handler, today=dt.date(2026, 11, 19))
    assert "not agreed in time" in too_late.events.get(kind="issued").summary
    for case in (unsent, sent, too_late):
        actions.respond(case, responded_on=dt.date(2026, 11, 23), points=f.points(), actor=handler, today=dt.date(2026, 11, 23))
        actions.send_another_way(case, step="response", sent_on=dt.date(2026, 11, 23), method="email", text=PHONE_TEXT,
                                 actor=handler, today=dt.date(2026, 11, 23))
    assert [_stage1(c).response_counts_late for c in (unsent, sent, too_late)] == [True, False, True]
    assert _ch02() == (3, 1, 2)
    assert set(case_filters(2026, "stage1.within_timescale")) == {sent}


def test_a_refusal_is_sent_by_its_letter(handler, manager):
    lf.landlord()
    case = f.log_complaint(handler=handler, actor=handler)
    actions.refuse(case, actor=manager, today=dt.date(2026, 11, 3), **f.refuse_kwargs())
    assert Refusal.objects.get(case=case).issued_on is None
    letter = letter_actions.draft_letter(case, LetterKind.REFUSAL, actor=handler)
    letter_actions.issue_letter(letter, handler, today=dt.date(2026, 11, 4))
    assert Refusal.objects.get(case=case).issued_on == dt.date(2026, 11, 4)


def test_the_pages_say_recorded_not_sent_and_take_what_was_sent_another_way(client, handler, resident, today):
    case = _responded(handler, resident)
    client.force_login(handler)
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Response recorded, letter not sent" in html
    # The resident's page does not say it was sent.
    assert "Responded 16 November 2026" not in _portal_page(client, case, resident)
    client.force_login(handler)
    refused = client.post(step_url(case, "sent-another-way"), {"step": "response", **date_fields("sent_on", f.RESPONDED), "method": "phone", "text": ""})
    assert refused.status_code == 200 and "text" in error_summary(refused).lower()
    done = client.post(step_url(case, "sent-another-way"),
                       {"step": "response", **date_fields("sent_on", today), "method": "phone", "text": PHONE_TEXT})
    assert done.status_code == 302, error_summary(done)
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Response recorded, letter not sent" not in html
    assert _stage1(case).response_issued_on is not None
    assert "Responded" in _portal_page(client, case, resident)


def _portal_page(client, case, resident) -> str:
    from putright.portal.tests.test_track import sign_in

    client.logout()
    sign_in(client, resident.email)
    page = client.get(f"/my-cases/{case.reference}/")
    assert page.status_code == 200
    return page.content.decode()
