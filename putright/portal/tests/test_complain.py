"""Complaining online: one question a page, answers kept, one transaction on sending."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from putright.cases.models import Attachment, Case, CaseEvent, Correspondence
from putright.notifications.models import Outbox
from putright.portal.models import DraftFile
from putright.portal.tests.helpers import ANSWERS, photo, post_step, walk_journey
from putright.residents.models import Adjustment, Resident

pytestmark = pytest.mark.django_db


def test_it_shows_the_start_page_with_staff_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Start now" in body
    assert 'href="/sign-in/"' in body and "Staff sign in" in body
    assert 'href="/complain/what-happened/"' in body


def test_it_keeps_staff_urls_working(client, handler):
    client.force_login(handler)
    assert client.get("/cases/").status_code == 200
    assert client.get("/sign-in/").status_code in (200, 302)


def test_it_logs_a_complaint_with_its_files_in_one_go(client):
    walk_journey(client, files=[photo("leak.jpg"), photo("ceiling.png", content_type="image/png")])
    check = client.get("/complain/check-answers/")
    body = check.content.decode()
    assert "The kitchen ceiling has leaked" in body and "2 November 2026" in body and "leak.jpg" in body
    response = client.post("/complain/check-answers/")
    assert response.status_code == 302 and response["Location"] == "/complain/sent/"

    case = Case.objects.get()
    assert case.kind == "complaint" and case.channel == "online" and case.received_on == timezone.localdate()
    assert "The kitchen ceiling has leaked" in case.description
    assert "Fix the leak and repaint the ceiling." in case.description
    assert "2 November 2026" in case.description
    resident = case.resident
    assert (resident.name, resident.email, resident.postcode) == ("Rita Patel", "rita@example.org", "AB1 2CD")
    assert resident.preferred_format == "large_print" and resident.preferred_channel == "email"
    adjustment = Adjustment.objects.get(resident=resident)
    assert adjustment.kind == "reasonable_adjustment" and "partially sighted" in adjustment.description
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["ceiling.png", "leak.jpg"]
    logged = CaseEvent.objects.get(case=case, kind="logged")
    assert logged.actor is None and logged.actor_label == "Rita Patel (resident)"
    assert not DraftFile.objects.exists()
    assert Outbox.objects.filter(case=case, kind="receipt", to="rita@example.org").count() == 1

    sent = client.get("/complain/sent/").content.decode()
    assert case.reference in sent and "govuk-panel--confirmation" in sent
    stage = case.stage(1)
    assert f"{stage.acknowledge_by:%-d %B %Y}" in sent and f"{stage.respond_by:%-d %B %Y}" in sent
    # The journey is finished: its answers are gone.
    assert client.get("/complain/check-answers/")["Location"] == "/complain/what-happened/"


def test_it_keeps_everything_when_sending_fails(client):
    walk_journey(client, files=[photo()])
    with mock.patch("putright.cases.actions.add_correspondence", side_effect=RuntimeError("disk full")):
        response = client.post("/complain/check-answers/")
    assert response.status_code == 200
    assert "your complaint was not sent" in response.content.decode()
    assert not Case.objects.exists() and not Resident.objects.exists() and not Correspondence.objects.exists()
    assert not Outbox.objects.exists()
    # The answers and the file are still there; trying again works.
    assert "The kitchen ceiling has leaked" in client.get("/complain/check-answers/").content.decode()
    assert client.post("/complain/check-answers/").status_code == 302
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_complaint_and_the_session_saying_it_was_sent_are_saved_together(client):
    """A database failing after the complaint was logged but before the session was saved (a
    restart: test_faults.py) left the answers in the session, and "Send" again sent the
    complaint twice. Now neither is saved, the answers are kept, and sending again sends one."""
    from putright.operations.sessions import SessionStore

    walk_journey(client, files=[photo()])
    real, failed = SessionStore.save, []

    def fails_once(self, must_create=False):  # the database back for the response's own save
        if not failed:
            failed.append(True)
            raise RuntimeError("the server closed the connection")
        return real(self, must_create)

    with mock.patch.object(SessionStore, "save", fails_once):
        response = client.post("/complain/check-answers/")
    assert failed
    assert response.status_code == 200 and "your complaint was not sent" in response.content.decode()
    assert not Case.objects.exists() and not Outbox.objects.exists()
    assert DraftFile.objects.count() == 1  # the upload is kept with the answers
    assert "The kitchen ceiling has leaked" in client.get("/complain/check-answers/").content.decode()
    assert client.post("/complain/check-answers/")["Location"] == "/complain/sent/"
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1 and not DraftFile.objects.exists()
    # Sending again finds the journey finished: nothing is sent twice.
    assert client.post("/complain/check-answers/")["Location"] == "/complain/what-happened/"
    assert Case.objects.count() == 1


def test_it_asks_one_question_a_page_with_gov_uk_errors(client):
    response = post_step(client, "what-happened", {"what_happened": "  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: What has gone wrong?" in body
    assert "govuk-error-summary" in body and "Tell us what has gone wrong" in body
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_what_happened">' in body


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Enter the date it happened, or select I&#x27;m not sure"),
        ({"when_0": "1", "when_1": "1", "when_2": "2026", "not_sure": "on"}, "not both"),
        ({"when_0": "31", "when_1": "2", "when_2": "2026"}, "must be a real date"),
        ({"when_0": "1", "when_1": "1", "when_2": "2099"}, "today or in the past"),
    ],
)
def test_it_checks_the_date(client, data, message):
    post_step(client, "what-happened", ANSWERS["what-happened"])
    post_step(client, "put-right", ANSWERS["put-right"])
    response = post_step(client, "when", data)
    assert response.status_code == 200 and message in response.content.decode()


def test_it_accepts_not_sure_for_the_date(client):
    walk_journey(client, {"when": {"not_sure": "on"}})
    client.post("/complain/check-answers/")
    assert "When it happened: I'm not sure" in Case.objects.get().description


def test_it_needs_a_way_to_contact(client):
    walk_journey(client)
    response = post_step(client, "your-details", {"name": "Rita Patel"})
    assert "Enter an email address or a phone number" in response.content.decode()
    post_step(client, "your-details", {"name": "Rita Patel", "phone": "07700 900123"})
    response = post_step(client, "contact", {"preferred_channel": "email"})
    assert "You have not given an email address" in response.content.decode()


def test_it_refuses_files_of_the_wrong_type_or_size(client, settings):
    settings.PUTRIGHT_MAX_ATTACHMENT_BYTES = 2000
    walk_journey(client)
    response = post_step(client, "attachments", {"action": "continue", "files": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/x-msdownload")]})
    assert "virus.exe must be a PDF" in response.content.decode()
    response = post_step(client, "attachments", {"action": "continue", "files": [photo("big.jpg", size=5000)]})
    assert "big.jpg must be smaller than" in response.content.decode()
    assert not DraftFile.objects.exists()


def test_it_lets_files_be_added_and_removed(client):
    walk_journey(client)
    post_step(client, "attachments", {"action": "upload", "files": [photo("one.jpg")]})
    post_step(client, "attachments", {"action": "upload", "files": [photo("two.jpg")]})
    first = DraftFile.objects.get(name="one.jpg")
    post_step(client, "attachments", {"remove": str(first.pk)})
    assert list(DraftFile.objects.values_list("name", flat=True)) == ["two.jpg"]


def test_it_removes_files_of_abandoned_journeys(client):
    import datetime as dt

    walk_journey(client, files=[photo("old.jpg")])
    DraftFile.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    post_step(client, "attachments", {"action": "upload", "files": [photo("new.jpg")]})
    assert list(DraftFile.objects.values_list("name", flat=True)) == ["new.jpg"]


def test_it_records_a_representative_with_consent(client):
    their = {"resident_name": "Joan Smith", "relationship": "Daughter", "resident_address": "4 Low Road", "resident_email": ""}
    walk_journey(client, {"someone-else": {"for_someone_else": "yes"}, "their-details": {**their, "consent": "on"},
                          "your-details": {"name": "Ann Smith", "email": "ann@example.org"}})
    client.post("/complain/check-answers/")
    case = Case.objects.get()
    assert case.resident.name == "Joan Smith" and case.resident.address == "4 Low Road"
    rep = case.representative
    assert (rep.name, rep.relationship, rep.email, rep.resident_id) == ("Ann Smith", "Daughter", "ann@example.org", case.resident_id)
    assert rep.consent_given_on == timezone.localdate()
    assert Outbox.objects.filter(case=case, to="ann@example.org").exists()


def test_it_needs_consent_to_complain_for_someone_else(client):
    post_step(client, "what-happened", ANSWERS["what-happened"])
    post_step(client, "put-right", ANSWERS["put-right"])
    post_step(client, "when", ANSWERS["when"])
    post_step(client, "someone-else", {"for_someone_else": "yes"})
    response = post_step(client, "their-details", {"resident_name": "Joan", "relationship": "Friend"})
    assert "Confirm that they have agreed" in response.content.decode()


def test_it_never_overwrites_a_known_resident_from_the_public_form(client, resident):
    resident.phone = "01234 567890"
    resident.save()
    walk_journey(client, {"your-details": {"name": "Rita Patel", "email": "RITA@example.org", "phone": "07700 900999"}})
    client.post("/complain/check-answers/")
    case = Case.objects.get()
    assert case.resident == resident
    resident.refresh_from_db()
    assert resident.phone == "01234 567890"
    note = Correspondence.objects.get(case=case, internal=True)
    assert "07700 900999" in note.body


def test_it_sends_an_unfinished_journey_back_to_the_first_missing_question(client):
    post_step(client, "what-happened", ANSWERS["what-happened"])
    response = client.get("/complain/their-details/")
    assert response.status_code == 302 and response["Location"] == "/complain/put-right/"
    assert client.get("/complain/nonsense/").status_code == 404


def test_it_returns_to_check_answers_after_a_change(client):
    walk_journey(client)
    response = client.post("/complain/put-right/?change=1", {"put_right": "Just fix it."})
    assert response["Location"] == "/complain/check-answers/"
    # Changing to "for someone else" asks the new question before going back.
    response = client.post("/complain/someone-else/?change=1", {"for_someone_else": "yes"})
    assert response["Location"] == "/complain/their-details/?change=1"
    assert client.get("/complain/check-answers/")["Location"] == "/complain/their-details/"
    client.post("/complain/someone-else/?change=1", {"for_someone_else": "no"})
    assert re.search(r"Just fix it\.", client.get("/complain/check-answers/").content.decode())
