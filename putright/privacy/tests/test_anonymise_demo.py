"""Anonymising every closed case of the demo landlord keeps every published figure byte for byte,
and leaves no anonymised resident's name, email, phone or address anywhere: not in any column of
any table (sessions decoded), not in any stored file (PDFs read as text)."""

import datetime as dt
import json

import pytest
from putright.operations.sessions import SessionStore

from putright.accounts.models import User
from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.demo import build_demo
from putright.cases.models import Attachment, Case, CaseEvent, Direction
from putright.letters import actions as letter_actions
from putright.letters.models import Letter, LetterKind
from putright.notifications.models import Outbox
from putright.portal.models import AccessToken, SignInCode
from putright.privacy.anonymise import anonymise_case
from putright.privacy.models import AnonymisedCase, AnonymisedResident, Why
from putright.reports.queries import annual_figures, quarter_figures
from putright.residents.models import Resident

from .dump import database_text, files_text, found

pytestmark = pytest.mark.django_db(transaction=False)


def all_reports(first_year: int, last_year: int) -> str:
    """Every annual and quarterly report's JSON, as published (sorted keys)."""
    out = {}
    for year in range(first_year, last_year + 1):
        out[f"{year}"] = annual_figures(year)
        for quarter in (1, 2, 3, 4):
            out[f"{year} Q{quarter}"] = quarter_figures(year, quarter)
    return json.dumps(out, sort_keys=True, default=str)


def identifiers(resident: Resident) -> dict[str, str]:
    return {"name": resident.name, "email": resident.email, "phone": resident.phone, "address": resident.address}


def add_personal_extras(today: dt.date) -> None:
    """What the demo lacks: letters issued, files received, a portal session, links and codes."""
    handler = User.objects.filter(role="handler").first()
    closed = list(Case.objects.filter(is_open=False, kind="complaint", stages__acknowledged_on__isnull=False, resident__isnull=False).distinct()[:3])
    assert closed
    for case in closed:
        name = case.resident.name
        letter = letter_actions.draft_letter(case, LetterKind.STAGE1_ACKNOWLEDGEMENT, actor=handler)
        letter_actions.issue_letter(letter, handler, today=today)
        actions.add_correspondence(
            case, direction=Direction.IN, occurred_on=today, subject=f"Photos from {name}", body=f"From {name}, {case.resident.address}",
            correspondent=name, files=[NewFile("photo.txt", "text/plain", f"{name} {case.resident.phone}".encode())], actor=handler, today=today,
        )
        email = case.resident.email
        session = SessionStore()
        session["portal_identity"] = {"email": email, "how": "code", "until": "2099-01-01T00:00:00+00:00"}
        session.create()
        AccessToken.objects.create(email=email, token_hash=f"h{case.pk}", expires_at="2099-01-01T00:00:00Z")
        SignInCode.objects.create(email=email, code_hash=f"c{case.pk}", expires_at="2099-01-01T00:00:00Z")
        Outbox.objects.create(kind="link", to=email, subject="Your link", body_text=f"Dear {name}")
    assert Letter.objects.filter(status="issued").count() == len(closed)
    assert Attachment.objects.count() >= 2 * len(closed)  # letters' PDFs and the files received


def test_it_keeps_every_figure_and_no_personal_data_of_anonymised_residents(today, django_capture_on_commit_callbacks):
    build_demo(today=today, residents=60, complaints=160, requests=30, compliments=10)
    add_personal_extras(today)
    first = Case.objects.order_by("received_on").first().received_on.year - 1
    before = all_reports(first, today.year)
    closed = list(Case.objects.filter(is_open=False))
    assert len(closed) > 100
    people = {r.pk: identifiers(r) for r in Resident.objects.all()}
    staff = {u.get_full_name().lower() for u in User.objects.all()} | {u.username for u in User.objects.all()}

    # Files are deleted when each anonymisation commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        for case in closed:
            anonymise_case(case, why=Why.RETENTION, check_holds=False)

    assert all_reports(first, today.year) == before
    assert AnonymisedCase.objects.count() == len(closed)
    gone = set(AnonymisedResident.objects.values_list("resident_id", flat=True))
    assert len(gone) > 10
    # What a resident still on the record (an open case) shares with one anonymised — a common
    # surname and first name, a street — is not theirs alone and is left out of the search.
    kept = [v.lower() for pk, ids in people.items() if pk not in gone for v in ids.values() if v]
    database, files = database_text(), files_text()
    assert "[removed]" in database
    checked = 0
    for pk in gone:
        needles = {k: v for k, v in people[pk].items() if v and not any(v.lower() in other for other in kept) and v.lower() not in staff}
        checked += len(needles)
        assert found(needles, database) == {}, f"resident {pk} is still in the database"
        assert found(needles, files) == {}, f"resident {pk} is still in the file store"
    assert checked > 3 * len(gone)
    # The facts stay: every event's kind and date, every case's reference.
    assert CaseEvent.objects.filter(case__in=closed).count() > len(closed)
