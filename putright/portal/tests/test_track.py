"""What a signed-in resident sees of their case, and what they can do with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import CaseEvent, Correspondence, RemedyKind
from putright.cases.tests.factories import complaint_at, log_complaint
from putright.notifications.models import Outbox
from putright.portal import access
from putright.portal.models import SurveyResponse
from putright.residents.models import Representative
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


def sign_in(client, email: str) -> None:
    token, _ = access.mint_token(email)
    assert client.post(f"/track/link/{token}/").status_code == 302


def test_it_shows_status_dates_letters_and_remedies_but_never_internal_notes(client, resident, handler):
    today = timezone.localdate()
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident, today=today)
    actions.add_correspondence(case, direction="out", occurred_on=dt.date(2026, 11, 16), subject="Stage 1 response letter",
                               files=[actions.NewFile("response.pdf", "application/pdf", b"%PDF-1.4 x")], actor=handler, today=today)
    actions.add_correspondence(case, direction="note", occurred_on=dt.date(2026, 11, 16), subject="SECRET staff view",
                               body="Resident is difficult", actor=handler, today=today)
    actions.add_correspondence(case, direction="out", internal=True, occurred_on=dt.date(2026, 11, 16), subject="HIDDEN draft", body="draft",
                               actor=handler, today=today)
    actions.add_remedy(case, kind=RemedyKind.FINANCIAL, description="A payment for the inconvenience", amount=150,
                       payment_method="money", due_by=dt.date(2026, 12, 1), actor=handler, today=today)
    sign_in(client, resident.email)
    body = client.get(f"/my-cases/{case.reference}/").content.decode()
    assert "Response sent" in body and "ask us to look at it again (stage 2)" in body
    assert "9 November 2026" in body and "18 November 2026" in body  # acknowledge by, respond by
    assert "leave out weekends, bank holidays and the days our offices are closed" in body  # issue 12, way round 8
    assert "Stage 1 response letter" in body and "response.pdf" in body
    assert "A payment for the inconvenience" in body and "1 December 2026" in body and "£150" in body
    assert "SECRET" not in body and "difficult" not in body and "HIDDEN" not in body
    assert "Ask us to look at it again (stage 2)" in body
    assert "Tell us you have not received our response" in body


def test_it_downloads_a_letter_but_not_an_internal_file(client, resident, handler):
    today = timezone.localdate()
    case = log_complaint(resident=resident, today=today)
    letter = actions.add_correspondence(case, direction="out", occurred_on=today, subject="Letter",
                                        files=[actions.NewFile("letter.pdf", "application/pdf", b"%PDF letter")], actor=handler)
    note = actions.add_correspondence(case, direction="note", occurred_on=today, subject="Note",
                                      files=[actions.NewFile("note.pdf", "application/pdf", b"%PDF note")], actor=handler)
    sign_in(client, resident.email)
    response = client.get(f"/my-cases/{case.reference}/files/{letter.attachments.get().pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF letter"
    assert client.get(f"/my-cases/{case.reference}/files/{note.attachments.get().pk}/").status_code == 404


def test_it_adds_information_with_files(client, resident):
    case = log_complaint(resident=resident, today=timezone.localdate())
    sign_in(client, resident.email)
    photo = SimpleUploadedFile("damp.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    response = client.post(f"/my-cases/{case.reference}/add-information/", {"message": "It is worse now.", "files": [photo]})
    assert response["Location"] == f"/my-cases/{case.reference}/"
    item = Correspondence.objects.get(case=case, direction="in")
    assert item.body == "It is worse now." and item.attachments.get().name == "damp.jpg" and not item.internal
    assert CaseEvent.objects.filter(case=case, kind="correspondence").last().actor_label == "Rita Patel (resident)"
    response = client.post(f"/my-cases/{case.reference}/add-information/", {"message": ""})
    assert "Enter what you would like to tell us, or add a file" in response.content.decode()


def test_it_asks_for_stage_2_in_one_step_without_a_reason(client, resident, handler, mail_server):
    today = timezone.localdate()
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident, today=today)
    Outbox.objects.update(next_attempt_at=None, sent_at=timezone.now())  # earlier emails: already sent
    sign_in(client, resident.email)
    assert client.get(f"/my-cases/{case.reference}/stage-2/").status_code == 200
    response = client.post(f"/my-cases/{case.reference}/stage-2/", {"reason": ""})
    assert response["Location"] == f"/my-cases/{case.reference}/"
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED
    event = CaseEvent.objects.get(case=case, kind="stage2_requested")
    assert event.actor is None and event.actor_label == "Rita Patel (resident)"
    # The confirmation email goes at once.
    (message,) = mail_server.wait_for(1)
    assert message["Subject"] == f"We have received your request for stage 2 ({case.reference})"
    # Not offered again: stage 2 is under way.
    assert client.get(f"/my-cases/{case.reference}/stage-2/").status_code == 404
    assert "Ask us to look at it again" not in client.get(f"/my-cases/{case.reference}/").content.decode()


def test_a_resident_may_ask_for_stage_2_after_the_case_was_closed(client, resident, handler):
    # Issue 12, way round 5: closing the case on the day of the stage 1 response does not hide
    # the resident's request for stage 2.
    today = timezone.localdate()
    case = complaint_at(State.CLOSED, handler=handler, resident=resident, today=today)
    sign_in(client, resident.email)
    assert "Ask us to look at it again (stage 2)" in client.get(f"/my-cases/{case.reference}/").content.decode()
    response = client.post(f"/my-cases/{case.reference}/stage-2/", {"reason": ""})
    assert response["Location"] == f"/my-cases/{case.reference}/"
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED and case.closed_on is None


def test_stage_2_is_not_offered_before_the_stage_1_response(client, resident):
    case = log_complaint(resident=resident, today=timezone.localdate())
    sign_in(client, resident.email)
    assert client.get(f"/my-cases/{case.reference}/stage-2/").status_code == 404
    assert client.post(f"/my-cases/{case.reference}/stage-2/").status_code == 404


def test_it_tells_staff_the_response_did_not_arrive(client, resident, handler):
    today = timezone.localdate()
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident, today=today)
    actions.send_another_way(case, step="response", sent_on=dt.date(2026, 11, 16), method="letter", actor=handler,
                             today=dt.date(2026, 11, 16), text="Our stage 1 response: upheld.")
    sign_in(client, resident.email)
    response = client.post(f"/my-cases/{case.reference}/not-received/", {"message": "Nothing came in the post."})
    assert response.status_code == 302
    received = Correspondence.objects.get(case=case, direction="in")
    assert received.body == "Nothing came in the post." and not received.internal
    flag = Correspondence.objects.get(case=case, direction="note")
    assert flag.internal and "not received" in flag.subject and "16 November 2026" in flag.body


def test_the_survey_is_offered_once_after_closure(client, resident, handler):
    today = timezone.localdate()
    case = complaint_at(State.CLOSED, handler=handler, resident=resident, today=today)
    sign_in(client, resident.email)
    page = client.get(f"/my-cases/{case.reference}/survey/").content.decode()
    assert "Very satisfied" in page and "Very dissatisfied" in page and "make a complaint" in page
    assert "Select how satisfied you are" in client.post(f"/my-cases/{case.reference}/survey/", {}).content.decode()
    client.post(f"/my-cases/{case.reference}/survey/", {"rating": "2", "comment": "Slow."})
    survey = SurveyResponse.objects.get(case=case)
    assert (survey.rating, survey.comment, survey.answered_by) == (2, "Slow.", "rita@example.org")
    assert client.get(f"/my-cases/{case.reference}/survey/").status_code == 404


def test_the_survey_waits_for_closure(client, resident):
    case = log_complaint(resident=resident, today=timezone.localdate())
    sign_in(client, resident.email)
    assert client.get(f"/my-cases/{case.reference}/survey/").status_code == 404


def test_a_representative_sees_the_cases_they_act_on(client, resident, other_resident):
    rep = Representative.objects.create(resident=resident, name="Ann Patel", email="ann@example.org",
                                        consent_verified_on=timezone.localdate(), consent_how="in_writing")
    theirs = log_complaint(resident=resident, representative=rep)
    not_theirs = log_complaint(resident=resident)
    sign_in(client, "ann@example.org")
    body = client.get("/my-cases/").content.decode()
    assert theirs.reference in body and not_theirs.reference not in body
    assert client.get(f"/my-cases/{not_theirs.reference}/").status_code == 404
    client.post(f"/my-cases/{theirs.reference}/add-information/", {"message": "From Ann."})
    assert CaseEvent.objects.filter(case=theirs, kind="correspondence").last().actor_label == "Ann Patel (representative)"


def test_signing_out_ends_the_portal_session(client, resident):
    log_complaint(resident=resident)
    sign_in(client, resident.email)
    client.post("/track/sign-out/")
    assert client.get("/my-cases/")["Location"] == "/track/"


def test_a_portal_session_expires(client, resident):
    log_complaint(resident=resident)
    sign_in(client, resident.email)
    session = client.session
    session[access.SESSION_KEY]["until"] = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    session.save()
    assert client.get("/my-cases/")["Location"] == "/track/"
