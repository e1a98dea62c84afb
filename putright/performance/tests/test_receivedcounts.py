"""Every case by the month received, with a deadline or without, kept by triggers
(putright.performance.receivedcounts), always equals a live COUNT: after an import, every step of
the service path, a case reopened, changes by hand (a date received, a deadline come and gone, a
case deleted), the rows folded, triggers taken off and put back, a migrate with nothing to do and a
flush. And the month a place in the queue's order falls in (`month_of`) is the one the cases give."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.performance import receivedcounts, schema
from putright.performance.models import ReceivedCount
from putright.performance.tests.test_tallies import history
from putright.reports.tests.histories import load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def kept() -> dict:
    """The kept counts by (month, dated), as the page reads them: summed, months adding up to nothing left out."""
    sums: dict = {}
    for month, dated, delta in ReceivedCount.objects.values_list("month", "dated", "delta"):
        sums[(month, bool(dated))] = sums.get((month, bool(dated)), 0) + delta
    return {key: n for key, n in sums.items() if n}


def live() -> dict:
    sums: dict = {}
    for day, deadline in Case.objects.values_list("received_on", "next_deadline_by"):
        key = (day.replace(day=1), deadline is not None)
        sums[key] = sums.get(key, 0) + 1
    return sums


def assert_agree() -> None:
    assert kept() == live()
    assert receivedcounts.agree()


def places(descending: bool, undated: bool) -> list[dt.date]:
    """Each case's month received (its first day) in the queue's order: by date received, or by deadline (the cases
    with a deadline first, here only counted), newest first if `descending`."""
    cases = Case.objects.all()
    months = sorted((c.received_on.replace(day=1) for c in cases if not undated or c.next_deadline_by is None), reverse=descending)
    dated = sum(1 for c in cases if c.next_deadline_by is not None) if undated else 0
    return [None] * dated + months


def test_an_import_and_every_step_of_the_service_path_keep_them_true(handler, other_handler, manager, resident):
    load([r for r in history(5, 30) if dt.date.fromisoformat(max(v for k, v in r.items() if k.endswith("_on") and v)) <= f.TODAY])
    assert Case.objects.count() > 10
    assert_agree()
    f.log_service_request()  # open, no deadline
    assert_agree()
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
        assert_agree()
    case = f.complaint_at("refused", handler=handler, resident=resident)
    actions.reopen(case, reason="Refused in error.", actor=manager)
    assert Case.objects.get(pk=case.pk).next_deadline_by is not None  # reopened: a deadline again
    assert_agree()
    assert receivedcounts.compact()["rows"]
    # One row a month and deadline or not, once folded.
    assert ReceivedCount.objects.count() == len(live())
    assert receivedcounts.compact() == {"rows": 0}  # nothing to fold: nothing written
    assert_agree()


def test_changes_by_hand_folding_and_triggers_put_back_keep_them_true(handler):
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(3)]
    closed = f.complaint_at("closed", handler=handler)
    receivedcounts.compact()
    Case.objects.filter(pk=cases[0].pk).update(received_on=f.TODAY - dt.timedelta(days=400))  # another month
    Case.objects.filter(pk=cases[1].pk).update(next_deadline_by=None)  # its deadline gone
    Case.objects.filter(pk=closed.pk).update(next_deadline_by=f.TODAY)  # and come
    Case.objects.filter(pk=cases[2].pk).update(next_deadline_by=f.TODAY + dt.timedelta(days=9))  # moved: the same row
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET received_on = received_on, next_deadline_by = next_deadline_by")  # no change
    assert_agree()
    # A case deleted by hand (the service path never deletes one: its timeline is append-only).
    columns = ", ".join(c.column for c in Case._meta.concrete_fields if c.column not in ("id", "reference"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO cases_case (reference, {columns}) SELECT 'BY-HAND-1', {columns} FROM cases_case WHERE id = %s",
                       [closed.pk])
        assert_agree()
        cursor.execute("DELETE FROM cases_case WHERE reference = 'BY-HAND-1'")
    assert_agree()
    receivedcounts.compact()
    assert_agree()
    schema.drop_triggers(connection)  # as before a migrate
    Case.objects.filter(pk=cases[0].pk).update(received_on=f.TODAY - dt.timedelta(days=100))
    assert kept() != live()
    schema.ensure(connection)  # as after it: counted again
    assert_agree()


def test_a_migrate_with_nothing_to_do_leaves_them_untouched(handler):
    f.complaint_at("closed", handler=handler)
    rows = list(ReceivedCount.objects.order_by("id").values_list())
    assert rows
    call_command("migrate", verbosity=0)
    assert list(ReceivedCount.objects.order_by("id").values_list()) == rows


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_them_true(handler, monkeypatch):
    """SQLite's flush deletes the cases row by row, each counted by the triggers: the counts are
    made again after a flush, whatever order the tables were emptied in."""
    f.complaint_at("stage1_acknowledged", handler=handler)
    names = connection.introspection.django_table_names
    monkeypatch.setattr(connection.introspection, "django_table_names",  # the counts first: the bad order
                        lambda *a, **kw: sorted(names(*a, **kw), key=lambda t: t != receivedcounts.TABLE))
    call_command("flush", interactive=False, verbosity=0)
    assert not Case.objects.exists()
    assert kept() == {} and receivedcounts.agree()


def test_the_month_of_each_place_is_the_month_the_cases_give(handler):
    for n, state in enumerate(["closed", "stage1_acknowledged", "withdrawn", "closed", "stage1_responded", "closed", "refused"] * 3):
        f.complaint_at(state, handler=handler, received_on=f.TODAY - dt.timedelta(days=30 + 25 * (n % 5)))
    receivedcounts.compact()
    f.complaint_at("closed", handler=handler, received_on=f.TODAY - dt.timedelta(days=55))  # a row not folded yet
    for descending in (False, True):
        for undated in (False, True):
            months = places(descending, undated)
            for offset, month in enumerate(months):
                found = receivedcounts.month_of(offset, descending=descending, undated=undated)
                if month is None:  # among the cases with a deadline (by deadline): not by month
                    assert found is None, (descending, undated, offset)
                    continue
                # The month, and the cases before it: those with a deadline and every earlier month's.
                assert found == (month, months.index(month)), (descending, undated, offset)
            assert receivedcounts.month_of(len(months), descending=descending, undated=undated) is None  # past the last
