"""A page of "including closed", or of a closed state, any filter and any sort, is read as
`queue_indexes.read_in_order` says: a stage or a due filter keeps to open cases (their indexes:
test_open_orders.py), anything else pages the sort's index of every case on SQLite. It must give
the very cases, in the very order, and the very total the query planned freely gives, with the
sorts as they were written before the indexes (test_open_orders.BEFORE)."""

from __future__ import annotations

import pytest
from django.db import connection

from putright.cases.calendar import landlord_calendar
from putright.cases.tests import factories as f
from putright.cases.views import queue_indexes
from putright.cases.views.queue import PAGE_SIZE, filtered_cases
from putright.performance.tests.test_open_orders import _today, area, open_cases  # noqa: F401 (fixtures)
from putright.performance.tests.test_open_orders import SORTS, given, same_as_before

pytestmark = pytest.mark.django_db

FILTERS = [
    {"state": "all"}, {"state": "all", "kind": "complaint"}, {"state": "all", "kind": "service_request"},
    {"state": "all", "stage": "1"}, {"state": "all", "stage": "2"}, {"state": "all", "service_area": "area"},
    {"state": "all", "handler": "other_handler"}, {"state": "all", "cases": "mine"}, {"state": "all", "due": "overdue"},
    {"state": "all", "due": "extended"}, {"state": "all", "kind": "complaint", "stage": "2", "handler": "handler"},
    {"state": "closed"}, {"state": "closed", "kind": "complaint"}, {"state": "closed", "stage": "1"},
    {"state": "closed", "due": "overdue"}, {"state": "closed", "service_area": "area"}, {"state": "closed", "cases": "mine"},
    {"state": "withdrawn", "kind": "complaint"},
]


@pytest.mark.parametrize("sort", SORTS)
def test_closed_cases_any_filter_give_the_cases_the_free_query_gives_in_its_order(sort, open_cases, handler, request, monkeypatch):  # noqa: F811
    sizes = [same_as_before(handler, {"cases": "all", **given(chosen, request), "sort": sort}, monkeypatch)[1] for chosen in FILTERS]
    assert sum(n > 1 for n in sizes) >= 12 and max(sizes) > PAGE_SIZE, sizes  # something to put in order


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite is told its indexes; PostgreSQL's planner chooses")
def test_sqlite_pages_closed_cases_from_the_sorts_index_of_every_case(handler):
    """SQLite's sampled statistics chose the reports' index of every case by kind, and sorted every
    complaint ever received for a page (0.5-5 s at a million cases)."""
    cal = landlord_calendar()

    def paging(data):
        qs = filtered_cases(handler, {"cases": "all", **data}, f.TODAY, cal)
        return str(qs.values_list("pk", flat=True)[:25].query), str(qs.order_by().values("pk").query)

    for sort, index in queue_indexes.EVERY_ORDERS.items():
        for data in ({"state": "all", "kind": "complaint"}, {"state": "closed"}, {"state": "all", "service_area": 1}):
            assert f"INDEXED BY {index}" in paging({**data, "sort": sort})[0], (sort, data)
    # A stage, or a due filter, keeps to open cases: their indexes, as test_open_orders.py has them.
    assert "INDEXED BY case_open_received_order" in paging({"state": "all", "stage": "2", "sort": "received"})[0]
    assert "INDEXED BY case_open_resident_order" in paging({"state": "all", "due": "overdue", "sort": "resident"})[0]
    # A closed state and a stage or a due filter: no case, found at once in the open cases' states.
    for data in ({"state": "closed", "stage": "1"}, {"state": "refused", "due": "overdue"}):
        assert all("INDEXED BY case_open_state_deadline" in sql for sql in paging({**data, "sort": "-resident"})), data
    # One handler's cases: after the handler in the sort's order (test_one_handler_closed.py); counted
    # from their own index, or their cases in a closed state from the handler's state order.
    page, counted = paging({"state": "all", "cases": "mine", "sort": "resident"})
    assert "INDEXED BY case_one_handler_resident_order" in page and "INDEXED BY cases_case_handler_id_" in counted
    page, counted = paging({"state": "closed", "handler": handler.pk, "sort": "resident"})
    assert "INDEXED BY case_one_handler_resident_order" in page and "INDEXED BY case_one_handler_state_order" in counted
    assert "INDEXED BY case_kind_received" in paging({"state": "all", "kind": "compliment", "sort": "state"})[1]
    assert "INDEXED BY case_state_order" in paging({"state": "closed", "sort": "reference"})[1]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index names")
def test_the_indexes_named_exist():
    """The columns' own indexes are named by Django and SQLite; the queue names them on SQLite."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases_case'")
        names = {row[0] for row in cursor.fetchall()}
    assert set(queue_indexes.EVERY_ORDERS.values()) | {name for _, name in queue_indexes.EVERY_COUNTED} <= names
