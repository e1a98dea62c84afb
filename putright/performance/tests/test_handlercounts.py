"""A handler's own counts ("My cases") kept by triggers always equal a live COUNT per handler: the
open cases by deadline day (putright.performance.deadlinecounts, `performance_handlerdeadlinecount`)
and the handler copied onto the worklist rows (putright.performance.handlercopies). Checked after
an import, every step of the service path, a case re-allocated (to another handler, or to none),
closed, reopened and extended, actions and remedies completed, changes outside the service path,
the rows folded, triggers taken off and put back, a rebuild and a flush; and the queue shows them.
Dates are relative to the suite's `today` (the frozen clock the fold and the queue read)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection

from putright.cases import actions, worklists
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, OutstandingAction, Remedy, Stage
from putright.cases.tests import factories as f
from putright.cases.views.queue import due_querysets
from putright.cases.views.queue_totals import kept_due
from putright.performance import deadlinecounts, handlercopies, schema
from putright.performance.counting import compile_counts, count_each
from putright.performance.deadlinecounts import KeptByDeadline
from putright.performance.models import DeadlineCount, HandlerDeadlineCount
from putright.performance.tests.test_tallies import history
from putright.reports.tests.histories import load
from putright.rules.due import soon_until

pytestmark = pytest.mark.django_db


def copies_right() -> None:
    """Every row's copy of its case's handler is what it should be, read through the cases."""
    stages = {pk: (copy, handler if is_open else None)
              for pk, copy, handler, is_open in Stage.objects.values_list("pk", "case_handler", "case__handler_id", "case__is_open")}
    assert {pk: copy for pk, (copy, _) in stages.items()} == {pk: want for pk, (_, want) in stages.items()}
    for model in (OutstandingAction, Remedy):
        rows = list(model.objects.values_list("case_handler", "case__handler_id", "completed_on"))
        assert [copy for copy, _, _ in rows] == [handler if done is None else None for _, handler, done in rows]


def live(handler, today: dt.date) -> dict[str, int]:
    """A handler's queue counts, counted live from the cases (joined, as before)."""
    handler = getattr(handler, "pk", handler)
    soon = soon_until(today, landlord_calendar())
    mine = Case.objects.filter(is_open=True, handler_id=handler)
    dated = mine.filter(next_deadline_by__isnull=False)
    owed = Stage.objects.filter(responded_on__isnull=True, next_update_due__lte=soon, case__is_open=True, case__handler_id=handler)
    return {
        "open": mine.count(),
        "overdue": dated.filter(next_deadline_by__lt=today).count(),
        "today": dated.filter(next_deadline_by=today).count(),
        "soon": dated.filter(next_deadline_by__gte=today, next_deadline_by__lte=soon).count(),
        "soon:count": dated.filter(next_deadline_by__gt=today, next_deadline_by__lte=soon).count(),
        "updates": owed.count(),
        "updates_missed": owed.filter(next_update_due__lt=today).count(),
        "actions": OutstandingAction.objects.filter(completed_on__isnull=True, due_by__lt=today, case__handler_id=handler).count(),
        "remedies": Remedy.objects.filter(completed_on__isnull=True, due_by__lt=today, case__handler_id=handler).count(),
    }


def kept(handler, today: dt.date) -> dict[str, int]:
    """The same from what is kept: the handler's deadline rows and the copies on the worklist rows."""
    handler = getattr(handler, "pk", handler)
    cal = landlord_calendar()
    return {**count_each({"open": KeptByDeadline(handler=handler), **kept_due(today, cal, handler)}),
            **worklists.counts(today, cal, handler=handler)}


