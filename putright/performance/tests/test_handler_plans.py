"""Plan tests of the queue sorted by handler (performance migration 0019): every filter of open
cases, one handler's cases and "including closed" page from an index in the handler order, with
or without statistics, on both databases; nothing sorted, no user joined. Before, the users were
joined and all of the filter's cases sorted (80-300 ms a page of all open cases on SQLite at a
million cases; a million rows sorted with "including closed"). The helpers and the way statistics
are planted are test_plans.py's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from putright.cases.tests import factories as f
from putright.cases.views.queue_indexes import ONE_HANDLER, ORDERS
from putright.performance.tests.test_plans import (  # noqa: F401 (fixtures)
    STATES,
    _forget_statistics,
    _today,
    captured_get,
    plan,
    planted,
    staff_client,
)

pytestmark = pytest.mark.django_db

PAGE = 'SELECT "cases_case"."id" AS "pk" FROM "cases_case"'


@pytest.fixture
def cases(handler, other_handler):
    for i in range(30):
        f.complaint_at(["stage1_acknowledged", "stage2_acknowledged", "closed"][i % 3], handler=handler if i % 2 else other_handler,
                       stage2_handler=other_handler if i % 2 else handler, received_on=f.TODAY - dt.timedelta(days=40 + i))
    f.log_service_request()  # no handler


def page_plans(client, url: str) -> list[tuple[str, str]]:
    """(state, plan) of the page's paging query under each planted state of statistics."""
    out = []
    for state in STATES:
        planted(state)
        captured = captured_get(client, url)
        for sql, params in captured.matching(PAGE, "ORDER BY", "LIMIT"):
            assert "accounts_user" not in sql, sql  # no join: the names are on the case
            out.append((state, plan(sql, params)))
    return out


@pytest.mark.parametrize("sort", ["handler", "-handler"])
@pytest.mark.parametrize("filters", ["", "kind=complaint", "stage=2", "state=stage1_acknowledged", "due=overdue", "due=extended"])
def test_any_filter_of_open_cases_by_handler_pages_in_the_handler_index(filters, sort, cases, staff_client):
    for state, shown in page_plans(staff_client, f"/cases/?cases=all&{filters}&sort={sort}"):
        meant = ORDERS[sort]
        # PostgreSQL plans a test table of a few rows by its size: the index of every case in the
        # same order may win; at scale the open cases' (benchmarks/queue.py --matrix --explain).
        twins = [meant] + ([meant.replace("_open", "")] if connection.vendor == "postgresql" else [])
        assert any(index in shown for index in twins), (filters, state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (filters, state, shown)
        if connection.vendor == "sqlite":  # every filter's column on the entries: no case row read
            assert "COVERING INDEX" in shown, (filters, state, shown)


@pytest.mark.parametrize("sort", ["handler", "-handler"])
@pytest.mark.parametrize("filters", ["cases=mine", "handler={other}", "cases=mine&kind=complaint"])
def test_one_handlers_open_cases_by_handler_read_their_entries_alone(filters, sort, cases, staff_client, other_handler):
    """After the handler, in the handler order: 25 entries, where the index of everyone's open
    cases was read until it reached theirs."""
    url = f"/cases/?cases=all&{filters.format(other=other_handler.pk)}&sort={sort}"
    for state, shown in page_plans(staff_client, url):
        meant = ONE_HANDLER[sort]
        twins = [meant] + ([ORDERS[sort], ORDERS[sort].replace("_open", "")] if connection.vendor == "postgresql" else [])
        assert any(index in shown for index in twins), (filters, state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (filters, state, shown)


@pytest.mark.parametrize("url, index", [
    ("/cases/?cases=all&state=all&sort=handler", "case_handler_order"),
    ("/cases/?cases=all&state=all&sort=-handler&page=2", "case_handler_order_desc"),
])
def test_every_case_by_handler_is_read_from_the_index_of_every_case(url, index, cases, staff_client):
    for state, shown in page_plans(staff_client, url):
        assert f"INDEX {index} " in shown + " " or f"{index} on" in shown, (state, shown)
        assert "TEMP B-TREE" not in shown and "Sort" not in shown, (state, shown)
