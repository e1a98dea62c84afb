"""Residents anonymised in a batch (retention) end exactly as when anonymised one at a time: the
same rows left in every table and the same counts on each resident's record, in a fixed number of
queries however many residents the batch holds."""

import datetime as dt

import pytest
from putright.operations.sessions import SessionStore
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.demo import build_demo
from putright.cases.models import Case
from putright.housing.models import Home, ResidentHome
from putright.mailbox.models import InboundMessage
from putright.notifications.models import Outbox
from putright.performance import names
from putright.portal.models import AccessToken, SignInCode
from putright.privacy import requests
from putright.privacy.anonymise import anonymise_resident, resident_is_done
from putright.privacy.batch import anonymise_cases
from putright.privacy.batch_residents import anonymise_residents
from putright.privacy.models import AnonymisedResident, Why
from putright.residents import actions as resident_actions
from putright.residents.models import Adjustment, Representative, Resident

from .dump import database_text

pytestmark = pytest.mark.django_db


def done_residents(today) -> list[Resident]:
    """The demo's residents with no open case, every case of theirs anonymised, and something of
    every kind anonymisation removes given to them (links, codes, emails, sessions, messages, a
    representative who shares an address with another resident)."""
    build_demo(today=today, residents=40, complaints=110, requests=20, compliments=6)
    closed = list(Case.objects.filter(is_open=False))
    anonymise_cases(closed, why=Why.RETENTION, now=timezone.now())
    residents = [r for r in Resident.objects.filter(cases__isnull=False).distinct().order_by("pk") if resident_is_done(r)]
    assert len(residents) >= 6
    first, second, third = residents[:3]
    manager = User.objects.filter(role="manager").first()
    for i, resident in enumerate(residents):
        email = resident.email or f"resident{resident.pk}@example.org"
        Resident.objects.filter(pk=resident.pk).update(email=email)
        AccessToken.objects.create(email=email.lower(), token_hash=f"h{resident.pk}", expires_at="2099-01-01T00:00:00Z")
        SignInCode.objects.create(email=email.lower(), code_hash=f"c{resident.pk}", expires_at="2099-01-01T00:00:00Z")
        Outbox.objects.create(kind="link", to=email.upper(), subject="Your link", body_text="Dear resident")
        Outbox.objects.create(kind="link", to="someone@example.org", link_for=email, subject="A link", body_text="For them")
        InboundMessage.objects.create(folder="INBOX", uidvalidity=1, uid=resident.pk, message_id=f"<m{resident.pk}@example.org>",
                                      sender=resident.name, sender_email=email.title(), subject="Still waiting", body="Any news?",
                                      raw=b"", state="waiting", received_at=timezone.now(), fetched_at=timezone.now())
        session = SessionStore()
        session["portal_identity"] = {"email": email, "how": "code", "until": "2099-01-01T00:00:00+00:00"}
        session.create()
        Adjustment.objects.create(resident_id=resident.pk, kind=Adjustment._meta.get_field("kind").choices[0][0], description=f"Large print {i}")
        resident_actions.add_restriction(
            resident, reasons=f"Calls {resident.name} made", evidence="Call log", restricted="Phone calls; email instead",
            equality_considerations="None known", starts_on=today, review_by=today + dt.timedelta(days=90), actor=manager, today=today,
        )
        Representative.objects.create(resident=resident, name=f"Carer {i}", relationship="carer", email=f"carer{i}@example.org")
        requests.record_request(resident, kind="access", received_on=today, details=f"All about {resident.name}", actor=manager, today=today)
    home = Home.objects.create(uprn="100000000001", postcode="LS1 1AA")
    for resident in (first, third):
        ResidentHome.objects.create(resident=resident, home=home)
    # A representative of the third with the second's address: counted on the second, as one by one.
    second.refresh_from_db()
    Representative.objects.create(resident=third, name="A friend", relationship="friend", email=second.email)
    return [Resident.objects.prefetch_related("representatives").get(pk=r.pk) for r in residents]


def outcome(residents) -> tuple[dict, list[str]]:
    """Each resident's record's counts, and every row of every other table (in any order: an
    UPDATE moves rows on PostgreSQL), but for the bytes of SQLite's index of names, which depend
    on the order of the writes (the names it holds are compared: performance.names)."""
    records = {r.resident_id: r.counts for r in AnonymisedResident.objects.filter(resident__in=residents)}
    skipped = tuple(f"{table}:" for table in (AnonymisedResident._meta.db_table, *names.INDEX_TABLES))
    rows = sorted(line for line in database_text().splitlines() if not line.startswith(skipped))
    return records, rows


def test_a_batch_of_residents_ends_as_one_at_a_time_does(today):
    residents = done_residents(today)
    now = timezone.now()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as one_by_one:
            for resident in residents:
                anonymise_resident(resident, why=Why.RETENTION, now=now)
        alone, alone_rows = outcome(residents)
        transaction.set_rollback(True)
    assert not AnonymisedResident.objects.exists()
    with CaptureQueriesContext(connection) as batched:
        anonymise_residents([Resident.objects.prefetch_related("representatives").get(pk=r.pk) for r in reversed(residents)], why=Why.RETENTION, now=now)
    together, together_rows = outcome(residents)
    assert together == alone
    assert together_rows == alone_rows
    # Every kind of thing was there to remove, so the comparison covered it.
    kinds = {kind for counts in together.values() for kind, n in counts.items() if n}
    assert {"adjustments", "representatives", "restrictions", "resident events", "data protection requests", "emails", "portal links",
            "sign-in codes", "sessions", "mailbox messages deleted", "home link"} <= kinds
    second, third = residents[1].pk, residents[2].pk
    assert together[second]["portal links"] == 1 and together[third]["representatives"] == 2
    assert len(batched) < len(one_by_one) / 3


def test_a_batch_costs_the_same_queries_however_many_residents_it_holds(today):
    residents = done_residents(today)
    small, large = residents[:1], residents[1:]
    assert len(large) >= 5
    with CaptureQueriesContext(connection) as two:
        anonymise_residents(small, why=Why.RETENTION)
    with CaptureQueriesContext(connection) as more:
        anonymise_residents(large, why=Why.RETENTION)
    # Per resident only for an Ombudsman case or hazard report of their own (the single path's
    # code, for the few who have one): compare the rest of the queries.
    rare = ("ombudsman", "hazard")
    plain = lambda queries: [q for q in queries if not any(word in q["sql"] for word in rare)]  # noqa: E731
    assert len(plain(two)) == len(plain(more))
    assert Resident.objects.filter(pk__in=[r.pk for r in residents], name__startswith="Anonymised resident ").count() == len(residents)
    assert not ResidentHome.objects.filter(resident__in=residents).exists()
