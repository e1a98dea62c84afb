"""The counts of open cases by deadline day kept by triggers (putright.performance.deadlinecounts)
always equal a live COUNT: after an import, every step of the service path, an extension moving a
deadline, a case closed and reopened, queryset updates, SQL typed by hand, deletes, folding the
rows together, triggers taken off and put back, and a flush. The queue shows them as exact counts
and totals, so they must be; a migrate with nothing to do writes nothing to them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.cases.views.queue_totals import kept_due
from putright.performance import deadlinecounts, schema
from putright.performance.counting import count_each
from putright.performance.deadlinecounts import KeptByDeadline
from putright.performance.models import DeadlineCount
from putright.performance.tests.test_tallies import history
from putright.reports.tests.histories import load
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db
SINCE = f.TODAY - deadlinecounts.FOLD_AFTER


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def assert_counts_agree() -> None:
    """Overdue, due on the day and due within 3 days, from the kept rows and counted live, for
    every day a case is due on (and the days either side), and the queue's own three."""
    open_cases = Case.objects.filter(is_open=True, next_deadline_by__isnull=False)
    days = set(open_cases.values_list("next_deadline_by", flat=True)) | {f.TODAY}
    days |= {d + dt.timedelta(days=n) for d in days for n in (-1, 1)}
    # Days over a year ago are folded into one (deadlinecounts.FOLD_AFTER): only "before" a later day reads them.
    days = {d for d in days if d >= SINCE}
    kept, live = {}, {}
    for day in sorted(days):
        until = day + dt.timedelta(days=3)
        kept |= {(day, "before"): KeptByDeadline(before=day), (day, "on"): KeptByDeadline(since=day, until=day),
                 (day, "soon"): KeptByDeadline(after=day, until=until)}
        live |= {(day, "before"): open_cases.filter(next_deadline_by__lt=day).count(),
                 (day, "on"): open_cases.filter(next_deadline_by=day).count(),
                 (day, "soon"): open_cases.filter(next_deadline_by__gt=day, next_deadline_by__lte=until).count()}
    counted = count_each({f"{day}:{what}": k for (day, what), k in kept.items()})
    assert counted == {f"{day}:{what}": n for (day, what), n in live.items()}
    assert deadlinecounts.agree()
    queue = count_each(kept_due(f.TODAY, landlord_calendar()))
    soon = kept_due(f.TODAY, landlord_calendar())["soon"].bounds[-1][1]
    assert queue == {"overdue": open_cases.filter(next_deadline_by__lt=f.TODAY).count(),
                     "today": open_cases.filter(next_deadline_by=f.TODAY).count(),
                     "soon": open_cases.filter(next_deadline_by__gte=f.TODAY, next_deadline_by__lte=soon).count(),
                     "soon:count": open_cases.filter(next_deadline_by__gt=f.TODAY, next_deadline_by__lte=soon).count()}


def kept_rows_once_folded() -> int:
    """One row a day for the days since a year ago, and one a month for the days before."""
    days = set(Case.objects.filter(is_open=True, next_deadline_by__isnull=False).values_list("next_deadline_by", flat=True))
    return len({d for d in days if d >= SINCE}) + len({d.replace(day=1) for d in days if d < SINCE})


def test_an_import_and_every_step_of_the_service_path_keep_them_true(handler, other_handler, manager, resident):
    load([r for r in history(5, 30) if dt.date.fromisoformat(max(v for k, v in r.items() if k.endswith("_on") and v)) <= f.TODAY])
    assert Case.objects.filter(is_open=True, next_deadline_by__lt=SINCE).exists()  # some folded by month
    assert DeadlineCount.objects.count() == kept_rows_once_folded()  # the import's rows folded
    assert_counts_agree()
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
        assert_counts_agree()
    case = f.complaint_at("refused", handler=handler, resident=resident)
    actions.reopen(case, reason="Refused in error.", actor=manager)
    assert Case.objects.get(pk=case.pk).is_open
    f.log_service_request()
    f.log_compliment()
    assert_counts_agree()
    deadlinecounts.compact()
    assert DeadlineCount.objects.count() == kept_rows_once_folded()
    assert_counts_agree()


def test_an_extension_moves_the_case_to_its_new_day_and_closing_takes_it_off(handler):
    case = f.complaint_at("stage1_acknowledged", handler=handler)
    deadlinecounts.compact()
    before = Case.objects.get(pk=case.pk).next_deadline_by
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    after = Case.objects.get(pk=case.pk).next_deadline_by
    assert after != before  # the deadline moved: one day down, another up
    assert count_each({"old": KeptByDeadline(since=before, until=before), "new": KeptByDeadline(since=after, until=after)}) == {
        "old": 0, "new": 1}
    assert_counts_agree()
    case = actions.respond(Case.objects.get(pk=case.pk), responded_on=f.TODAY, points=f.points(), actor=handler, today=f.TODAY)
    actions.close(case, closed_on=f.TODAY, actor=handler, today=f.TODAY)
    assert not Case.objects.get(pk=case.pk).is_open
    assert count_each({"all": KeptByDeadline(since=dt.date.min, until=dt.date.max)}) == {"all": 0}
    assert_counts_agree()


