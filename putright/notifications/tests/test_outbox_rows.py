"""Case events queue emails in the same transaction as the event, for complaints with an address."""

from __future__ import annotations

import datetime as dt
import pytest
from django.db import transaction

from putright.cases import actions
from putright.cases.models import LandlordSettings
from putright.cases.tests.factories import TODAY, complaint_at, extend_kwargs, log_complaint, log_service_request
from putright.letters import actions as letter_actions
from putright.letters.models import LetterKind
from putright.letters.tests import factories as lf
from putright.notifications.models import LINK_PLACEHOLDER, Outbox
from putright.residents.models import Representative, Resident
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


def test_it_queues_a_receipt_with_the_dates_and_a_link_placeholder(resident):
    case = log_complaint(resident=resident)
    row = Outbox.objects.get(case=case)
    assert (row.kind, row.to, row.link_for, row.sent_at) == ("receipt", "rita@example.org", "rita@example.org", None)
    assert row.event.kind == "logged" and row.next_attempt_at is not None
    assert row.subject == f"We have received your complaint ({case.reference})"
    assert "9 November 2026" in row.body_text and "23 November 2026" in row.body_text
    assert LINK_PLACEHOLDER in row.body_text and LINK_PLACEHOLDER in row.body_html


def test_it_commits_and_rolls_back_with_the_event(resident):
    with pytest.raises(RuntimeError), transaction.atomic():
        log_complaint(resident=resident)
        assert Outbox.objects.count() == 1  # written inside the action's transaction
        raise RuntimeError("the caller's transaction fails after the action")
    assert not Outbox.objects.exists()


def test_it_writes_nothing_when_the_action_is_refused(resident, handler):
    case = log_complaint(resident=resident)
    with pytest.raises(RuleViolation):
        actions.request_stage_two(case, requested_on=TODAY, actor=handler, today=TODAY)
    assert list(Outbox.objects.values_list("kind", flat=True)) == ["receipt"]


def test_it_sends_nothing_without_an_address_or_for_a_service_request(db, resident):
    log_complaint(resident=Resident.objects.create(name="No Email"))
    log_service_request(resident=resident)
    assert not Outbox.objects.exists()


def test_it_writes_to_the_resident_and_the_representative(resident):
    rep = Representative.objects.create(resident=resident, name="Ann Patel", email="ann@example.org")
    case = log_complaint(resident=resident, representative=rep)
    assert sorted(Outbox.objects.filter(case=case).values_list("to", flat=True)) == ["ann@example.org", "rita@example.org"]
    assert "Dear Ann Patel" in Outbox.objects.get(to="ann@example.org").body_text


def test_it_queues_one_email_per_step_of_the_complaint(resident, handler, other_handler):
    case = complaint_at(State.STAGE2_RESPONDED, handler=handler, stage2_handler=other_handler, resident=resident)
    kinds = list(Outbox.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
    # The responses are told when their letters are issued (below), not when they are recorded.
    assert kinds == ["receipt", "acknowledgement", "stage-two-request", "acknowledgement"]
    lf.landlord()
    letter_actions.issue_letter(letter_actions.draft_letter(case, LetterKind.STAGE2_RESPONSE, actor=other_handler), other_handler, today=TODAY)
    kinds = list(Outbox.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
    assert kinds == ["receipt", "acknowledgement", "stage-two-request", "acknowledgement", "response"]
    ack = Outbox.objects.filter(kind="acknowledgement").order_by("id").first()
    assert "The kitchen leak was not repaired on time." in ack.body_text and "18 November 2026" in ack.body_text
    final = Outbox.objects.get(kind="response")
    assert "final response" in final.subject.lower() and "Housing Ombudsman" in final.body_text
    s2 = Outbox.objects.get(kind="stage-two-request")
    assert "24 November 2026" in s2.body_text and "22 December 2026" in s2.body_text


def test_it_gives_the_reason_and_the_ombudsman_on_an_extension(resident, handler):
    settings_row = LandlordSettings.load()
    settings_row.is_council = True
    settings_row.save()
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    lf.landlord()
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **extend_kwargs())
    assert not Outbox.objects.filter(kind="extension").exists()  # recorded, not sent: nobody told yet
    letter = letter_actions.draft_letter(case, LetterKind.EXTENSION, actor=handler)
    letter_actions.issue_letter(letter, handler, today=dt.date(2026, 11, 17))
    row = Outbox.objects.get(kind="extension")
    assert "We are waiting for the contractor's report." in row.body_text
    assert "25 November 2026" in row.body_text and "18 November 2026" in row.body_text
    assert "every 5 working days" in row.body_text
    assert "Housing Ombudsman Service, PO Box 1484" in row.body_text
    assert "Local Government and Social Care Ombudsman" in row.body_text
    assert "PO Box 1484" in row.body_html


def test_a_broken_template_never_stops_casework(resident, monkeypatch):
    from putright.notifications import emails

    def broken(case, event):
        raise ValueError("template missing")

    monkeypatch.setitem(emails.FOR_EVENT, "logged", broken)
    case = log_complaint(resident=resident)
    assert case.pk is not None
    row = Outbox.objects.get()
    assert row.status == "failed" and "template missing" in row.last_error



def test_it_tells_the_resident_of_the_response_when_the_letter_is_issued_once(resident, handler):
    lf.landlord()
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident)
    assert not Outbox.objects.filter(case=case, kind="response").exists()  # no letter yet
    letter = letter_actions.draft_letter(case, LetterKind.STAGE1_RESPONSE, actor=handler)
    assert not Outbox.objects.filter(case=case, kind="response").exists()  # a draft tells nobody
    letter = letter_actions.issue_letter(letter, handler, today=TODAY)
    row = Outbox.objects.get(case=case, kind="response")
    assert row.event.kind == "responded" and row.event.data["stage"] == 1
    assert "ask us to look at it again (stage 2)" in row.body_text and f"/my-cases/{case.reference}/stage-2/" in row.body_text
    from putright.notifications.signals import on_letter_saved

    on_letter_saved(type(letter), letter, created=False)  # the signal again: nothing more queued
    assert Outbox.objects.filter(case=case, kind="response").count() == 1


def test_it_sends_a_cases_emails_oldest_first(resident, handler, mailoutbox):
    from putright.notifications.outbox import send_now

    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    told = extend_kwargs()["resident_told_on"]
    actions.extend(case, actor=handler, today=told, **extend_kwargs())  # recorded the day the resident was told
    lf.landlord()
    letter_actions.issue_letter(letter_actions.draft_letter(case, LetterKind.EXTENSION, actor=handler), handler, today=told)
    send_now(list(Outbox.objects.filter(case=case, sent_at__isnull=True)))  # newest first, by default
    subjects = [m.subject for m in mailoutbox]
    expected = list(Outbox.objects.filter(case=case).order_by("created_at", "id").values_list("subject", flat=True))
    assert subjects == expected and len(subjects) == 3
