"""A page of every case typed by its number ("Any state, including closed", `?page=N` with no
"Next" position), by date received or by deadline either way, starts at its month (and one of
everyone's overdue or open cases by deadline): the cases
received each month are counted (putright.performance.receivedcounts), so the page is read from
the start of that month with its place in the month skipped, not past an OFFSET of every case before it
(page 20,000 at a million cases: 500,000 index entries on PostgreSQL). Decision 0023.

Every page must still be its number's page of the cases in the sort's order, across the ends of
months and of the cases with a deadline (read by the OFFSET, as before), and the page past the last.
Dates are relative to the suite's `today`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.cases.views import queue as queue_view
from putright.cases.views import queue_jump
from putright.performance import deadlinecounts, receivedcounts
# Pages of 3, today the suite's (an autouse fixture: used here too).
from putright.performance.tests.test_ended_early import SIZE, _small_pages, rows_statement, without_other_indexes  # noqa: F401
from putright.performance.tests.test_plans import plan

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def _from_page_two(monkeypatch):
    monkeypatch.setattr(queue_jump, "FROM_ROW", SIZE)  # the few cases here are many months


@pytest.fixture
def every_case(handler, other_handler):
    """Open cases with a deadline and without, closed ones, over several months: months of one
    case, of several (more than a page), of both kinds, days of several; a row of the counts not
    folded yet."""
    states = ["closed", "stage1_acknowledged", "withdrawn", "closed", "stage1_responded", "closed", "refused", "stage2_requested"]
    for n in range(40):
        received = f.TODAY - dt.timedelta(days=30 + 31 * ((n * 7) % 6) + n % 3 + (n > 30) * 400)
        # Some on a month's first day and its last: the edges of a month, either way.
        received = {0: received.replace(day=1), 1: received.replace(day=1) - dt.timedelta(days=1)}.get(n % 4, received)
        f.complaint_at(states[n % len(states)], handler=handler, stage2_handler=other_handler, received_on=received)
    receivedcounts.compact()
    f.complaint_at("closed", handler=handler, received_on=f.TODAY - dt.timedelta(days=92))
    assert Case.objects.filter(next_deadline_by__isnull=False).count() >= SIZE + 1  # more than a page with a deadline
    return Case.objects.count()


@pytest.fixture
def staff_client(client, manager, every_case):
    client.force_login(manager)
    client.get("/cases/")  # the first request after signing in does one-off work
    return client


@pytest.fixture
def started(monkeypatch):
    """Each page that started at its month: (queue, sort, the first case's place)."""
    found = []
    start = queue_jump.start

    def recording(jump, offset, using):
        answer = start(jump, offset, using)
        if answer is not None:
            found.append((jump.queue, jump.sort, offset))
        return answer

    monkeypatch.setattr(queue_jump, "start", recording)
    return found


def assert_typed_pages(client, url: str, expected: list) -> None:
    """Every page by its number, and the one past the last (the last), is its number's page."""
    last = (len(expected) + SIZE - 1) // SIZE
    for number in range(1, last + 2):
        page = client.get(f"{url}&page={number}").context["page"]
        shown = min(number, last)  # past the last: the last
        assert (page.number, [row.pk for row in page.object_list]) == (shown, expected[(shown - 1) * SIZE: shown * SIZE]), number


@pytest.mark.parametrize("sort", queue_jump.QUEUES[queue_jump.EVERY][1])
def test_every_typed_page_of_every_case_is_its_number_s_page(sort, staff_client, every_case, started):
    expected = list(Case.objects.order_by(*queue_view.ordering(sort)).values_list("pk", flat=True))
    assert_typed_pages(staff_client, f"/cases/?cases=all&state=all&sort={sort}", expected)
    # Most pages started at their month: by deadline, all but those among the cases with a deadline.
    last = (len(expected) + SIZE - 1) // SIZE
    dated = Case.objects.filter(next_deadline_by__isnull=False).count() if sort.lstrip("-") == "deadline" else 0
    assert {offset for _, _, offset in started} == {(n - 1) * SIZE for n in range(2, last + 1) if (n - 1) * SIZE >= dated}


@pytest.fixture
def overdue(handler, other_handler):
    """Open cases overdue by days of several months, some over a year ago (folded by month), ties
    on a day; open ones not overdue, and closed ones, which are not in the queue."""
    for n in range(26):
        case = f.complaint_at("stage1_acknowledged" if n % 2 else "stage2_acknowledged", handler=handler, stage2_handler=other_handler,
                              received_on=f.TODAY - dt.timedelta(days=40 + n % 4))
        due = f.TODAY - dt.timedelta(days=1 + 45 * (n % 5) + 500 * (n % 3 == 0) + n % 2)
        # Some on a month's first day and its last: the edges of a month, either way.
        due = {0: due.replace(day=1), 1: due.replace(day=1) - dt.timedelta(days=1)}.get(n % 4, due)
        Case.objects.filter(pk=case.pk).update(next_deadline_by=due)
    f.complaint_at("stage1_acknowledged", handler=handler)  # due later
    f.complaint_at("closed", handler=handler)
    deadlinecounts.compact()  # the days over a year ago folded into their months
    assert Case.objects.filter(is_open=True, next_deadline_by__lt=f.TODAY - deadlinecounts.FOLD_AFTER).exists()
    return list(Case.objects.filter(is_open=True, next_deadline_by__lt=f.TODAY))


@pytest.mark.parametrize("sort", queue_jump.QUEUES[queue_jump.OVERDUE][1])
def test_every_typed_page_of_everyone_s_overdue_cases_is_its_number_s_page(sort, client, manager, overdue, started):
    client.force_login(manager)
    expected = list(Case.objects.filter(pk__in=[c.pk for c in overdue]).order_by(*queue_view.ordering(sort)).values_list("pk", flat=True))
    assert_typed_pages(client, f"/cases/?cases=all&due=overdue&sort={sort}", expected)
    last = (len(expected) + SIZE - 1) // SIZE
    assert {offset for queue, _, offset in started if queue == queue_jump.OVERDUE} == {(n - 1) * SIZE for n in range(2, last + 1)}


@pytest.mark.parametrize("sort", queue_jump.QUEUES[queue_jump.OPEN][1])
def test_every_typed_page_of_everyone_s_open_cases_is_its_number_s_page(sort, client, manager, handler, overdue, started):
    """The queue as it opens: overdue, due later (months ahead) and no deadline (last either way,
    read by the OFFSET)."""
    for n in range(7):
        case = f.complaint_at("stage1_acknowledged", handler=handler)
        Case.objects.filter(pk=case.pk).update(next_deadline_by=f.TODAY + dt.timedelta(days=3 + 40 * n))
    for _ in range(2):
        f.log_service_request()
    client.force_login(manager)
    assert Case.objects.filter(is_open=True, next_deadline_by__isnull=True).count() >= 2
    expected = list(Case.objects.filter(is_open=True).order_by(*queue_view.ordering(sort)).values_list("pk", flat=True))
    assert_typed_pages(client, f"/cases/?cases=all&sort={sort}", expected)
    last = (len(expected) + SIZE - 1) // SIZE
    dated = Case.objects.filter(is_open=True, next_deadline_by__isnull=False).count()
    assert {offset for queue, _, offset in started if queue == queue_jump.OPEN} == {(n - 1) * SIZE for n in range(2, last + 1) if (n - 1) * SIZE < dated}


def test_only_those_queues_and_sorts_start_at_their_month():
    today = f.TODAY
    every = {"cases": "all", "state": "all", "q": "", "kind": "", "theme": None}
    for sort in ("received", "-received", "deadline", "-deadline"):
        assert queue_jump.jump_for({**every, "sort": sort}, today) == queue_jump.Jump(queue_jump.EVERY, sort, today)
    assert queue_jump.jump_for({**every, "sort": ""}, today).sort == "deadline"  # the default sort
    overdue = {"cases": "all", "state": "", "due": "overdue", "q": ""}
    for sort in ("deadline", "-deadline"):
        assert queue_jump.jump_for({**overdue, "sort": sort}, today) == queue_jump.Jump(queue_jump.OVERDUE, sort, today)
    for sort in ("resident", "-reference", "state", "handler"):
        assert queue_jump.jump_for({**every, "sort": sort}, today) is None
    for sort in ("received", "resident"):
        assert queue_jump.jump_for({**overdue, "sort": sort}, today) is None
    opened = {"cases": "all", "state": "", "due": "", "q": ""}
    for sort in ("deadline", "-deadline"):
        assert queue_jump.jump_for({**opened, "sort": sort}, today) == queue_jump.Jump(queue_jump.OPEN, sort, today)
    for narrowed in ({"cases": "mine"}, {"state": "stage1_acknowledged"}, {"due": "soon"}, {"kind": "complaint"}, {"sort": "received"}):
        assert queue_jump.jump_for({**opened, "sort": "deadline", **narrowed}, today) is None, narrowed
    for narrowed in ({"cases": "mine"}, {"state": ""}, {"state": "closed"}, {"q": "damp"}, {"kind": "complaint"}, {"theme": 3},
                     {"handler": 4}, {"stage": "1"}, {"due": "overdue"}, {"service_area": 2}, {"a filter added later": "x"}):
        assert queue_jump.jump_for({**every, "sort": "received", **narrowed}, today) is None, narrowed
    for narrowed in ({"cases": "mine"}, {"state": "stage1_acknowledged"}, {"due": "today"}, {"kind": "complaint"}, {"handler": 4}):
        assert queue_jump.jump_for({**overdue, "sort": "deadline", **narrowed}, today) is None, narrowed


@pytest.mark.parametrize("url, made, index", [("/cases/?cases=all&state=all&page={}", "every_case", "case_no_deadline_order"),
                                              ("/cases/?cases=all&due=overdue&page={}", "overdue", "case_open_deadline_order"),
                                              ("/cases/?cases=all&page={}", "overdue", "case_open_deadline_order")])
def test_a_deep_typed_page_reads_from_its_month(url, made, index, request, client, manager):
    made = request.getfixturevalue(made)
    cases = made if isinstance(made, int) else len(made)
    client.force_login(manager)
    sql, params = rows_statement(client, url.format(cases // SIZE))
    # From the month's first case (a position), a few of the month's skipped: no OFFSET of every case before.
    offsets = [int(word) for before, word in zip(sql.split(), sql.split()[1:]) if before == "OFFSET"]
    assert ") > " in sql and all(offset < cases // 3 for offset in offsets), sql  # a position (RowCompare)
    if connection.vendor == "postgresql":
        without_other_indexes(index)
        shown = plan(sql, params)
        assert index in shown and "Sort" not in shown, shown
