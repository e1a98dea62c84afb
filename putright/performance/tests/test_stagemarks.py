"""Whether a stage's case is open, marked on the stage by triggers (putright.performance.stagemarks),
always says what the case says: after every step of the service path, a case closed, withdrawn,
refused and reopened, changes by queryset and by hand-written SQL, a stale save, and triggers
taken off and put back. The queue's counts of updates owed read it instead of joining the cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases import actions, worklists
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, Stage
from putright.cases.tests import factories as f
from putright.performance import schema, stagemarks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def assert_marks_match() -> None:
    open_cases = set(Case.objects.filter(is_open=True).values_list("pk", flat=True))
    marks = {pk: (case_open, case_id in open_cases or None) for pk, case_open, case_id in Stage.objects.values_list("pk", "case_open", "case_id")}
    assert marks and all(mark == live for mark, live in marks.values()), marks


def test_the_mark_follows_every_step_of_the_service_path(handler, other_handler, manager):
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        f.complaint_at(state, handler=handler, stage2_handler=other_handler)
        assert_marks_match()
    case = f.complaint_at("refused", handler=handler)
    actions.reopen(case, reason="Refused in error.", actor=manager)
    assert Stage.objects.filter(case=case, case_open=True).exists()
    assert_marks_match()


def test_changes_outside_the_service_path_keep_it_true(handler):
    cases = [f.complaint_at("stage2_requested", handler=handler) for _ in range(3)]
    Case.objects.filter(pk=cases[0].pk).update(is_open=False)
    assert not Stage.objects.filter(case=cases[0], case_open=True).exists()
    assert_marks_match()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET is_open = %s WHERE id = %s", [False, cases[1].pk])
        cursor.execute("UPDATE cases_case SET is_open = %s WHERE id = %s", [True, cases[0].pk])
        cursor.execute("UPDATE cases_stage SET case_id = %s, number = 3 WHERE case_id = %s AND number = 2", [cases[1].pk, cases[2].pk])
    assert_marks_match()
    # A save writes back what it read: put right at once.
    stage = Stage.objects.filter(case=cases[0]).first()
    Case.objects.filter(pk=cases[0].pk).update(is_open=False)
    stage.save()
    assert Stage.objects.get(pk=stage.pk).case_open is None
    assert_marks_match()


def test_marks_gone_stale_while_the_triggers_were_off_are_put_right(handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(2)]
    schema.drop_triggers(connection)  # as before a migrate
    Case.objects.filter(pk=cases[0].pk).update(is_open=False)
    Stage.objects.filter(case=cases[1]).update(case_open=None)
    schema.ensure(connection)  # as after it
    assert_marks_match()
    assert stagemarks.refill(connection) == 0  # nothing left to correct


def test_the_queue_counts_only_the_updates_owed_on_open_cases(handler):
    cal = landlord_calendar()
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(3)]
    Stage.objects.filter(case__in=cases).update(next_update_due=f.TODAY - dt.timedelta(days=1))
    actions.withdraw(cases[0], withdrawn_on=f.TODAY, reason="Sorted now.", actor=handler, today=f.TODAY)
    counts = worklists.counts(f.TODAY, cal)
    assert (counts["updates"], counts["updates_missed"]) == (2, 2)
    assert worklists.counts(f.TODAY, cal, handler=handler)["updates"] == 2
