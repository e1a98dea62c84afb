"""`putright subject-access RESIDENT --output DIR`: one PDF with an index and a ZIP of originals
covering every case about the resident, every letter sent to them, and no other resident."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import Direction
from putright.letters import actions as letter_actions
from putright.letters.models import Letter, LetterKind
from putright.letters.tests import factories as lf
from putright.letters.tests.test_render import pdf_text, squash
from putright.residents.models import Representative, ResidentEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(handler, other_handler, resident, other_resident):
    resident.phone, resident.address, resident.tenancy_reference = "07700 900111", "4 Elm Road, Riverside", "T-1001"
    resident.save()
    first = lf.case_for(LetterKind.STAGE1_RESPONSE, handler=handler, stage2_handler=other_handler, resident=resident)
    second = lf.case_for(LetterKind.STAGE1_ACKNOWLEDGEMENT, handler=handler, stage2_handler=other_handler, resident=resident)
    sent = [
        letter_actions.issue_letter(letter_actions.draft_letter(first, LetterKind.STAGE1_ACKNOWLEDGEMENT, actor=handler), handler, today=lf.TODAY),
        letter_actions.issue_letter(letter_actions.draft_letter(first, LetterKind.STAGE1_RESPONSE, actor=handler), handler, today=lf.TODAY),
        letter_actions.issue_letter(letter_actions.draft_letter(second, LetterKind.STAGE1_ACKNOWLEDGEMENT, actor=handler), handler, today=lf.TODAY),
    ]
    actions.add_correspondence(second, direction=Direction.IN, occurred_on=lf.TODAY, subject="Photo", body="The damp in the hall.",
                               files=[NewFile("hall.jpg", "image/jpeg", b"\xff\xd8 damp")], actor=handler, today=lf.TODAY)
    lf.note(second, handler, body="Internal: Sam Jones next door says the leak is from Rita's flat.")
    daughter = Representative.objects.create(resident=resident, name="Priya Patel", relationship="daughter", email="priya@example.org", phone="07700 900222")
    third = actions.log_case(kind="complaint", received_on=lf.TODAY, description="Bins not collected.", resident=resident,
                             representative=daughter, actor=handler, today=lf.TODAY)
    theirs = lf.case_for(LetterKind.STAGE1_ACKNOWLEDGEMENT, handler=handler, stage2_handler=other_handler, resident=other_resident)
    letter_actions.issue_letter(letter_actions.draft_letter(theirs, LetterKind.STAGE1_ACKNOWLEDGEMENT, actor=handler), handler, today=lf.TODAY)
    return {"cases": [first, second, third], "letters": sent, "theirs": theirs}


def test_it_covers_every_case_and_letter_and_no_other_resident(history, resident, other_resident, tmp_path):
    out = io.StringIO()
    call_command("subject-access", "rita@example.org", "--output", str(tmp_path), stdout=out)
    (pdf_path,) = tmp_path.glob("*.pdf")
    (zip_path,) = tmp_path.glob("*.zip")
    text = squash(pdf_text(pdf_path.read_bytes()))

    for case in history["cases"]:
        assert case.reference in text
    assert history["theirs"].reference not in text
    for name in (other_resident.name, other_resident.email, "Sam Jones"):
        assert squash(name) not in text
    for held in ("Rita Patel", "07700 900111", "4 Elm Road", "T-1001", "Index", "Your cases (3)"):
        assert squash(held) in text
    # The daughter acting for her: by name and relationship, not her contact details.
    assert squash("Priya Patel (daughter)") in text
    assert "priya@example.org" not in text and squash("07700 900222") not in text

    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        manifest = z.read("manifest.csv").decode()
        for letter in history["letters"]:
            letter = Letter.objects.get(pk=letter.pk)
            assert letter.pdf_sha256 in manifest
            stored = [n for n in names if n.startswith(f"cases/{letter.case.reference}/letters/")]
            assert any(z.read(n) == letter.pdf.open("rb").read() for n in stored)
        assert any(n.endswith("hall.jpg") for n in names)
        everything = " ".join(squash(pdf_text(z.read(n))) for n in names if n.endswith(".pdf"))
    assert squash(other_resident.name) not in everything
    assert ResidentEvent.objects.get(resident=resident, kind="subject_access_bundle").actor_label == "putright subject-access"


def test_it_lists_who_read_the_record(history, resident, handler, tmp_path):
    from putright.audit import record_read

    record_read(handler, "case", history["cases"][0])
    call_command("subject-access", "rita@example.org", "--output", str(tmp_path), stdout=io.StringIO())
    (pdf_path,) = tmp_path.glob("*.pdf")
    text = squash(pdf_text(pdf_path.read_bytes()))
    assert squash(f"Hari opened case {history['cases'][0].reference}") in text
    assert squash("does not yet keep a log") not in text


def test_the_index_gives_the_page_each_case_starts_on(history, resident, tmp_path):
    from putright.privacy.subject_access import build_person_bundle

    bundle = build_person_bundle(resident)
    pages = [squash(p.extract_text()) for p in __import__("pypdf").PdfReader(io.BytesIO(bundle.pdf)).pages]
    index = pages[0] + pages[1] if len(pages) > 1 else pages[0]
    for case in history["cases"]:
        start = int(re.search(rf"{case.reference}:.*?·page(\d+)", index).group(1))
        assert squash(f"Case bundle: {case.reference}") in pages[start - 1]


def test_it_says_clearly_when_no_resident_matches(db, tmp_path):
    with pytest.raises(CommandError, match="No resident has the record number, email address or tenancy reference 'nobody@example.org'"):
        call_command("subject-access", "nobody@example.org", "--output", str(tmp_path))
