"""A keyset page's ids SQL is written by the ORM once for each shape of position and run again
with each link's values (putright.cases.views.queue_keyset_sql): the later pages of a walk
compile no branch, and give the page the OFFSET gives (test_queue_keyset walks every sort)."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases.tests.test_queue_keyset import _today_and_size, link, shown, staff_client  # noqa: F401 (fixtures)
from putright.cases.views import queue_keyset_sql
from putright.performance import compiled
from putright.performance.tests.test_open_orders import area, open_cases  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    """The branches' SQL as built by the ORM, each time it is."""
    calls = []
    real = queue_keyset_sql.ids_sql
    monkeypatch.setattr(queue_keyset_sql, "ids_sql", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    compiled.forget()
    return calls


@pytest.mark.parametrize("sort", ["deadline", "-deadline", "state", "-resident", "handler"])
def test_the_branches_are_built_once_for_each_shape_of_position(staff_client, built, sort):  # noqa: F811
    base = f"/cases/?cases=all&sort={sort}"
    _, pages, _, context = shown(staff_client, base)
    assert pages > 3
    shapes = set()
    for number in range(2, pages + 1):
        before = len(built)
        _, _, rows, context_next = shown(staff_client, link(context, "next_href"))
        assert rows == shown(staff_client, f"{base}&page={number}")[2]
        shapes.add(len(built) > before)
        context = context_next
    # Built for the first page of each shape (which of the position's values are empty); after
    # that, only bound to the values. Fewer builds than pages, and at least one page built none.
    assert 0 < len(built) < pages - 1
    assert False in shapes


def test_a_value_with_no_stand_in_is_compiled_each_time(staff_client, built, monkeypatch):  # noqa: F811
    """A sort value of a type with no stand-in (here each date made a subclass of date) is
    never kept: its branches are built for every page, and the pages are still right."""

    class Day(dt.date):
        pass

    from putright.cases.views import queue_keyset

    real = queue_keyset.cursor_values
    monkeypatch.setattr(queue_keyset, "cursor_values", lambda found, keys: {
        name: Day(v.year, v.month, v.day) if isinstance(v, dt.date) else v for name, v in (real(found, keys) or {}).items()} or None)
    base = "/cases/?cases=all&sort=received"
    _, pages, _, context = shown(staff_client, base)
    for number in range(2, min(pages, 4) + 1):
        _, _, rows, context = shown(staff_client, link(context, "next_href"))
        assert rows == shown(staff_client, f"{base}&page={number}")[2]
    assert len(built) == min(pages, 4) - 1
