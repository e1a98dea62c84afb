"""The handler's first name and username copied onto each case (putright.performance.handlernames)
always equal the user's, read through the join, whatever changed the case or the user: a case
logged, allocated, passed to a stage 2 handler, closed; a queryset update, SQL typed by hand, a
stale instance saved; a user renamed (every case of theirs, open or closed); a migration run
without the triggers. The queue's sort by handler reads the copies, so a stale one would misplace
a case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from putright.accounts.models import User
from putright.cases import actions
from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.performance import handlernames, schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def assert_copies_match() -> None:
    """Every case's copies against its handler's names read live; and there is something to compare."""
    rows = list(Case.objects.values_list("handler_first_name", "handler_username", "handler__first_name", "handler__username"))
    assert rows and any(row[0] for row in rows)
    assert [row[:2] for row in rows] == [row[2:] for row in rows]


def copies(case) -> tuple:
    return tuple(Case.objects.filter(pk=case.pk).values_list("handler_first_name", "handler_username").get())


def test_the_copies_follow_the_service_functions(handler, other_handler, manager):
    complaint = f.log_complaint(handler=handler, actor=handler)
    request = f.log_service_request()  # no handler
    assert copies(complaint) == ("Hari", "hari")
    assert copies(request) == (None, None)

    actions.allocate(Case.objects.get(pk=complaint.pk), handler=other_handler, actor=manager)
    assert copies(complaint) == ("Olu", "olu")
    actions.allocate(Case.objects.get(pk=request.pk), handler=handler, actor=manager)
    assert copies(request) == ("Hari", "hari")
    assert_copies_match()

    # Passed to a stage 2 handler by the acknowledgement, and closed: the copies stay on closed cases.
    passed = f.complaint_at("stage2_acknowledged", handler=handler, stage2_handler=other_handler)
    closed = f.complaint_at("closed", handler=handler, stage2_handler=other_handler)
    assert copies(passed) == ("Olu", "olu")
    assert Case.objects.get(pk=closed.pk).is_open is False
    assert copies(closed) == (Case.objects.get(pk=closed.pk).handler.first_name, Case.objects.get(pk=closed.pk).handler.username)
    assert_copies_match()


def test_the_copies_follow_changes_made_around_the_service_functions(handler, other_handler):
    complaint = f.log_complaint(handler=handler, actor=handler)
    other = f.log_complaint(handler=other_handler, actor=other_handler)

    # A stale instance saved whole writes back the copies it read (here: another's, then none).
    stale = Case.objects.get(pk=complaint.pk)
    stale.handler_first_name, stale.handler_username = "Olu", "olu"
    stale.save()
    assert copies(complaint) == ("Hari", "hari")
    stale.handler_first_name = stale.handler_username = None
    stale.save(update_fields=["handler_first_name", "handler_username"])
    assert copies(complaint) == ("Hari", "hari")

    # Another handler, or none, by a queryset update and by hand.
    Case.objects.filter(pk=complaint.pk).update(handler=other_handler)
    assert copies(complaint) == ("Olu", "olu")
    Case.objects.filter(pk=complaint.pk).update(handler=None)
    assert copies(complaint) == (None, None)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET handler_id = %s WHERE id = %s", [handler.pk, complaint.pk])
        cursor.execute("UPDATE cases_case SET handler_id = NULL WHERE id = %s", [other.pk])
    assert copies(complaint) == ("Hari", "hari")
    assert copies(other) == (None, None)
    assert_copies_match()

    # Cases written by hand, several in one INSERT (as an import might): each gets its handler's.
    before = set(Case.objects.values_list("pk", flat=True))
    columns = [c.column for c in Case._meta.concrete_fields if c.column not in ("id", "handler_first_name", "handler_username")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_case ({', '.join(columns)}) "
            f"SELECT {', '.join(c if c != 'reference' else 'reference || ' + repr('-c') for c in columns)} FROM cases_case"
        )
    made = Case.objects.exclude(pk__in=before)
    assert made.count() == len(before)
    assert set(made.values_list("handler_first_name", flat=True)) == {"Hari", None}
    assert_copies_match()


def test_a_user_renamed_renames_every_case_of_theirs_open_or_closed(handler, other_handler):
    open_case = f.log_complaint(handler=handler, actor=handler)
    closed = f.complaint_at("closed", handler=handler)
    theirs = f.log_complaint(handler=other_handler, actor=other_handler)
    assert Case.objects.get(pk=closed.pk).is_open is False

    handler.first_name = "Harriet"  # by the ORM, as the accounts pages save a user
    handler.save()
    assert copies(open_case) == copies(closed) == ("Harriet", "hari")
    User.objects.filter(pk=handler.pk).update(username="harriet.k")
    assert copies(open_case) == copies(closed) == ("Harriet", "harriet.k")
    with connection.cursor() as cursor:  # by hand: an empty first name is a name, not a missing one
        cursor.execute("UPDATE accounts_user SET first_name = '' WHERE id = %s", [handler.pk])
    assert copies(open_case) == copies(closed) == ("", "harriet.k")
    assert copies(theirs) == ("Olu", "olu")  # nobody else's
    User.objects.filter(pk=handler.pk).update(last_login=timezone.now())  # not a name: nothing to do
    assert copies(open_case) == ("", "harriet.k")
    assert_copies_match()


def test_changes_made_while_the_triggers_were_off_are_put_right_when_they_come_back(handler, other_handler):
    case = f.log_complaint(handler=handler, actor=handler)
    nobody = f.log_service_request()
    schema.drop_triggers(connection)  # as before a migrate
    assert schema.missing_triggers(connection) >= {name for name, _ in handlernames.TRIGGERS}
    User.objects.filter(pk=handler.pk).update(first_name="Harriet")
    Case.objects.filter(pk=nobody.pk).update(handler=other_handler)
    Case.objects.filter(pk=case.pk).update(handler_username="stale")
    assert copies(case) == ("Hari", "stale") and copies(nobody) == (None, None)  # stale while they are off
    schema.ensure(connection)  # as after a migrate
    assert not schema.missing_triggers(connection)
    assert copies(case) == ("Harriet", "hari")
    assert copies(nobody) == ("Olu", "olu")
    assert_copies_match()


def test_the_refill_empties_the_copies_of_a_case_with_no_handler(handler):
    case = f.log_service_request()
    schema.drop_triggers(connection)
    Case.objects.filter(pk=case.pk).update(handler_first_name="Hari", handler_username="hari")
    assert handlernames.refill(connection) == 1
    assert copies(case) == (None, None)
    schema.ensure(connection)
