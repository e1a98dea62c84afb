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
