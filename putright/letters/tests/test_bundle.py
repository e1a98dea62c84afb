"""`putright bundle CASE-REF --for ombudsman|resident --output DIR`: every timeline event and every
attachment of the case is in the bundle (PDF text and ZIP names), imported cases included; internal
notes go to the Ombudsman and never to the resident."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import Attachment, Case, CaseEvent, Direction
from putright.cases.tests.test_import import STAGE1, complaint, write
from putright.cases.tests import factories as f
from putright.letters import actions as letter_actions
from putright.letters.bundle import build_bundle
from putright.letters.models import LetterKind
from putright.letters.tests import factories as lf
from putright.letters.tests.test_render import pdf_text, squash
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db

PHOTO = NewFile("leak-photo.jpg", "image/jpeg", b"\xff\xd8 a photo of the leak")
NOTE_FILE = NewFile("contractor-admission.txt", "text/plain", b"We missed the appointment twice.")
NOTE = "Internal: the contractor's manager admits the fault."


def full_case(handler, other_handler, resident) -> Case:
    case = lf.case_for(LetterKind.STAGE1_RESPONSE, handler=handler, stage2_handler=other_handler, resident=resident)
    for kind in (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.STAGE1_RESPONSE):
        letter_actions.issue_letter(letter_actions.draft_letter(case, kind, actor=handler), handler, today=lf.TODAY)
    actions.add_correspondence(
        case, direction=Direction.IN, occurred_on=lf.TODAY, subject="Photos", body="Here are the photos.", correspondent="Rita Patel", files=[PHOTO], actor=handler, today=lf.TODAY
    )
    lf.note(case, handler, body=NOTE, files=[NOTE_FILE])
    return case


def bundle(reference: str, audience: str, out) -> tuple[str, zipfile.ZipFile]:
    stdout = io.StringIO()
    call_command("bundle", reference, "--for", audience, "--output", str(out), stdout=stdout)
    assert stdout.getvalue().split() == [str(out / f"{reference}.pdf"), str(out / f"{reference}.zip")]
    return squash(pdf_text((out / f"{reference}.pdf").read_bytes())), zipfile.ZipFile(out / f"{reference}.zip")


def assert_complete(case: Case, text: str, archive: zipfile.ZipFile, *, internal: bool):
    events = list(CaseEvent.objects.filter(case=case).exclude(kind="bundle_produced"))
    assert events
    for e in events:
        is_note = e.kind == "correspondence" and e.data.get("internal")
        present = squash(e.summary) in text and f"#{e.pk}·" in text
        assert present == (internal or not is_note), f"event #{e.pk} {e.kind}: {e.summary}"
    names = archive.namelist()
    for a in Attachment.objects.filter(correspondence__case=case):
        in_zip = [n for n in names if n.startswith("attachments/") and n.endswith(a.name)]
        wanted = internal or not a.correspondence.internal
        assert bool(in_zip) == wanted, a.name
        assert (squash(a.name) in text) == wanted, a.name
        if wanted:
            assert hashlib.sha256(archive.read(in_zip[0])).hexdigest() == a.sha256
    assert f"{case.reference}.pdf" in names and "manifest.csv" in names
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert {row["path"] for row in manifest} <= set(names)
    assert all(row["note"] == "" for row in manifest)


def test_it_bundles_everything_for_the_ombudsman(handler, other_handler, resident, tmp_path):
    case = full_case(handler, other_handler, resident)
    text, archive = bundle(case.reference, "ombudsman", tmp_path)
    assert_complete(case, text, archive, internal=True)
    assert squash(NOTE) in text
    letters = [n for n in archive.namelist() if n.startswith("letters/")]
    assert len(letters) == 2
    for kind in ("stage1-acknowledgement", "stage1-response"):
        assert any(kind in n for n in letters)
    for part in ("Index", "Case summary", "Timeline", "The kitchen leak was not repaired on time.", "Replace the kitchen worktop", "Compensation for the time taken"):
        assert squash(part) in text
    assert CaseEvent.objects.filter(case=case, kind="bundle_produced", data__audience="ombudsman").count() == 1


def test_it_leaves_internal_notes_out_for_the_resident(handler, other_handler, resident, tmp_path):
    case = full_case(handler, other_handler, resident)
    text, archive = bundle(case.reference, "resident", tmp_path)
    assert_complete(case, text, archive, internal=False)
    assert squash(NOTE) not in text
    assert not any("contractor-admission" in n for n in archive.namelist())
    assert squash("Internal staff notes are not included") in text


def test_it_bundles_a_case_brought_in_by_import(handler, tmp_path):
    report = actions.import_history(write(tmp_path, [complaint(**STAGE1, compensation_gbp="75.00")]), actor_label="putright import", today=lf.TODAY)
    assert report.written
    case = Case.objects.get(reference="OLD-1")
    actions.add_correspondence(case, direction=Direction.IN, occurred_on=lf.TODAY, body="Old letter scanned in.", files=[PHOTO], actor=handler, today=lf.TODAY)
    lf.note(case, handler, files=[NOTE_FILE])
    out = tmp_path / "out"
    text, archive = bundle("OLD-1", "ombudsman", out)
    assert_complete(case, text, archive, internal=True)
    assert squash("imported from earlier records") in text
    text, archive = bundle("OLD-1", "resident", tmp_path / "resident")
    assert_complete(case, text, archive, internal=False)


def test_it_lists_a_file_missing_from_storage_instead_of_failing(handler, resident):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler, resident=resident)
    actions.add_correspondence(case, direction=Direction.IN, occurred_on=lf.TODAY, body="Photos.", files=[PHOTO], actor=handler, today=lf.TODAY)
    photo = Attachment.objects.get(name=PHOTO.name)
    photo.file.storage.delete(photo.file.name)
    result = build_bundle(case, "ombudsman")
    assert squash("missing from storage") in squash(pdf_text(result.pdf))
    archive = zipfile.ZipFile(io.BytesIO(result.zip))
    assert not any(n.endswith(PHOTO.name) for n in archive.namelist())
    manifest = archive.read("manifest.csv").decode()
    assert "leak-photo.jpg" in manifest and "missing from storage" in manifest


def test_it_refuses_an_unknown_case(tmp_path):
    with pytest.raises(CommandError):
        call_command("bundle", "PR-0000-000000", "--for", "ombudsman", "--output", str(tmp_path))