def assert_mine_agree(today: dt.date, *users) -> None:
    """For every handler of a case (and `users`): the queue's counts kept and live, each day a
    case of theirs is due on (and the days either side) kept and live, and every copy right."""
    handlers = set(Case.objects.exclude(handler=None).values_list("handler_id", flat=True)) | {u.pk for u in users}
    since = today - deadlinecounts.FOLD_AFTER
    for handler in sorted(handlers):
        assert kept(handler, today) == live(handler, today), handler
        dated = Case.objects.filter(is_open=True, handler_id=handler, next_deadline_by__isnull=False)
        days = {d + dt.timedelta(days=n) for d in dated.values_list("next_deadline_by", flat=True) for n in (-1, 0, 1)}
        days = sorted(d for d in days if d >= since)
        counted = count_each({f"{d}:{what}": k for d in days for what, k in (
            ("before", KeptByDeadline(before=d, handler=handler)), ("on", KeptByDeadline(since=d, until=d, handler=handler)))})
        assert counted == {f"{d}:{what}": n for d in days for what, n in (
            ("before", dated.filter(next_deadline_by__lt=d).count()), ("on", dated.filter(next_deadline_by=d).count()))}
    assert deadlinecounts.agree()
    copies_right()


def test_an_import_every_step_of_the_service_path_and_allocating_keep_them_true(today, handler, other_handler, manager, resident):
    load([r for r in history(5, 30) if dt.date.fromisoformat(max(v for k, v in r.items() if k.endswith("_on") and v)) <= f.TODAY])
    assert not HandlerDeadlineCount.objects.exists()  # imported cases have no handler yet
    assert_mine_agree(today, handler)
    imported = list(Case.objects.filter(is_open=True).order_by("id"))
    assert len(imported) >= 4
    for case in imported[::2]:
        actions.allocate(case, handler=handler, actor=manager)
    Case.objects.filter(pk__in=[c.pk for c in imported[1::2]]).update(handler=other_handler)  # outside the service path
    assert_mine_agree(today)
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
        assert_mine_agree(today)
    case = f.complaint_at("refused", handler=handler, resident=resident)
    actions.reopen(case, reason="Refused in error.", actor=manager)
    assert Case.objects.get(pk=case.pk).is_open
    f.log_service_request()
    assert_mine_agree(today)
    deadlinecounts.compact()
    # One row a handler and day (no day: no deadline), the days over a year ago one a month.
    since = today - deadlinecounts.FOLD_AFTER
    assert HandlerDeadlineCount.objects.count() == len({
        (handler, day.replace(day=1) if day is not None and day < since else day)
        for handler, day in Case.objects.filter(is_open=True).exclude(handler=None).values_list("handler_id", "next_deadline_by")})
    assert_mine_agree(today)


def test_re_allocating_a_case_moves_its_counts_and_its_rows_and_removing_the_handler_takes_them_off(today, handler, other_handler, manager):
    case = f.complaint_at("stage1_responded", handler=handler)
    action = actions.add_action(case, description="Replace the pipe.", due_by=today + dt.timedelta(days=30), owner=handler, actor=handler)
    remedy = actions.add_remedy(case, kind="apology", description="A written apology.", due_by=f.TODAY + dt.timedelta(days=30),
                                actor=handler, today=f.TODAY)
    # Overdue by today, whatever day the suite runs on (the dates are not what the copies depend on).
    OutstandingAction.objects.filter(pk=action.pk).update(due_by=today - dt.timedelta(days=1))
    Remedy.objects.filter(pk=remedy.pk).update(due_by=today - dt.timedelta(days=1))
    open_case = f.complaint_at("stage1_acknowledged", handler=handler)
    deadlinecounts.compact()
    assert kept(handler, today)["actions"] == kept(handler, today)["remedies"] == 1
    assert kept(handler, today)["open"] == 2 and kept(other_handler, today)["open"] == 0
    actions.allocate(case, handler=other_handler, actor=manager)
    assert kept(handler, today)["open"] == 1 and kept(other_handler, today)["open"] == 1
    assert kept(other_handler, today)["actions"] == kept(other_handler, today)["remedies"] == 1
    assert kept(handler, today)["actions"] == kept(handler, today)["remedies"] == 0
    assert_mine_agree(today, handler, other_handler)
    # No handler: in nobody's counts, its rows carry no copy.
    Case.objects.filter(pk=case.pk).update(handler=None)
    assert kept(other_handler, today) == live(other_handler, today)
    assert kept(other_handler, today)["open"] == kept(other_handler, today)["actions"] == 0
    assert OutstandingAction.objects.get(pk=action.pk).case_handler is None
    assert_mine_agree(today, handler, other_handler)
    Case.objects.filter(pk=case.pk).update(handler=handler)
    assert_mine_agree(today, handler, other_handler)
    # Completing an action or remedy empties its copy; a stale instance saved is put right.
    actions.complete_action(OutstandingAction.objects.get(pk=action.pk), completed_on=f.TODAY, actor=handler, today=f.TODAY)
    actions.complete_remedy(Remedy.objects.get(pk=remedy.pk), completed_on=f.TODAY, actor=handler, today=f.TODAY)
    assert kept(handler, today)["actions"] == kept(handler, today)["remedies"] == 0
    stale = Stage.objects.get(case=open_case, number=1)
    actions.allocate(open_case, handler=other_handler, actor=manager)
    stale.save()  # writes back the old handler's copy
    assert Stage.objects.get(pk=stale.pk).case_handler == other_handler.pk
    assert_mine_agree(today, handler, other_handler)


