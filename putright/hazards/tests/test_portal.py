"""The residents' "Report damp or mould": photos, the clock from the moment it arrived, the dates shown."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from putright.cases.models import Attachment
from putright.hazards.models import AwareHow, HazardReport

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_resident_reports_mould_with_a_photo(client):
    response = client.post(reverse("hazards-portal:report"), {
        "what": "Black mould on the bedroom ceiling for two months.", "at_risk": "My baby has a chest infection.",
        "name": "Rosa Ahmed", "email": "rosa@example.org", "address": "Flat 2, 8 Mill Lane", "postcode": "rb2 9zz",
        "files": [SimpleUploadedFile("ceiling.png", PNG, content_type="image/png")],
    })
    assert response.status_code == 302
    report = HazardReport.objects.get()
    assert report.aware_how == AwareHow.PORTAL and report.category == "significant"
    assert report.case.kind == "service_request" and report.case.channel == "online"
    assert report.home == "Flat 2, 8 Mill Lane\nRB2 9ZZ"
    assert "My baby has a chest infection." in report.household_vulnerabilities
    photo = Attachment.objects.get()
    assert (photo.name, photo.correspondence.case) == ("ceiling.png", report.case)
    assert report.events.get().actor_label == "Rosa Ahmed (resident)"
    page = client.get(response.url).content.decode()
    assert report.case.reference in page
    assert f"{report.investigate_by:%A} {report.investigate_by.day} {report.investigate_by:%B %Y}" in page


def test_it_needs_a_way_to_contact_and_saves_nothing_otherwise(client):
    response = client.post(reverse("hazards-portal:report"), {
        "what": "Mould.", "name": "Rosa Ahmed", "address": "Flat 2", "postcode": "RB2 9ZZ",
    })
    assert response.status_code == 200
    assert "Enter an email address or a phone number" in response.content.decode()
    assert not HazardReport.objects.exists()


def test_it_refuses_a_file_it_cannot_accept(client):
    response = client.post(reverse("hazards-portal:report"), {
        "what": "Mould.", "name": "Rosa Ahmed", "phone": "07700 900123", "address": "Flat 2", "postcode": "RB2 9ZZ",
        "files": [SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload")],
    })
    assert response.status_code == 200 and "virus.exe must be a" in response.content.decode()
    assert not HazardReport.objects.exists()


def test_the_sent_page_needs_a_report(client):
    assert client.get(reverse("hazards-portal:sent")).url == reverse("hazards-portal:report")


def test_the_residents_own_case_page_shows_the_law_dates(client, handler, resident):
    from putright.cases.tests.factories import log_service_request
    from putright.portal import access

    from .helpers import raise_damp

    report = raise_damp(log_service_request(resident=resident, actor=handler), actor=handler)
    token, _ = access.mint_token(resident.email)
    client.post(f"/track/link/{token}/")  # a private link signs in by its button, never by GET
    page = client.get(reverse("portal:case", args=[report.case.reference])).content.decode()
    assert "Damp and mould growth: the dates the law gives us" in page
    assert "Look into it" in page and "By Thu 19 Nov 2026" in page
    assert "Not done by this date" in page  # frozen today is Mon 23 Nov 2026
