"""Resident A never reaches resident B's case, whatever identifier A changes in whatever portal URL.

The portal's URL patterns are enumerated, so a page added later is covered automatically: a
pattern with a parameter this test does not know how to fill makes it fail until it does.
"""

from __future__ import annotations

import itertools

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, CaseEvent, Correspondence
from putright.cases.tests.factories import complaint_at
from putright.portal import access
from putright.portal.models import SurveyResponse
from putright.portal.urls import urlpatterns
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


def _params(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.converters)


def _files(case, handler, name):
    item = actions.add_correspondence(case, direction="out", occurred_on=timezone.localdate(), subject=name,
                                      files=[actions.NewFile(f"{name}.pdf", "application/pdf", b"%PDF " + name.encode())], actor=handler)
    return item.attachments.get()


@pytest.fixture
def world(resident, other_resident, handler, other_handler):
    """A and B each have a closed case, a case awaiting stage 2, and a file on each."""
    today = timezone.localdate()
    a_closed = complaint_at(State.CLOSED, handler=handler, resident=resident, today=today)
    a_open = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident, today=today)
    b_closed = complaint_at(State.CLOSED, handler=handler, resident=other_resident, today=today)
    b_open = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=other_resident, today=today)
    a_note = actions.add_correspondence(a_open, direction="note", occurred_on=today, subject="internal",
                                        files=[actions.NewFile("internal.pdf", "application/pdf", b"%PDF internal")], actor=handler)
    return {
        "a_cases": [a_closed, a_open], "b_cases": [b_closed, b_open],
        "a_files": [_files(a_closed, handler, "a1"), _files(a_open, handler, "a2")],
        "b_files": [_files(b_closed, handler, "b1"), _files(b_open, handler, "b2")],
        "a_internal_file": a_note.attachments.get(),
    }


def _urls_with_b_identifiers(world, b_token: str) -> list[tuple[str, str]]:
    """(pattern name, URL) for every portal pattern, filled with identifiers that are not A's own."""
    urls = []
    for pattern in urlpatterns:
        params = _params(pattern)
        name = f"portal:{pattern.name}"
        if not params:
            continue
        if params == ["token"]:
            a_token_tampered = b_token[:-1] + ("A" if b_token[-1] != "A" else "B")
            urls += [(name, reverse(name, args=[b_token + "x"])), (name, reverse(name, args=[a_token_tampered]))]
        elif params == ["step"]:
            continue  # the public complaint journey: no case identifiers in it
        elif pattern.name == "report-file" and params == ["pk"]:
            # Published reports are public; a case file's id must not open anything there.
            urls += [(name, reverse(name, args=[f.pk])) for f in world["b_files"] + world["a_files"]]
        elif params == ["reference"]:
            urls += [(name, reverse(name, args=[c.reference])) for c in world["b_cases"]]
            urls.append((name, reverse(name, args=["PR-2026-999999"])))
        elif params == ["reference", "pk"]:
            combos = itertools.chain(
                # B's case with B's file; A's case with B's file; B's case with A's file.
                ((c.reference, f.pk) for c, f in zip(world["b_cases"], world["b_files"])),
                ((c.reference, f.pk) for c in world["a_cases"] for f in world["b_files"]),
                ((c.reference, f.pk) for c in world["b_cases"] for f in world["a_files"]),
                # A's own case with A's internal file.
                [(world["a_cases"][1].reference, world["a_internal_file"].pk)],
            )
            urls += [(name, reverse(name, args=list(combo))) for combo in combos]
        else:
            pytest.fail(f"{pattern.name} takes {params}: teach this test how to fill them with another resident's identifiers")
    return urls


def test_resident_a_cannot_reach_resident_b_by_changing_any_identifier(client, world, resident, other_resident):
    before = (Case.objects.values_list("state", flat=True).order_by("id"), Correspondence.objects.count(), CaseEvent.objects.count())
    before = (list(before[0]), before[1], before[2])
    b_token, _ = access.mint_token(other_resident.email)
    a_token, _ = access.mint_token(resident.email)
    urls = _urls_with_b_identifiers(world, b_token)
    names = {name for name, _ in urls}
    expected = {f"portal:{p.name}" for p in urlpatterns if _params(p) and _params(p) != ["step"]}
    assert names == expected, "every portal URL with an identifier is tried"

    assert client.post(f"/track/link/{a_token}/").status_code == 302
    for name, url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"message": "x", "reason": "x", "rating": "1"})
            assert response.status_code == 404, f"{method.upper()} {url} ({name}) answered {response.status_code}"
            body = response.content.decode() if not getattr(response, "streaming", False) else ""
            for case in world["b_cases"]:
                assert case.reference not in body
        # Still signed in as A, never as B.
        assert client.session[access.SESSION_KEY]["email"] == "rita@example.org"
    after = (list(Case.objects.values_list("state", flat=True).order_by("id")), Correspondence.objects.count(), CaseEvent.objects.count())
    assert after == before and not SurveyResponse.objects.exists()
    # B's cases are not listed for A; A's are.
    listing = client.get("/my-cases/").content.decode()
    assert all(c.reference in listing for c in world["a_cases"])
    assert not any(c.reference in listing for c in world["b_cases"])


def test_a_code_sent_to_b_does_not_sign_a_in(client, resident, other_resident, world):
    b_code = access.new_code(other_resident.email)
    client.post("/track/", {"email": resident.email})
    response = client.post("/track/code/", {"code": b_code})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()
    assert access.SESSION_KEY not in client.session


def test_without_signing_in_no_case_page_opens(client, world):
    for pattern in urlpatterns:
        if _params(pattern) in (["reference"], ["reference", "pk"]):
            case = world["a_cases"][0]
            args = [case.reference] + ([world["a_files"][0].pk] if "pk" in _params(pattern) else [])
            response = client.get(reverse(f"portal:{pattern.name}", args=args))
            assert response.status_code == 302 and response["Location"] == "/track/", pattern.name
