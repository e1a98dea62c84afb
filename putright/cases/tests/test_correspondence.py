import datetime as dt
import hashlib

import pytest

from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import Attachment, Correspondence, Direction
from putright.rules.lifecycle import State

from .factories import TODAY, complaint_at, events, refused

pytestmark = pytest.mark.django_db

PDF = NewFile("photo-of-leak.pdf", "application/pdf", b"%PDF-1.7 the leak under the sink")
JPEG = NewFile("ceiling.jpg", "image/jpeg", b"\xff\xd8\xff" + b"x" * 100)


@pytest.fixture
def case(handler):
    return complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_keeps_a_letter_with_its_attachments(case, handler, settings):
    item = actions.add_correspondence(
        case,
        direction=Direction.IN,
        occurred_on=dt.date(2026, 11, 10),
        subject=" Still leaking ",
        body="Please see the photos.",
        method="email",
        correspondent=" Rita Patel ",
        files=[PDF, JPEG],
        actor=handler,
        today=TODAY,
    )
    item.refresh_from_db()
    assert item.case == case
    assert item.subject == "Still leaking"
    assert item.correspondent == "Rita Patel"
    assert item.internal is False
    assert item.created_by == handler
    stored = list(Attachment.objects.filter(correspondence=item).order_by("id"))
    assert [(a.name, a.content_type, a.size, a.sha256) for a in stored] == [
        (f.name, f.content_type, len(f.content), hashlib.sha256(f.content).hexdigest()) for f in (PDF, JPEG)
    ]
    assert stored[0].file.read() == PDF.content
    assert stored[0].file.name.startswith(f"attachments/{case.pk}/{stored[0].sha256[:16]}-")
    assert len(_media_files(settings)) == 2
    event = events(case)[-1]
    assert event.kind == "correspondence"
    assert len(events(case, "correspondence")) == 1
    assert event.actor == handler
    assert event.data["correspondence"] == item.pk
    assert event.data["internal"] is False
    assert event.data["attachments"] == [
        {"name": f.name, "size": len(f.content), "sha256": hashlib.sha256(f.content).hexdigest()} for f in (PDF, JPEG)
    ]
    assert "from Rita Patel on 10 November 2026: Still leaking" in event.summary


def test_it_keeps_internal_notes_internal(case):
    item = actions.add_correspondence(case, direction=Direction.NOTE, occurred_on=TODAY, body="Spoke to the contractor.", today=TODAY)
    assert item.internal is True
    assert events(case)[-1].data["internal"] is True


def test_it_keeps_a_file_without_a_body(case):
    item = actions.add_correspondence(case, direction="out", occurred_on=TODAY, files=[PDF], actor_label="import", today=TODAY)
    assert item.body == ""
    assert item.attachments.count() == 1
    assert events(case)[-1].actor_label == "import"


def test_it_refuses_a_disallowed_file_type_and_saves_nothing(case, settings):
    exe = NewFile("invoice.exe", "application/x-msdownload", b"MZ\x90\x00")
    refused(
        lambda: actions.add_correspondence(case, direction="in", occurred_on=TODAY, body="See attached.", files=[PDF, exe], today=TODAY),
        field="files",
    )
    assert not Correspondence.objects.exists()
    assert not Attachment.objects.exists()
    assert _media_files(settings) == []


def test_it_refuses_an_over_size_file_and_saves_nothing(case, settings):
    settings.PUTRIGHT_MAX_ATTACHMENT_BYTES = 1024
    big = NewFile("scan.pdf", "application/pdf", b"x" * 1025)
    refused(
        lambda: actions.add_correspondence(case, direction="in", occurred_on=TODAY, body="Scan.", files=[PDF, big], today=TODAY),
        field="files",
    )
    assert not Attachment.objects.exists()
    assert _media_files(settings) == []


def test_it_accepts_a_file_exactly_at_the_size_limit(case, settings):
    settings.PUTRIGHT_MAX_ATTACHMENT_BYTES = 1024
    item = actions.add_correspondence(case, direction="in", occurred_on=TODAY, files=[NewFile("a.txt", "text/plain", b"y" * 1024)], today=TODAY)
    assert item.attachments.get().size == 1024


def test_it_refuses_an_empty_file(case):
    refused(
        lambda: actions.add_correspondence(case, direction="in", occurred_on=TODAY, files=[NewFile("empty.pdf", "application/pdf", b"")], today=TODAY),
        field="files",
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"direction": "sideways"}, "direction"),
        ({"occurred_on": dt.date(2026, 11, 24)}, "occurred_on"),
        ({"occurred_on": None}, "occurred_on"),
        ({"body": "  "}, "body"),
    ],
)
def test_it_refuses_incomplete_correspondence(overrides, field, case):
    args = dict(direction="in", occurred_on=TODAY, body="Hello.", today=TODAY)
    args.update(overrides)
    refused(lambda: actions.add_correspondence(case, **args), field=field)
    assert not Correspondence.objects.exists()
