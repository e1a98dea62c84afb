"""Security finding (High): a stranger complaining "for someone else" must not reach the resident's
record. The complaint is never joined to an existing resident, and the representative sees and is
sent nothing until the resident's agreement is verified (putright.residents.consent)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, Correspondence
from putright.cases.tests.factories import ack_kwargs
from putright.notifications import emails
from putright.notifications.models import Outbox
from putright.portal.tests.helpers import walk_journey
from putright.portal.tests.test_track import sign_in
from putright.residents import consent
from putright.residents.models import ConsentHow, Resident, ResidentEvent

pytestmark = pytest.mark.django_db

STRANGER = "mallory@example.net"


def complain_for(client, resident_email: str) -> Case:
    their = {"resident_name": "Rita", "relationship": "Neighbour", "resident_address": "", "resident_email": resident_email, "consent": "on"}
    walk_journey(client, {"someone-else": {"for_someone_else": "yes"}, "their-details": their,
                          "your-details": {"name": "Mallory", "email": STRANGER}})
    assert client.post("/complain/check-answers/").status_code == 302
    return Case.objects.get()


def issue_acknowledgement_letter(case: Case, handler) -> Correspondence:
    today = timezone.localdate()
    actions.acknowledge(case, actor=handler, today=today, **ack_kwargs(acknowledged_on=today))
    return actions.add_correspondence(
        case, direction="out", occurred_on=today, subject="Acknowledgement letter", actor=handler, today=today,
        files=[actions.NewFile("acknowledgement.pdf", "application/pdf", b"%PDF Rita Patel, 1 High Street, AB1 2CD")],
    )


def test_a_complaint_for_someone_else_is_never_joined_to_an_existing_resident(client, resident):
    resident.address, resident.postcode = "1 High Street", "AB1 2CD"
    resident.save()
    case = complain_for(client, "RITA@example.org")
    assert case.resident != resident
    assert Resident.objects.count() == 2
    assert case.resident.address == "" and case.resident.name == "Rita"  # only what the stranger typed
    note = Correspondence.objects.get(case=case, internal=True, subject="Check the details given online")
    assert "NOT joined" in note.body and "not yet verified" in note.body


def test_the_representative_sees_and_is_sent_nothing_until_consent_is_verified(client, resident, handler, mail_server):
    resident.address = "1 High Street"
    resident.save()
    case = complain_for(client, resident.email)
    letter = issue_acknowledgement_letter(case, handler)
    # No acknowledgement email to the unverified representative; the resident's own address gets one.
    assert not Outbox.objects.filter(case=case, to=STRANGER, kind="acknowledgement").exists()
    assert Outbox.objects.filter(case=case, to=resident.email, kind="acknowledgement").exists()

    stranger = client.__class__()
    sign_in(stranger, STRANGER)
    listing = stranger.get("/my-cases/").content.decode()
    assert case.reference in listing and "checking with the person you complained for" in listing
    assert "Rita" not in listing
    assert stranger.get(f"/my-cases/{case.reference}/").status_code == 404
    assert stranger.get(f"/my-cases/{case.reference}/files/{letter.attachments.get().pk}/").status_code == 404
    assert stranger.post(f"/my-cases/{case.reference}/representative/", {"answer": "yes"}).status_code == 404
    case.representative.refresh_from_db()
    assert not case.representative.consent_verified


def test_the_resident_agrees_online_and_then_the_representative_sees_the_case(client, resident, handler):
    case = complain_for(client, resident.email)
    letter = issue_acknowledgement_letter(case, handler)
    assert STRANGER not in [email for _, email in emails.recipients(case, "acknowledgement")]
    owner = client.__class__()
    sign_in(owner, resident.email)
    page = owner.get(f"/my-cases/{case.reference}/").content.decode()
    assert "Does Mallory act for you?" in page
    assert owner.post(f"/my-cases/{case.reference}/representative/", {"answer": "yes"}).status_code == 302
    rep = case.representative
    rep.refresh_from_db()
    assert rep.consent_verified and rep.consent_how == ConsentHow.RESIDENT_ONLINE and rep.consent_recorded_by is None
    assert ResidentEvent.objects.filter(resident=case.resident, kind="representative_consent").exists()

    stranger = client.__class__()
    sign_in(stranger, STRANGER)
    assert stranger.get(f"/my-cases/{case.reference}/").status_code == 200
    assert stranger.get(f"/my-cases/{case.reference}/files/{letter.attachments.get().pk}/").status_code == 200
    # Once verified, the case's later emails go to the representative too.
    case.refresh_from_db()
    assert STRANGER in [email for _, email in emails.recipients(case, "acknowledgement")]


def test_the_resident_can_say_no(client, resident):
    case = complain_for(client, resident.email)
    owner = client.__class__()
    sign_in(owner, resident.email)
    owner.post(f"/my-cases/{case.reference}/representative/", {"answer": "no"})
    case.representative.refresh_from_db()
    assert case.representative.consent_refused_on is not None and not case.representative.consent_verified
    assert Correspondence.objects.filter(case=case, internal=True, subject__startswith="Action: the resident says").exists()
    stranger = client.__class__()
    sign_in(stranger, STRANGER)
    assert stranger.get(f"/my-cases/{case.reference}/").status_code == 404


def test_staff_record_consent_with_how_it_was_given(client, resident, handler, oversight):
    case = complain_for(client, resident.email)
    rep = case.representative
    with pytest.raises(PermissionDenied):
        consent.record_consent(rep, verified_on=timezone.localdate(), how=ConsentHow.PHONE, actor=oversight)
    url = f"/residents/{case.resident_id}/representatives/{rep.pk}/consent/"
    client.force_login(handler)
    response = client.post(url, {"verified_on_0": "", "how": ""})
    assert "Select how the resident agreed" in response.content.decode()
    today = timezone.localdate()
    response = client.post(url, {"verified_on_0": today.day, "verified_on_1": today.month, "verified_on_2": today.year,
                                 "how": ConsentHow.PHONE, "note": "Called the number on her record."})
    assert response.status_code == 302, response.content.decode()[:2000]
    rep.refresh_from_db()
    assert rep.consent_verified and rep.consent_how == ConsentHow.PHONE and rep.consent_recorded_by == handler
    stranger = client.__class__()
    sign_in(stranger, STRANGER)
    assert stranger.get(f"/my-cases/{case.reference}/").status_code == 200


def test_the_online_agreement_must_come_from_the_residents_own_address(client, resident):
    case = complain_for(client, resident.email)
    with pytest.raises(PermissionDenied):
        consent.agree_online(case.representative, email=STRANGER, case=case)