def test_days_over_a_year_ago_are_folded_by_month_and_the_counts_stay_exact(handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(4)]
    long_ago = [f.TODAY - dt.timedelta(days=n) for n in (400, 800, 2000)]
    for case, day in zip(cases, long_ago):
        Case.objects.filter(pk=case.pk).update(next_deadline_by=day)
    # A fourth on another day of the first one's month: the two days as one row.
    other_day = long_ago[0].replace(day=1) if long_ago[0].day > 1 else long_ago[0].replace(day=2)
    Case.objects.filter(pk=cases[3].pk).update(next_deadline_by=other_day)
    deadlinecounts.compact()
    assert sorted(DeadlineCount.objects.filter(day__lt=SINCE).values_list("day", "delta")) == sorted(
        [(long_ago[0].replace(day=1), 2), (long_ago[1].replace(day=1), 1), (long_ago[2].replace(day=1), 1)])
    assert_counts_agree()
    assert count_each({"overdue": KeptByDeadline(before=f.TODAY)})["overdue"] == Case.objects.filter(
        is_open=True, next_deadline_by__lt=f.TODAY).count()
    # One of them closed, two moved to today, one to the day after the fold: each -1 on its own day.
    Case.objects.filter(pk=cases[0].pk).update(is_open=False)
    Case.objects.filter(pk__in=[cases[1].pk, cases[3].pk]).update(next_deadline_by=f.TODAY)
    Case.objects.filter(pk=cases[2].pk).update(next_deadline_by=SINCE)
    assert_counts_agree()
    deadlinecounts.compact()
    assert not DeadlineCount.objects.filter(day__lt=SINCE).exists()  # they added up to nothing
    assert_counts_agree()
    # A clock more than a year behind the fold's cannot read the folded row: it counts them again.
    Case.objects.filter(pk=cases[2].pk).update(next_deadline_by=long_ago[2])
    deadlinecounts.compact()
    earlier = long_ago[2] + dt.timedelta(days=10)
    assert not deadlinecounts.agree(today=earlier)
    assert deadlinecounts.agree()


def test_changes_outside_the_service_path_keep_them_true(handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(4)] + [f.log_compliment()]
    deadlinecounts.compact()
    Case.objects.filter(pk=cases[0].pk).update(state=State.CLOSED, is_open=False)
    Case.objects.filter(pk=cases[1].pk).update(next_deadline_by=f.TODAY)
    Case.objects.filter(pk=cases[2].pk).update(next_deadline_by=None)  # no deadline: not counted
    assert_counts_agree()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET next_deadline_by = %s WHERE id = %s", [f.TODAY - dt.timedelta(days=40), cases[3].pk])
        cursor.execute("UPDATE cases_case SET next_deadline_by = next_deadline_by, is_open = is_open")  # no change
        cursor.execute("UPDATE cases_case SET is_open = %s, next_deadline_by = %s WHERE id = %s", [True, f.TODAY, cases[0].pk])
    assert_counts_agree()
    # A case copied in and removed again by hand.
    columns = [f.column for f in Case._meta.concrete_fields if f.column not in ("id", "reference")]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO cases_case (reference, {listed}) SELECT 'BY-HAND-1', {listed} FROM cases_case WHERE id = %s",
                       [cases[1].pk])
        assert_counts_agree()
        cursor.execute("DELETE FROM cases_case WHERE reference = 'BY-HAND-1'")
    assert_counts_agree()
    deadlinecounts.compact()
    assert_counts_agree()


def test_counted_again_when_the_triggers_come_back(handler):
    f.complaint_at("stage1_acknowledged", handler=handler)
    schema.drop_triggers(connection)  # as before a migrate
    f.complaint_at("stage1_logged", handler=handler)
    case = f.complaint_at("stage1_acknowledged", handler=handler)
    Case.objects.filter(pk=case.pk).update(is_open=False)
    assert not deadlinecounts.agree()  # stale while they are off
    schema.ensure(connection)  # as after it
    assert_counts_agree()
    DeadlineCount.objects.create(day=f.TODAY, delta=7)  # and a wrong row is counted again whole
    deadlinecounts.rebuild()
    assert_counts_agree()


