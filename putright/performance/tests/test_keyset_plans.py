"""Plan tests for the queue's "Next" and "Previous" pages (putright.cases.views.queue_keyset): a
page reached by its link reads the sort's index from the link's position, a range that starts
at the case the last page ended on, and stops after a page of entries; never the entries before
it (an OFFSET's skip) and never a sort of the filter's cases. On both databases, on SQLite with
statistics as at a million cases and at their most misleading (test_plans.py's)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.tests import factories as f
from putright.cases.views import queue as queue_view
from putright.performance.tests.test_plans import STATES, _forget_statistics, captured_get, plan, planted  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_and_size(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 4)


@pytest.fixture
def staff_client(client, handler):
    for i in range(24):
        f.complaint_at("stage1_acknowledged" if i % 3 else "closed", handler=handler, received_on=f.TODAY - dt.timedelta(days=40 + i % 8))
    client.force_login(handler)
    client.get("/cases/")
    return client


def next_link(client, url: str) -> str:
    found = re.search(r'href="([^"]*)" rel="next"', client.get(url).content.decode())
    assert found, url
    return "/cases/" + html.unescape(found.group(1))


#: The first page, the sort's index, and what its range says on SQLite (the columns it starts at).
PAGES = [
    ("/cases/?cases=all", "case_open_deadline_order", "(next_deadline_by,received_on)>(?,?)"),
    ("/cases/?cases=all&due=overdue", "case_open_deadline_order", "(next_deadline_by,received_on)>(?,?)"),
    ("/cases/?cases=all&state=all&sort=state", "case_state_order", "state>?"),
    ("/cases/?cases=all&state=all&sort=-state", "case_state_order_desc", "state<?"),
]


@pytest.mark.parametrize("first, index, sqlite_range", PAGES)
def test_a_next_page_reads_the_sort_s_index_from_its_position(first, index, sqlite_range, staff_client):
    for state in STATES:
        planted(state)
        url = next_link(staff_client, next_link(staff_client, first))  # page 3, as a user gets there
        assert "&after=" in url
        shown = _read_from_position(captured_get(staff_client, url), index, state)
        if connection.vendor == "sqlite":
            assert sqlite_range in shown.replace(" ", ""), (state, shown)
        else:
            assert re.search(r"Index Cond: .*ROW\(|Index Cond: .*state [<>] ", shown), shown


def _read_from_position(captured, index: str, state: str) -> str:
    """The plan of the page's ids, asserted a range of `index` from the position: no OFFSET,
    nothing sorted, and on PostgreSQL the position the index scan's start (its Index Cond), not
    a filter on what it read."""
    (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
    assert "OFFSET" not in sql, sql
    shown = plan(sql, params)
    assert index in shown, (state, shown)
    assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)
    assert "Filter: (ROW" not in shown, shown
    return shown


def test_a_previous_page_reads_the_same_index_backwards_from_its_position(staff_client):
    for state in STATES:
        planted(state)
        url = next_link(staff_client, next_link(staff_client, "/cases/?cases=all"))
        body = staff_client.get(url).content.decode()
        previous = "/cases/" + html.unescape(re.search(r'href="([^"]*)" rel="prev"', body).group(1))
        assert "&before=" in previous
        captured = captured_get(staff_client, previous)
        (sql, params), = captured.matching('SELECT "cases_case"."id" AS "pk" FROM "cases_case"', "ORDER BY", "LIMIT")
        shown = plan(sql, params)
        assert "case_open_deadline_order" in shown and "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)
        if connection.vendor == "sqlite":
            assert "(next_deadline_by,received_on)<(?,?)" in shown.replace(" ", ""), (state, shown)
        else:
            assert re.search(r"Index Cond: .*ROW\(.*<", shown), shown


@pytest.mark.parametrize("query, index", [
    ("", "case_open_deadline_order"),
    ("&due=overdue", "case_open_deadline_order"),
    ("&include_closed=true", ""),
])
def test_the_api_s_cursor_page_reads_from_its_position(query, index, staff_client):
    """The API's case list after a cursor is read as the queue's "Next" page is (a range from the
    position, no OFFSET, nothing sorted): it read every case before the cursor until session 42
    (the middle of a million cases: 1 s on PostgreSQL)."""
    from django.test import Client

    from putright.api.keys import create_key

    _, raw = create_key(name="plans", role="handler")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for state in STATES:
        planted(state)
        cursor = api.get(f"/api/v1/cases?limit=3{query}").json()["next_cursor"]
        cursor = api.get(f"/api/v1/cases?limit=3{query}&cursor={cursor}").json()["next_cursor"]
        assert cursor
        shown = _read_from_position(captured_get(api, f"/api/v1/cases?limit=3{query}&cursor={cursor}"), index, state)
        if connection.vendor == "postgresql":
            assert re.search(r"Index Cond: .*ROW\(", shown), shown
