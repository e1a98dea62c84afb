"""The resident's name copied onto each case (putright.performance.copies) always equals the name
read through the join, whatever changed the case or the resident: the service functions, a saved
stale instance, a queryset update, SQL typed by hand, anonymisation, a migration run without the
triggers. The queue's sort by resident reads the copy, so a stale one would misplace a case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.performance import copies, schema
from putright.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def assert_copies_match() -> None:
    """Every case's copy against the resident's name read live; and there is something to compare."""
    rows = list(Case.objects.values_list("resident_name", "resident__name"))
    assert rows
    assert [copy for copy, _ in rows] == [live for _, live in rows]


def test_the_copy_follows_every_change(handler):
    rita = Resident.objects.create(name="Rita Patel", email="rita@example.org")
    sam = Resident.objects.create(name="Sam Okafor", email="sam@example.org")
    complaint = f.log_complaint(resident=rita, handler=handler, actor=handler)
    request = f.log_service_request(resident=sam)
    nobody = f.log_compliment()
    assert Case.objects.get(pk=complaint.pk).resident_name == "Rita Patel"
    assert Case.objects.get(pk=nobody.pk).resident_name is None
    assert_copies_match()

    # A stale instance saved whole writes back the copy it read (here: none at all).
    complaint.resident_name = None
    complaint.save()
    assert Case.objects.get(pk=complaint.pk).resident_name == "Rita Patel"
    stale = Case.objects.get(pk=request.pk)
    stale.resident_name = "Someone else"
    stale.save(update_fields=["resident_name"])
    assert_copies_match()

    # Another resident, or none, by a queryset update and by hand.
    Case.objects.filter(pk=complaint.pk).update(resident=sam)
    assert Case.objects.get(pk=complaint.pk).resident_name == "Sam Okafor"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET resident_id = NULL WHERE id = %s", [request.pk])
        cursor.execute("UPDATE cases_case SET resident_id = %s WHERE id = %s", [rita.pk, nobody.pk])
    assert Case.objects.get(pk=request.pk).resident_name is None
    assert Case.objects.get(pk=nobody.pk).resident_name == "Rita Patel"
    assert_copies_match()

    # A resident renamed: every case of theirs, by the ORM and by hand.
    Resident.objects.filter(pk=sam.pk).update(name="Samuel Okafor")
    assert Case.objects.get(pk=complaint.pk).resident_name == "Samuel Okafor"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE residents_resident SET name = 'R. Patel' WHERE id = %s", [rita.pk])
    assert Case.objects.get(pk=nobody.pk).resident_name == "R. Patel"
    assert_copies_match()


def test_an_anonymised_residents_name_leaves_their_cases(handler):
    from putright.privacy.anonymise import anonymise_case
    from putright.privacy.models import Why

    rita = Resident.objects.create(name="Rita Patel", email="rita@example.org")
    case = f.complaint_at("closed", handler=handler, resident=rita)
    anonymise_case(case, why=Why.RETENTION, check_holds=False)
    rita.refresh_from_db()
    assert rita.name != "Rita Patel"
    assert not Case.objects.filter(resident_name__contains="Rita").exists()
    assert_copies_match()


def test_changes_made_while_the_triggers_were_off_are_put_right_when_they_come_back(handler):
    rita = Resident.objects.create(name="Rita Patel", email="rita@example.org")
    case = f.log_complaint(resident=rita, handler=handler, actor=handler)
    schema.drop_triggers(connection)  # as before a migrate
    assert schema.missing_triggers(connection) >= {name for name, _ in copies.TRIGGERS}
    Resident.objects.filter(pk=rita.pk).update(name="Rita Shah")
    assert Case.objects.get(pk=case.pk).resident_name == "Rita Patel"  # stale while they are off
    schema.ensure(connection)  # as after a migrate
    assert not schema.missing_triggers(connection)
    assert Case.objects.get(pk=case.pk).resident_name == "Rita Shah"
    assert_copies_match()


def assert_extended_marks_match() -> None:
    """Every case's extended mark against its stages read live (the queue's own test of them)."""
    from putright.cases.views.queue_table import extended_stages

    live = set(extended_stages().values_list("case_id", flat=True))
    marked = dict(Case.objects.values_list("pk", "extended_open"))
    assert marked
    assert {pk for pk, mark in marked.items() if mark} == live
    assert {mark for pk, mark in marked.items() if pk not in live} <= {None}


def test_the_extended_mark_follows_every_change_to_a_stage(handler):
    import datetime as dt

    from putright.cases import actions
    from putright.cases.models import Stage
    from putright.rules.lifecycle import State

    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    other = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    assert Case.objects.get(pk=case.pk).extended_open is None
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    assert Case.objects.get(pk=case.pk).extended_open is True
    assert_extended_marks_match()

    # A stale instance saved whole writes back the mark it read (here: none).
    case.extended_open = None
    case.save()
    assert Case.objects.get(pk=case.pk).extended_open is True
    Case.objects.filter(pk=other.pk).update(extended_open=True)  # set by hand: put right at once
    assert Case.objects.get(pk=other.pk).extended_open is None

    # Answered: no longer awaiting an extended date.
    actions.respond(Case.objects.get(pk=case.pk), responded_on=f.TODAY, points=f.points(), actor=handler, today=f.TODAY)
    assert Case.objects.get(pk=case.pk).extended_open is None
    assert_extended_marks_match()

    # By hand and by queryset: a date moved, a stage moved to another case, a stage removed.
    s1 = Stage.objects.get(case=other, number=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_stage SET respond_by = %s WHERE id = %s", [s1.respond_by + dt.timedelta(days=7), s1.pk])
    assert Case.objects.get(pk=other.pk).extended_open is True
    Stage.objects.filter(pk=s1.pk).update(case=case, number=3)
    assert (Case.objects.get(pk=case.pk).extended_open, Case.objects.get(pk=other.pk).extended_open) == (True, None)
    assert_extended_marks_match()
    Stage.objects.filter(pk=s1.pk).delete()  # its own rows first, then the stage's DELETE
    assert Case.objects.get(pk=case.pk).extended_open is None
    assert_extended_marks_match()


def test_extended_marks_gone_stale_while_the_triggers_were_off_are_put_right(handler):
    import datetime as dt

    from putright.cases import actions
    from putright.rules.lifecycle import State

    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    other = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(other, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    schema.drop_triggers(connection)
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    Case.objects.filter(pk=other.pk).update(extended_open=None)
    assert not any(Case.objects.values_list("extended_open", flat=True))  # stale while they are off
    schema.ensure(connection)
    assert_extended_marks_match()
    assert set(Case.objects.filter(extended_open=True).values_list("pk", flat=True)) == {case.pk, other.pk}


def assert_theme_marks_match() -> None:
    """Every case theme's open mark against its case's is_open read live."""
    from putright.cases.models import CaseTheme

    rows = list(CaseTheme.objects.values_list("case_open", "case__is_open"))
    assert rows
    assert [mark for mark, _ in rows] == [True if is_open else None for _, is_open in rows]


def test_the_themes_open_mark_follows_the_case_opened_and_closed(handler, manager):
    from putright.cases import actions
    from putright.cases.models import CaseTheme, Theme

    delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
    request = f.log_service_request()
    request.themes.set([delay, noise], through_defaults=CaseTheme.defaults_for(request))
    closed = f.complaint_at("closed", handler=handler)
    closed.themes.set([delay], through_defaults=CaseTheme.defaults_for(closed))
    assert set(CaseTheme.objects.filter(case_open=True).values_list("case_id", flat=True)) == {request.pk}
    assert_theme_marks_match()

    actions.close(request, closed_on=f.TODAY, actor=handler, today=f.TODAY)
    assert not CaseTheme.objects.filter(case_open=True).exists()
    actions.reopen(Case.objects.get(pk=closed.pk), reason="Closed by mistake.", actor=manager)
    assert set(CaseTheme.objects.filter(case_open=True).values_list("case_id", flat=True)) == {closed.pk}
    assert_theme_marks_match()

    # By hand, and a mark written back stale or set wrongly: put right at once.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET is_open = %s WHERE id = %s", [True, request.pk])
        cursor.execute("INSERT INTO cases_case_themes (case_id, theme_id, kind, received_on, case_open) VALUES (%s, %s, 'complaint', %s, %s)",
                       [closed.pk, noise.pk, f.TODAY, False])
    CaseTheme.objects.filter(case=request, theme=delay).update(case_open=None)
    assert_theme_marks_match()
    assert CaseTheme.objects.filter(case_open=True).count() == 4


def test_theme_marks_gone_stale_while_the_triggers_were_off_are_put_right(handler):
    from putright.cases.models import CaseTheme, Theme

    delay = Theme.objects.create(name="Delay")
    case = f.log_complaint(handler=handler, actor=handler)
    schema.drop_triggers(connection)
    case.themes.set([delay], through_defaults=CaseTheme.defaults_for(case))
    assert CaseTheme.objects.get().case_open is None  # stale while they are off
    schema.ensure(connection)
    assert CaseTheme.objects.get().case_open is True
    assert_theme_marks_match()