def test_an_extension_moves_the_case_to_its_new_day_and_closing_takes_it_off(today, handler, other_handler):
    case = f.complaint_at("stage1_acknowledged", handler=handler)
    deadlinecounts.compact()
    before = Case.objects.get(pk=case.pk).next_deadline_by
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs(update_every_working_days=3))
    after = Case.objects.get(pk=case.pk).next_deadline_by
    assert after != before
    assert count_each({"old": KeptByDeadline(since=before, until=before, handler=handler.pk),
                       "new": KeptByDeadline(since=after, until=after, handler=handler.pk)}) == {"old": 0, "new": 1}
    assert Stage.objects.get(case=case, number=1).next_update_due is not None  # an update owed: counted for the handler
    assert_mine_agree(today, handler)
    assert live(handler, f.TODAY)["updates"] == kept(handler, f.TODAY)["updates"] == 1
    case = actions.respond(Case.objects.get(pk=case.pk), responded_on=f.TODAY, points=f.points(), actor=handler, today=f.TODAY)
    actions.close(case, closed_on=f.TODAY, actor=handler, today=f.TODAY)
    assert not Case.objects.get(pk=case.pk).is_open
    assert kept(handler, today)["open"] == 0
    assert set(Stage.objects.filter(case=case).values_list("case_handler", flat=True)) == {None}
    assert_mine_agree(today, handler)


def test_changes_by_hand_folding_and_triggers_put_back_keep_them_true(today, handler, other_handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(4)]
    deadlinecounts.compact()
    Case.objects.filter(pk=cases[0].pk).update(next_deadline_by=today - dt.timedelta(days=400))  # folded into its month
    Case.objects.filter(pk=cases[1].pk).update(next_deadline_by=None)  # no day: still one of their open cases
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET handler_id = %s, next_deadline_by = %s WHERE id = %s", [other_handler.pk, today, cases[2].pk])
        cursor.execute("UPDATE cases_case SET handler_id = handler_id, is_open = is_open")  # no change
    assert_mine_agree(today, handler, other_handler)
    deadlinecounts.compact()
    assert HandlerDeadlineCount.objects.filter(day=(today - dt.timedelta(days=400)).replace(day=1)).count() == 1
    assert HandlerDeadlineCount.objects.filter(day=None, handler=handler.pk).get().delta == 1
    assert_mine_agree(today, handler, other_handler)
    schema.drop_triggers(connection)  # as before a migrate
    Case.objects.filter(pk=cases[3].pk).update(handler=other_handler)
    Stage.objects.filter(case=cases[0]).update(case_handler=None)
    assert not deadlinecounts.agree()  # stale while they are off
    schema.ensure(connection)  # as after it: copies refilled, counts made again
    assert_mine_agree(today, handler, other_handler)
    HandlerDeadlineCount.objects.create(handler=handler.pk, day=today, delta=7)  # a wrong row is counted again whole
    Stage.objects.filter(case=cases[0]).update(case_handler=other_handler.pk)  # and a wrong copy put right
    assert Stage.objects.get(case=cases[0], number=1).case_handler == handler.pk
    deadlinecounts.rebuild()
    assert_mine_agree(today, handler, other_handler)
    assert handlercopies.refill(connection) == 0  # nothing to put right


