"""Every kind of letter renders from the demo data (`putright demo`), complete, to HTML and PDF."""

import io

import pypdf
import pytest

from putright.accounts.models import User
from putright.cases.demo import build_demo
from putright.cases.models import Case
from putright.letters import actions as letter_actions
from putright.letters import render
from putright.letters.drafting import applicable_kinds
from putright.letters.models import LetterKind
from putright.letters.tests.test_render import required_strings, squash

pytestmark = pytest.mark.django_db


def test_it_renders_every_kind_from_the_demo_data(today):
    build_demo(today=today, residents=20, complaints=30, requests=2, compliments=1)
    manager = User.objects.get(username="manager")
    examples = {}
    # Complaints, and the service requests a hazard report came from (Awaab's Law summary).
    for case in Case.objects.filter(kind__in=["complaint", "service_request"]).prefetch_related("stages__extensions", "refusals").order_by("id"):
        for kind, _ in applicable_kinds(case):
            examples.setdefault(kind, case)
    assert set(examples) == set(LetterKind.values)
    for kind, case in sorted(examples.items()):
        letter = letter_actions.draft_letter(case, kind, actor=manager)
        assert letter_actions.problems(letter) == [], (kind, case.reference)
        sections = letter_actions.sections_for(letter)
        html = render.render_letter(letter, sections=sections, fmt=render.format_for(case), on=today)
        text = squash("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render.pdf_bytes(html))).pages))
        for part in required_strings(sections):
            assert squash(part) in text, (kind, case.reference, part)
