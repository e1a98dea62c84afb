"""Closed cases in the queue ("including closed", a closed state) with another filter, paged by the
"Next" and "Previous" links (putright.cases.views.queue_keyset) through the groups with no
deadline and no resident: each page is the page number's OFFSET page, forwards and back. On
PostgreSQL those groups are read from indexes of their own (queue_indexes.EMPTY_APART), and on
both databases a page's branches are read nearest first until the page is full (`ids_sql`).

A closed state's query says its cases have no next deadline (`filtered_cases`), which is so
because no closed state has a deadline to come (lifecycle.deadline_field): it must find exactly
the cases of that state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from putright.cases.actions.checks import refresh_queue_fields
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_keyset import shown, walk
from putright.cases.views import queue as queue_view
from putright.cases.views.queue import filtered_cases
from putright.performance.tests.test_open_orders import area, open_cases  # noqa: F401 (fixtures)
from putright.rules import lifecycle
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_and_size(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 3)


@pytest.fixture
def closed_too(open_cases, handler, resident):  # noqa: F811
    """The open cases fixture's (six closed among them), and more closed, refused and withdrawn
    complaints received on shared days, with a resident and without."""
    for i, state in enumerate(["closed", "closed", "withdrawn", "refused", "closed", "withdrawn"]):
        f.complaint_at(state, handler=handler, resident=resident if i % 2 else None, received_on=f.RECEIVED - dt.timedelta(days=i % 2))


@pytest.fixture
def staff_client(client, manager, closed_too):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("sort", ["deadline", "-deadline", "state", "-state", "resident", "-resident"])
@pytest.mark.parametrize("query", ["state=all&kind=complaint", "state=closed&kind=complaint", "state=closed"])
def test_next_and_previous_through_the_closed_cases_give_the_offset_pages(staff_client, query, sort):
    base = f"/cases/?cases=all&{query}&sort={sort}"
    seen = walk(staff_client, base)
    flat = [pk for rows in seen for pk in rows]
    assert len(flat) == len(set(flat)) == shown(staff_client, base)[3]["page"].paginator.count


def test_no_closed_state_has_a_deadline_to_come():
    """The rule `filtered_cases` reads a closed state by: its cases have no next deadline."""
    for state in State:
        case = Case(state=state, next_deadline_by=f.TODAY)
        refresh_queue_fields(case, None)
        if not lifecycle.is_open(state):
            assert lifecycle.deadline_field(state) is None, state
            assert case.next_deadline_by is None, state


def test_a_closed_state_finds_every_case_in_that_state(closed_too, handler):
    cal = landlord_calendar()
    for state in ("closed", "withdrawn", "refused"):
        found = filtered_cases(handler, {"cases": "all", "state": state, "sort": "deadline"}, f.TODAY, cal)
        assert "next_deadline_by" in str(found.query)
        every = set(Case.objects.filter(state=state).values_list("pk", flat=True))
        assert every and set(found.values_list("pk", flat=True)) == every, state
