"""Every kind of letter renders to HTML and PDF from demo-like cases; the PDF's text, read back
with pypdf, holds every required element. Formats follow the resident's preferred format."""

import io
import re

import pypdf
import pytest

from putright.letters import actions as letter_actions
from putright.letters import render
from putright.letters.models import LetterFormat, LetterKind
from putright.letters.templatetags.letters import longdate
from putright.letters.tests import factories as lf
from putright.residents.models import Format

pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    """Whitespace-free, so line wrapping in the PDF does not matter."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def required_strings(s: dict) -> list[str]:
    """What the letter must show, taken from its sections."""
    kind = s["kind"]
    if kind.endswith("acknowledgement"):
        return [s["definition"], s["outcomes_sought"], s["responsible_for"], s["not_responsible_for"], longdate(s["respond_by"])]
    if kind == "extension":
        e = s["extension"]
        return [e["reason"], longdate(e["new_respond_by"]), f"every {e['update_every_working_days']} working days", s["ombudsman"]["housing_ombudsman"]]
    if kind == "refusal":
        r = s["refusal"]
        return [r["reason"], r["explanation"], "right to ask the Housing Ombudsman", s["ombudsman"]["housing_ombudsman"]]
    if kind == "hazard_summary":
        h = s["hazard"]
        return [h["hazard"], h["investigator"], h["findings"], h["safety_work_by"], h["preventative_work_start_by"]]
    out = [f"stage {s['stage']} response", s["definition"], f"Your complaint is {s['decision']}"]
    for p in s["points"]:
        out += [p["point"], f"Decision: {p['decision']}", p["reasons"]]
    for r in s["remedies"]:
        out += [r["what"], longdate(r["due_by"] or r["completed_on"])]
    for a in s["actions"]:
        out += [a["what"], longdate(a["due_by"])]
    route = s["escalation"]
    out += [route["email"], route["phone"], "stage 2"] if s["stage"] == 1 else [route["housing_ombudsman"], "final response"]
    return [x for x in out if x]


@pytest.mark.parametrize("kind", LetterKind.values)
def test_it_renders_every_kind_to_html_and_pdf_with_every_required_element(make_draft, issuer, kind):
    letter = letter_actions.issue_letter(make_draft(kind), issuer(kind), today=lf.TODAY)
    expected = required_strings(letter.sections)
    assert len(expected) >= 4
    with letter.pdf.open("rb") as f:
        text = squash(pdf_text(f.read()))
    for part in expected + [letter.case.reference, "Rita Patel", "Monday 23 November 2026"]:
        assert squash(part) in text, f"{part!r} missing from the {kind} PDF"
        assert squash(part) in squash(letter.text), f"{part!r} missing from the {kind} text"
    assert "{{" not in letter.html and REQUIRED not in letter.text


REQUIRED = "{{ required }}"


def test_it_prints_large_print_for_a_resident_who_asks(make_draft, handler, resident):
    resident.preferred_format = Format.LARGE_PRINT
    resident.save()
    letter = make_draft(LetterKind.STAGE1_RESPONSE)
    standard = render.render_letter(letter, sections=letter_actions.sections_for(letter), fmt=LetterFormat.STANDARD, on=lf.TODAY)
    standard_pages = len(pypdf.PdfReader(io.BytesIO(render.pdf_bytes(standard))).pages)
    letter = letter_actions.issue_letter(letter, handler, today=lf.TODAY)
    assert letter.format == LetterFormat.LARGE_PRINT
    assert "format-large_print" in letter.html
    with letter.pdf.open("rb") as f:
        assert len(pypdf.PdfReader(f).pages) > standard_pages


def test_it_prints_easy_read_one_sentence_to_a_line(make_draft, handler, resident):
    resident.preferred_format = Format.EASY_READ
    resident.save()
    letter = make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    from putright.cases.models import Stage

    Stage.objects.filter(case=letter.case, number=1).update(definition="The tap leaks. Nobody came. You were not told why.")
    letter = letter_actions.issue_letter(letter, handler, today=lf.TODAY)
    assert letter.format == LetterFormat.EASY_READ
    assert '<p class="sentence">Nobody came.</p>' in letter.html
    assert "format-easy_read" in letter.html


def test_it_keeps_standard_for_formats_it_cannot_print(make_draft, resident):
    resident.preferred_format = Format.BRAILLE
    resident.save()
    assert render.format_for(make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT).case) == LetterFormat.STANDARD


def test_it_cleans_edited_wording_of_anything_but_formatting():
    dirty = '<p onclick="x()">Hi <script>alert(1)</script><a href="http://evil">there</a> <img src="http://x/y.png"></p>{{ required }}'
    assert render.clean_html(dirty) == "<p>Hi there </p>{{ required }}"


def test_it_seeds_a_plain_english_template_for_every_kind():
    from putright.letters.models import JargonTerm, LetterTemplate

    assert set(LetterTemplate.objects.values_list("kind", flat=True)) == set(LetterKind.values)
    for template in LetterTemplate.objects.all():
        assert REQUIRED in template.body
    assert JargonTerm.objects.filter(term="escalate").exists()


def test_it_prints_the_landlords_logo_and_signatory(make_draft, handler):
    from django.core.files.base import ContentFile
    from PIL import Image

    from putright.letters.models import LetterTemplate

    png = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(png, "PNG")
    template = LetterTemplate.for_kind(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    template.signatory = "Sam Okoro\nComplaints Manager"
    template.logo.save("logo.png", ContentFile(png.getvalue()), save=True)
    letter = letter_actions.issue_letter(make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT), handler, today=lf.TODAY)
    assert 'src="data:image/png;base64,' in letter.html
    assert "Sam Okoro\nComplaints Manager" in letter.text
    with letter.pdf.open("rb") as f:
        assert "ComplaintsManager" in squash(pdf_text(f.read()))


def test_it_never_loads_files_or_addresses_into_a_pdf(tmp_path):
    from PIL import Image

    image = tmp_path / "secret.png"
    Image.new("RGB", (40, 20), "red").save(image, "PNG")
    data = render.pdf_bytes(f'<p>Hi</p><img src="file://{image}"><img src="http://127.0.0.1:9/x.png">')
    assert b"/Image" not in data
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(png, "PNG")
    import base64

    assert b"/Image" in render.pdf_bytes(f'<img src="data:image/png;base64,{base64.b64encode(png.getvalue()).decode()}">')
