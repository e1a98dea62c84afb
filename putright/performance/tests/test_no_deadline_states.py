"""An open state whose cases have no next deadline (a service request open, a stage answered and
not escalated), by deadline or date received: its cases in the order of the date received, read
from the state's range of the index of open cases with no deadline (performance migration 0031,
`queue_indexes.OPEN_NO_DEADLINE_ORDER`), in order, on both databases. Before, PostgreSQL read the
state's every case from the index by state and sorted them ("open": 15,619 at a million cases),
and SQLite read the index by deadline past every open case with a deadline (23,000)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_keyset import shown, walk
from putright.cases.views import queue as queue_view
from putright.cases.views.queue_indexes import OPEN_NO_DEADLINE_ORDER
from putright.performance.tests.test_plans import STATES, captured_get, plan, planted

pytestmark = pytest.mark.django_db

SIZE = 3
SORTS = ["deadline", "-deadline", "received", "-received"]


@pytest.fixture(autouse=True)
def _today_and_size(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
    monkeypatch.setattr(queue_view, "PAGE_SIZE", SIZE)


@pytest.fixture
def staff_client(client, handler, other_handler):
    # Answered complaints (no deadline) among ones with deadlines and closed ones, received on a few
    # days each (ties broken by the id), and open service requests (no deadline either).
    for i in range(15):
        f.complaint_at(["stage1_responded", "stage1_acknowledged", "stage1_responded", "closed"][i % 4],
                       handler=handler if i % 3 else other_handler, received_on=f.TODAY - dt.timedelta(days=40 + i % 3))
    for i in range(8):
        f.log_service_request(received_on=f.TODAY - dt.timedelta(days=3 + i % 3))
    client.force_login(handler)
    client.get("/cases/")
    return client


def expected(state: str, sort: str, **narrowed) -> list[int]:
    order = ["-received_on", "-id"] if sort.startswith("-") else ["received_on", "id"]
    return list(Case.objects.filter(state=state, is_open=True, **narrowed).order_by(*order).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", SORTS)
def test_its_cases_come_in_the_order_received_page_after_page(sort, staff_client, handler):
    for state, scope, narrowed in (("open", "cases=all", {}), ("stage1_responded", "cases=all", {}),
                                   ("stage1_responded", "cases=mine", {"handler": handler})):
        meant = expected(state, sort, **narrowed)
        assert len(meant) > SIZE and Case.objects.filter(state=state, next_deadline_by__isnull=False).count() == 0
        seen = walk(staff_client, f"/cases/?{scope}&state={state}&sort={sort}")
        assert [pk for rows in seen for pk in rows] == meant, (state, scope)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("sort", SORTS)
def test_a_page_reads_the_state_s_range_of_the_no_deadline_index_in_order(state, sort, staff_client, handler):
    planted(state)
    first = expected("stage1_responded", sort)
    for url in (f"/cases/?cases=all&state=stage1_responded&sort={sort}",
                f"/cases/?cases=mine&state=stage1_responded&sort={sort}",
                f"/cases/?cases=all&state=open&kind=service_request&sort={sort}",
                f"/cases/?cases=all&state=stage1_responded&sort={sort}&page=2&after={first[SIZE - 1]}"):
        captured = captured_get(staff_client, url)
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        assert '"cases_case"."next_deadline_by" IS NULL' in sql, sql
        shown_plan = plan(sql, params)
        assert OPEN_NO_DEADLINE_ORDER in shown_plan, (url, shown_plan)
        assert "TEMP B-TREE" not in shown_plan and "Sort" not in shown_plan, (url, shown_plan)


def test_a_due_filter_or_another_sort_is_read_as_before(staff_client):
    """Only by deadline or date received, with no due filter (none of its cases is due) and no theme."""
    for url in ("/cases/?cases=all&state=stage1_responded&due=overdue", "/cases/?cases=all&state=stage1_responded&sort=resident",
                "/cases/?cases=all&state=stage1_acknowledged&sort=deadline"):
        captured = captured_get(staff_client, url)
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        assert "received_on" not in sql.split("ORDER BY")[1].split(",")[0], (url, sql)  # its sort's own order
        assert OPEN_NO_DEADLINE_ORDER not in sql and OPEN_NO_DEADLINE_ORDER not in plan(sql, params), (url, sql)
    # Overdue among cases with no deadline: none.
    assert shown(staff_client, "/cases/?cases=all&state=stage1_responded&due=overdue")[2] == []
    assert connection.vendor in ("sqlite", "postgresql")
