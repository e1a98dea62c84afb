"""The case's stage, next deadline, handler and date received copied onto its theme rows
(putright.performance.copies) always equal the case's own, read live, whatever changed it: an
import, every step of the service path, a deadline moved, a case given to another handler, a
theme given or taken away, a case
closed and reopened, a stale theme row saved, SQL typed by hand, a migration run without the
triggers. The queue pages a theme from those copies, so the page must show the very cases, in the
very order, the cases' own query gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseTheme, Theme
from putright.cases.tests import factories as f
from putright.cases.views.queue import PAGE_SIZE, STAGE_STATES, filtered_cases, theme_rows
from putright.performance import schema
from putright.performance.tests.test_tallies import history
from putright.reports.tests.histories import load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


@pytest.fixture
def staff_client(client, handler):
    client.force_login(handler)
    return client


def live_stage(state: str) -> int | None:
    """The stage as the queue's own stage filter reads it from the case's state."""
    return next((int(stage) for stage, states in STAGE_STATES.items() if state in states), None)


def assert_theme_copies_match() -> None:
    """Every case theme's copies against its case read live; and there is something to compare."""
    rows = list(CaseTheme.objects.values_list("case_stage", "case_deadline", "case_handler", "received_on", "case__is_open",
                                              "case__state", "case__next_deadline_by", "case__handler_id", "case__received_on"))
    assert rows
    copied = [row[:4] for row in rows]
    live = [(live_stage(state) if is_open else None, deadline if is_open else None, handler if is_open else None, received)
            for *_, is_open, state, deadline, handler, received in rows]
    assert copied == live


def give(case: Case, *themes: Theme) -> None:
    case.themes.set(themes, through_defaults=CaseTheme.defaults_for(case))


def test_the_copies_follow_an_import_and_every_step_of_the_service_path(handler, other_handler, manager):
    load([r for r in history(7, 30) if dt.date.fromisoformat(max(v for k, v in r.items() if k.endswith("_on") and v)) <= f.TODAY])
    assert CaseTheme.objects.filter(case_open=True).exists()
    assert_theme_copies_match()
    heating = Theme.objects.get(name="Heating")
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        give(f.complaint_at(state, handler=handler, stage2_handler=other_handler), heating)
        assert_theme_copies_match()

    # Logged with its theme, then driven through the steps: each step moves the copies with it.
    case = f.log_complaint(handler=handler, actor=handler, themes=[heating])
    row = CaseTheme.objects.get(case=case)
    assert (row.case_stage, row.case_deadline) == (1, Case.objects.get(pk=case.pk).next_deadline_by)
    case = actions.acknowledge(case, actor=handler, today=f.ACKNOWLEDGED, **f.ack_kwargs())
    assert_theme_copies_match()
    moved = Case.objects.get(pk=case.pk).next_deadline_by
    case = actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())  # a deadline moved
    assert Case.objects.get(pk=case.pk).next_deadline_by != moved
    assert CaseTheme.objects.get(case=case).case_deadline == Case.objects.get(pk=case.pk).next_deadline_by
    assert_theme_copies_match()
    case = actions.allocate(case, handler=other_handler, actor=manager)  # given to another handler
    assert CaseTheme.objects.get(case=case).case_handler == other_handler.pk
    assert_theme_copies_match()

    # Closed and reopened: the copies go, and come back.
    closed = f.complaint_at("closed", handler=handler)
    give(closed, heating)
    assert CaseTheme.objects.get(case=closed).case_stage is None
    actions.reopen(Case.objects.get(pk=closed.pk), reason="Closed by mistake.", actor=manager)
    reopened = CaseTheme.objects.get(case=closed)
    assert reopened.case_open and reopened.case_stage == live_stage(Case.objects.get(pk=closed.pk).state)
    assert_theme_copies_match()