def test_a_migrate_with_nothing_to_do_leaves_them_untouched(today, handler):
    f.complaint_at("stage1_acknowledged", handler=handler)
    rows = list(HandlerDeadlineCount.objects.order_by("id").values_list("id", "handler", "day", "delta"))
    assert rows
    call_command("migrate", verbosity=0)
    assert list(HandlerDeadlineCount.objects.order_by("id").values_list("id", "handler", "day", "delta")) == rows
    assert_mine_agree(today, handler)


def test_my_counts_never_join_the_cases(today, handler):
    """The handler's counts read the kept rows and the worklist rows' own copies: none joins
    cases_case (whose 30 indexes PostgreSQL weighed to plan each join)."""
    cal = landlord_calendar()
    counts = compile_counts({**due_querysets(handler, "mine", today, cal), **worklists.querysets(today, cal, handler=handler)})
    for name, (sql, _, _) in counts.parts.items():
        assert "cases_case" not in sql.replace("cases_case_themes", ""), name


def _total(html: str) -> int:
    return int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', html)[1])


@pytest.mark.parametrize("due", ["", "overdue", "today", "soon"])
def test_my_cases_shows_the_kept_counts_and_they_are_the_live_ones(due, today, client, handler, other_handler):
    for state in ("stage1_logged", "stage1_acknowledged", "stage2_requested", "closed"):
        f.complaint_at(state, handler=handler)
    f.complaint_at("stage1_acknowledged", handler=other_handler)
    mine = list(Case.objects.filter(is_open=True, handler=handler).order_by("id"))
    for case, days in zip(mine, (0, -3, 1)):
        Case.objects.filter(pk=case.pk).update(next_deadline_by=today + dt.timedelta(days=days))
    client.force_login(handler)
    url = f"/cases/?cases=mine&due={due}"
    listed = len(client.get(url).context["page"].object_list)  # the rows listed, read live
    assert listed >= 1
    want = {k: v for k, v in live(handler.pk, today).items() if k in ("overdue", "today", "soon:count")}
    want["soon"] = want.pop("soon:count")
    # A kept count that disagreed would show: plant a wrong row, then put it right.
    wrong = {"": None, "overdue": today - dt.timedelta(days=1), "today": today, "soon": today + dt.timedelta(days=1)}[due]
    HandlerDeadlineCount.objects.create(handler=handler.pk, day=wrong, delta=1000)
    response = client.get(url)
    assert _total(response.content.decode()) == listed + 1000
    assert response.context["counts"] == {k: n + (1000 if k == due else 0) for k, n in want.items()}
    deadlinecounts.rebuild()
    response = client.get(url)
    assert _total(response.content.decode()) == listed
    assert response.context["counts"] == want
    # Everyone's are kept apart: the same wrong row in a handler's counts is not in everyone's.
    HandlerDeadlineCount.objects.create(handler=handler.pk, day=wrong, delta=1000)
    everyone = client.get(f"/cases/?cases=all&due={due}")
    assert _total(everyone.content.decode()) == len(everyone.context["page"].object_list)
    assert not DeadlineCount.objects.filter(delta=1000).exists()


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_them_true(today, handler, monkeypatch):
    """SQLite's flush deletes the cases row by row, each counted by the triggers: the counts are
    made again after a flush, whatever order the tables were emptied in."""
    f.complaint_at("stage1_acknowledged", handler=handler)
    assert HandlerDeadlineCount.objects.exists()
    names = connection.introspection.django_table_names
    monkeypatch.setattr(connection.introspection, "django_table_names",  # the counts first: the bad order
                        lambda *a, **kw: sorted(names(*a, **kw), key=lambda t: t != "performance_handlerdeadlinecount"))
    call_command("flush", interactive=False, verbosity=0)
    assert not Case.objects.exists()
    assert count_each({"all": KeptByDeadline(handler=handler.pk)}) == {"all": 0}
    assert deadlinecounts.agree()
