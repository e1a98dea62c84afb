"""A page of every case typed by its number ("Any state, including closed", `?page=N` with no
"Next" position), by date received or by deadline either way, starts at its month: the cases
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
from putright.performance import receivedcounts
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
        f.complaint_at(states[n % len(states)], handler=handler, stage2_handler=other_handler,
                       received_on=f.TODAY - dt.timedelta(days=30 + 31 * ((n * 7) % 6) + n % 3 + (n > 30) * 400))
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
    """Each page that started at its month: (sort, the first case's place)."""
    found = []
    start = queue_jump.start

    def recording(sort, offset, using):
        answer = start(sort, offset, using)
        if answer is not None:
            found.append((sort, offset))
        return answer

    monkeypatch.setattr(queue_jump, "start", recording)
    return found


@pytest.mark.parametrize("sort", queue_jump.SORTS)
def test_every_typed_page_is_its_number_s_page(sort, staff_client, every_case, started):
    expected = list(Case.objects.order_by(*queue_view.ordering(sort)).values_list("pk", flat=True))
    last = (len(expected) + SIZE - 1) // SIZE
    for number in range(1, last + 2):
        page = staff_client.get(f"/cases/?cases=all&state=all&sort={sort}&page={number}").context["page"]
        shown = min(number, last)  # past the last: the last
        assert (page.number, [row.pk for row in page.object_list]) == (shown, expected[(shown - 1) * SIZE: shown * SIZE]), number
    # Most pages started at their month: by deadline, all but those among the cases with a deadline.
    dated = Case.objects.filter(next_deadline_by__isnull=False).count() if sort.lstrip("-") == "deadline" else 0
    assert {offset for _, offset in started} == {(n - 1) * SIZE for n in range(2, last + 1) if (n - 1) * SIZE >= dated}


def test_only_every_case_by_date_received_or_deadline_starts_at_its_month():
    every = {"cases": "all", "state": "all", "q": "", "kind": "", "theme": None}
    for sort in queue_jump.SORTS:
        assert queue_jump.sort_for({**every, "sort": sort}) == sort
    assert queue_jump.sort_for({**every, "sort": ""}) == "deadline"  # the default sort
    for sort in ("resident", "-reference", "state", "handler"):
        assert queue_jump.sort_for({**every, "sort": sort}) == ""
    for narrowed in ({"cases": "mine"}, {"state": ""}, {"state": "closed"}, {"q": "damp"}, {"kind": "complaint"}, {"theme": 3},
                     {"handler": 4}, {"stage": "1"}, {"due": "overdue"}, {"service_area": 2}, {"a filter added later": "x"}):
        assert queue_jump.sort_for({**every, "sort": "received", **narrowed}) == "", narrowed


def test_a_typed_page_among_the_cases_without_a_deadline_reads_from_its_month(staff_client, every_case):
    sql, params = rows_statement(staff_client, f"/cases/?cases=all&state=all&page={every_case // SIZE}")
    # From the month's first case (a position), a few of the month's skipped: no OFFSET of every case before.
    offsets = [int(word) for before, word in zip(sql.split(), sql.split()[1:]) if before == "OFFSET"]
    assert offsets and max(offsets) < every_case // 3, sql
    if connection.vendor == "postgresql":
        index = "case_no_deadline_order"
        without_other_indexes(index)
        shown = plan(sql, params)
        assert index in shown and "Sort" not in shown, shown
