"""Security finding (Medium): an upload's type was whatever the browser claimed, and anonymous
uploads had no storage quota."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.cases.models import Attachment, Case
from putright.portal.models import DraftFile
from putright.portal.tests.helpers import photo, post_step, walk_journey
from putright.protect import uploads

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 20
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.mark.parametrize("content, name, declared, expected", [
    (PDF, "letter.pdf", "application/pdf", "application/pdf"),
    (b"\xff\xd8\xff\xe0" + b"x" * 50, "IMG_0001", "application/octet-stream", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n" + b"x" * 50, "damp.jpg", "image/jpeg", "image/png"),  # the content wins
    ("Rent statement\nMarch: £420\n".encode(), "notes.txt", "text/plain", "text/plain"),
    (b"From: a@example.org\nSubject: leak\n\nHello", "mail.eml", "message/rfc822", "message/rfc822"),
])
def test_the_type_comes_from_the_content(content, name, declared, expected):
    assert uploads.content_type(content, name=name, declared=declared) == expected


@pytest.mark.parametrize("content", [EXE, b"PK\x03\x04" + b"\x00" * 100, b"\x00\x01\x02\x03" * 40, b"GIF89a" + b"x" * 40])
def test_other_content_is_refused_whatever_it_claims(content):
    with pytest.raises(uploads.Refused):
        uploads.content_type(content, name="report.pdf", declared="application/pdf")


@pytest.mark.parametrize("name, mime, expected", [
    ("letter.pdf.exe", "application/pdf", "letter_pdf.pdf"),
    ("../../etc/passwd", "text/plain", "passwd.txt"),
    ("C:\\Users\\me\\photo of damp.JPG", "image/jpeg", "photo_of_damp.jpg"),
    ("<script>.png", "image/png", "script.png"),
    ("", "application/pdf", "file.pdf"),
])
def test_files_are_renamed_safely(name, mime, expected):
    assert uploads.safe_name(name, mime) == expected


def test_an_exe_sent_as_a_pdf_is_refused_by_the_complaint_form(client):
    walk_journey(client)
    response = post_step(client, "attachments", {"action": "upload", "files": [SimpleUploadedFile("invoice.pdf", EXE, content_type="application/pdf")]})
    assert response.status_code == 200 and "invoice.pdf must be a PDF" in response.content.decode()
    assert not DraftFile.objects.exists()


def test_a_file_is_kept_under_its_safe_name_and_real_type(client):
    walk_journey(client, files=[SimpleUploadedFile("scan.pdf.exe", PDF, content_type="application/x-msdownload")])
    client.post("/complain/check-answers/")
    item = Attachment.objects.get(correspondence__case=Case.objects.get())
    assert (item.name, item.content_type) == ("scan_pdf.pdf", "application/pdf")


def test_staff_uploads_are_checked_too(client, handler, resident, today):
    from putright.cases.tests.factories import log_complaint

    case = log_complaint(resident=resident, handler=handler, today=today)
    client.force_login(handler)
    data = {"direction": "in", "occurred_on_0": today.day, "occurred_on_1": today.month, "occurred_on_2": today.year,
            "body": "Sent in", "attachment": SimpleUploadedFile("photo.pdf", EXE, content_type="application/pdf")}
    response = client.post(f"/cases/{case.reference}/correspondence/", data)
    assert response.status_code == 200 and "photo.pdf cannot be attached: its content is not a PDF" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_journey_has_a_storage_quota(client, settings):
    settings.PUTRIGHT_UPLOAD_JOURNEY_BYTES = 5000
    walk_journey(client, files=[photo("a.jpg", size=3000)])
    response = post_step(client, "attachments", {"action": "upload", "files": [photo("b.jpg", size=3000)]})
    assert "Your files must add up to less than" in response.content.decode()
    assert list(DraftFile.objects.values_list("name", flat=True)) == ["a.jpg"]


def test_an_address_has_an_hourly_upload_quota_across_sessions(client, settings):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"upload-bytes-address": [5000, 3600]}
    walk_journey(client, files=[photo("a.jpg", size=3000)])
    other_session = client.__class__()
    walk_journey(other_session)
    response = post_step(other_session, "attachments", {"action": "upload", "files": [photo("b.jpg", size=3000)]})
    assert "We cannot take more files from you just now" in response.content.decode()
    assert DraftFile.objects.count() == 1