def test_a_migrate_with_nothing_to_do_leaves_them_untouched(handler):
    f.complaint_at("stage1_acknowledged", handler=handler)
    f.complaint_at("stage2_requested", handler=handler)
    rows = list(DeadlineCount.objects.order_by("id").values_list("id", "day", "delta"))
    call_command("migrate", verbosity=0)
    assert list(DeadlineCount.objects.order_by("id").values_list("id", "day", "delta")) == rows
    assert_counts_agree()


def live_counts(**mine) -> dict[str, int]:
    open_cases = Case.objects.filter(is_open=True, next_deadline_by__isnull=False, **mine)
    soon = kept_due(f.TODAY, landlord_calendar())["soon"].bounds[-1][1]
    return {"overdue": open_cases.filter(next_deadline_by__lt=f.TODAY).count(), "today": open_cases.filter(next_deadline_by=f.TODAY).count(),
            "soon": open_cases.filter(next_deadline_by__gt=f.TODAY, next_deadline_by__lte=soon).count()}


def _total(html: str) -> int:
    return int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', html)[1])


@pytest.mark.parametrize("due", ["overdue", "today", "soon"])
def test_the_queue_shows_the_kept_counts_and_they_are_the_live_ones(due, client, handler):
    for state in ("stage1_logged", "stage1_acknowledged", "stage2_requested", "closed"):
        f.complaint_at(state, handler=handler)
    cases = list(Case.objects.filter(is_open=True))
    Case.objects.filter(pk=cases[0].pk).update(next_deadline_by=f.TODAY)
    Case.objects.filter(pk=cases[1].pk).update(next_deadline_by=f.TODAY - dt.timedelta(days=3))
    Case.objects.filter(pk=cases[2].pk).update(next_deadline_by=f.TODAY + dt.timedelta(days=1))
    client.force_login(handler)
    url = f"/cases/?cases=all&due={due}"
    live = len(client.get(url).context["page"].object_list)  # the rows listed, read live
    assert live >= 1
    # A kept count that disagreed would show: plant a wrong row, then put it right.
    wrong = {"overdue": f.TODAY - dt.timedelta(days=1), "today": f.TODAY, "soon": f.TODAY + dt.timedelta(days=1)}[due]
    DeadlineCount.objects.create(day=wrong, delta=1000)
    response = client.get(url)
    assert _total(response.content.decode()) == live + 1000
    assert response.context["counts"] == {k: n + (1000 if k == due else 0) for k, n in live_counts().items()}
    deadlinecounts.rebuild()
    response = client.get(url)
    assert _total(response.content.decode()) == live
    assert response.context["counts"] == live_counts()
    assert live_counts() == {"overdue": 1, "today": 1, "soon": 1}
    # Another filter with it: counted live, as before; the user's own are kept apart (test_handlercounts.py).
    DeadlineCount.objects.create(day=wrong, delta=1000)
    assert _total(client.get(f"{url}&kind=complaint").content.decode()) == live
    assert client.get(f"/cases/?cases=mine&due={due}").context["counts"] == live_counts(handler=handler)


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_them_true(handler, monkeypatch):
    """SQLite's flush deletes the cases row by row, each counted by the triggers: the counts are
    made again after a flush (as after a migrate), whatever order the tables were emptied in."""
    f.complaint_at("stage1_acknowledged", handler=handler)
    names = connection.introspection.django_table_names
    monkeypatch.setattr(connection.introspection, "django_table_names",  # the counts first: the bad order
                        lambda *a, **kw: sorted(names(*a, **kw), key=lambda t: t != "performance_deadlinecount"))
    call_command("flush", interactive=False, verbosity=0)
    assert not Case.objects.exists()
    assert count_each({"all": KeptByDeadline(since=dt.date.min, until=dt.date.max)}) == {"all": 0}


def test_the_month_of_each_overdue_place_is_the_month_the_cases_give(handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(9)]
    for n, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(next_deadline_by=f.TODAY - dt.timedelta(days=1 + 40 * (n % 4) + 400 * (n % 3 == 0)))
    deadlinecounts.compact()  # some folded by month
    Case.objects.filter(pk=cases[0].pk).update(next_deadline_by=f.TODAY - dt.timedelta(days=2))  # a row not folded yet
    for descending in (False, True):
        months = sorted((d.replace(day=1) for d in Case.objects.filter(is_open=True, next_deadline_by__lt=f.TODAY)
                         .values_list("next_deadline_by", flat=True)), reverse=descending)
        for offset, month in enumerate(months):
            assert deadlinecounts.month_of(offset, before=f.TODAY, descending=descending) == (month, months.index(month))
        assert deadlinecounts.month_of(len(months), before=f.TODAY, descending=descending) is None  # past the last
    # An earlier fold's one row of every day over a year ago has no month: the page is read by its OFFSET.
    DeadlineCount.objects.create(day=deadlinecounts.LONG_AGO, delta=5)
    assert deadlinecounts.month_of(0, before=f.TODAY, descending=False) is None