def test_the_copies_are_put_right_whatever_writes_them(handler):
    delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
    case = f.complaint_at("stage2_requested", handler=handler)
    other = f.log_complaint(handler=handler, actor=handler)
    give(case, delay, noise)
    give(other, delay)
    assert set(CaseTheme.objects.filter(case=case).values_list("case_stage", flat=True)) == {2}

    # A stale theme row saved whole, a queryset update and a row written by hand: put right at once.
    stale = CaseTheme.objects.get(case=case, theme=delay)
    stale.case_stage, stale.case_deadline, stale.case_handler, stale.received_on = 1, f.TODAY, 0, f.TODAY
    stale.save()
    CaseTheme.objects.filter(case=other).update(case_stage=2, case_deadline=None, case_handler=None)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO cases_case_themes (case_id, theme_id, kind, received_on, case_stage, case_deadline) "
                       "VALUES (%s, %s, 'complaint', %s, %s, %s)", [other.pk, noise.pk, f.TODAY, 2, f.TODAY])
    assert_theme_copies_match()

    # The case changed by hand: its deadline, its handler, its state, closed.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET next_deadline_by = %s WHERE id = %s", [f.TODAY + dt.timedelta(days=9), other.pk])
        cursor.execute("UPDATE cases_case SET handler_id = NULL WHERE id = %s", [case.pk])
        cursor.execute("UPDATE cases_case SET state = 'stage1_acknowledged' WHERE id = %s", [case.pk])
    assert set(CaseTheme.objects.filter(case=other).values_list("case_deadline", flat=True)) == {f.TODAY + dt.timedelta(days=9)}
    assert set(CaseTheme.objects.filter(case=case).values_list("case_stage", "case_handler")) == {(1, None)}
    Case.objects.filter(pk=case.pk).update(is_open=False, state="closed")
    assert set(CaseTheme.objects.filter(case=case).values_list("case_stage", "case_deadline")) == {(None, None)}
    assert_theme_copies_match()

    # A theme taken away: its row goes, the others stay right.
    other.themes.remove(noise)
    assert list(CaseTheme.objects.filter(case=other).values_list("theme_id", flat=True)) == [delay.pk]
    assert_theme_copies_match()


def test_copies_gone_stale_while_the_triggers_were_off_are_put_right(handler):
    delay = Theme.objects.create(name="Delay")
    case = f.complaint_at("stage2_requested", handler=handler)
    closing = f.complaint_at("stage1_acknowledged", handler=handler)
    give(closing, delay)
    schema.drop_triggers(connection)
    give(case, delay)
    Case.objects.filter(pk=closing.pk).update(is_open=False, state="closed")
    assert CaseTheme.objects.get(case=case).case_stage is None  # stale while they are off
    assert CaseTheme.objects.get(case=closing).case_stage == 1
    schema.ensure(connection)
    assert CaseTheme.objects.get(case=case).case_stage == 2
    assert CaseTheme.objects.get(case=closing).case_stage is None
    assert_theme_copies_match()


@pytest.mark.parametrize("sort", ["deadline", "-received", "received"])
@pytest.mark.parametrize("stage", ["", "1", "2"])
@pytest.mark.parametrize("scope", ["all", "mine"])
def test_a_theme_page_shows_the_cases_the_cases_own_query_gives_in_its_order(scope, stage, sort, handler, other_handler, staff_client):
    """The theme rows' order against the cases' own query (the way every other page of the queue,
    and the theme page before, is answered), page by page, with deadlines shared and missing."""
    delay = Theme.objects.create(name="Delay")
    states = ["stage1_logged", "stage1_acknowledged", "stage2_requested", "stage2_acknowledged", "stage1_responded", "closed"]
    for i in range(36):
        received = f.RECEIVED - dt.timedelta(days=i % 4)  # the same deadlines, received on different days
        first, second = (handler, other_handler) if i % 5 < 3 else (other_handler, handler)  # each handles some of both stages
        case = f.complaint_at(states[i % len(states)], handler=first, stage2_handler=second, received_on=received)
        give(case, delay)
    for _ in range(2):
        give(f.log_service_request(), delay)  # open, outside a stage
    data = {"cases": scope, "theme": delay, "stage": stage, "sort": sort}
    live = list(filtered_cases(handler, data, f.TODAY, landlord_calendar()).values_list("pk", flat=True))
    assert len(live) > PAGE_SIZE if not stage and scope == "all" else len(live) >= 3
    assert list(theme_rows(handler, data).values_list("case_id", flat=True)) == live
    shown = []
    for page in range(1, (len(live) + PAGE_SIZE - 1) // PAGE_SIZE + 1):
        response = staff_client.get(f"/cases/?cases={scope}&theme={delay.pk}&stage={stage}&sort={sort}&page={page}")
        assert response.context["page"].paginator.count == len(live)
        shown += [row.pk for row in response.context["page"].object_list]
    assert shown == live


def test_other_sorts_and_filters_of_a_theme_are_answered_as_before(handler, other_handler):
    delay = Theme.objects.create(name="Delay")
    base = {"cases": "all", "theme": delay, "sort": "deadline"}
    for same in ({}, {"stage": "2"}, {"cases": "mine"}, {"handler": other_handler}, {"cases": "mine", "handler": handler}):
        assert theme_rows(handler, {**base, **same}) is not None, same
    for same in ({"sort": "received"}, {"sort": "-received", "stage": "1", "cases": "mine"}):
        assert theme_rows(handler, {**base, **same}) is not None, same
    for other in ({"sort": "resident"}, {"sort": "-deadline"}, {"sort": "reference"}, {"state": "stage1_logged"}, {"state": "all"}, {"due": "overdue"},
                  {"kind": "complaint"}, {"q": "Patel"}, {"cases": "mine", "handler": other_handler}):
        assert theme_rows(handler, {**base, **other}) is None, other
