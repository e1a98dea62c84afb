"""The queue's "Next" and "Previous" links read their page from where the last one ended
(putright.cases.views.queue_keyset), and it is the very page the page number's OFFSET gives:
for every sort both ways, with ties (the same deadline, day received, name, handler) and NULLs
(no deadline, no resident, nobody allocated), forwards from page 1 to the last and back. A link
whose case moved, closed or is gone, or a malformed one, still gives a sensible page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from putright.cases.models import Case, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_queries import RoundTrips
from putright.cases.views import queue as queue_view
from putright.cases.views import queue_keyset
from putright.cases.views.queue import SORTS
from putright.performance.tests.test_open_orders import area, open_cases  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SIZE = 9
ALL_SORTS = [f"{way}{key}" for key in SORTS for way in ("", "-")]


@pytest.fixture(autouse=True)
def _today_and_size(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
    monkeypatch.setattr(queue_view, "PAGE_SIZE", SIZE)


@pytest.fixture
def staff_client(client, manager, open_cases):  # noqa: F811
    client.force_login(manager)
    return client


def shown(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    return page.number, page.paginator.num_pages, [row.pk for row in page.object_list], response.context


def link(context, name: str) -> str:
    href = context[name]
    return "/cases/" + href


def walk(client, base: str):
    """Page 1, then every "Next" link to the last page and every "Previous" link back: each page
    beside the same page number's OFFSET page (a typed `page=N`)."""
    number, pages, rows, context = shown(client, base)
    assert number == 1 and pages > 1, base
    seen = [rows]
    while context["next_href"]:
        href = context["next_href"]
        position = "" if "q=" in base else f"&after={rows[-1]}"  # a search pages by the page number
        assert re.search(rf"&page={number + 1}{position}$", href), href
        number, _, rows, context = shown(client, link(context, "next_href"))
        typed = shown(client, f"{base}&page={number}")
        assert (number, rows) == (typed[0], typed[2]), href
        seen.append(rows)
    assert number == pages
    while context["previous_href"]:
        href = context["previous_href"]
        number, _, rows, context = shown(client, link(context, "previous_href"))
        if number > 1 and "q=" not in base:
            assert f"&before={seen[number][0]}" in href
        assert rows == seen[number - 1], href
    assert number == 1
    return seen


@pytest.mark.parametrize("sort", ALL_SORTS)
def test_next_and_previous_give_the_offset_pages_for_every_sort_both_ways(staff_client, sort):
    # Every open case (ties and NULLs in every sort), then every case, open or closed.
    for base in (f"/cases/?cases=all&sort={sort}", f"/cases/?cases=all&state=all&sort={sort}"):
        seen = walk(staff_client, base)
        flat = [pk for rows in seen for pk in rows]
        assert len(flat) == len(set(flat)) == shown(staff_client, base)[3]["page"].paginator.count


@pytest.mark.parametrize("sort", ["deadline", "-deadline", "received", "-received", "state", "resident"])
def test_next_and_previous_through_a_filter_a_theme_and_a_search(staff_client, open_cases, handler, sort):  # noqa: F811
    theme = Theme.objects.create(name="Delay")
    for i in range(14):  # received on four days: ties broken by the id
        f.log_complaint(handler=handler, actor=handler, themes=[theme], received_on=f.TODAY - dt.timedelta(days=i % 4))
    for query in (f"cases=all&theme={theme.pk}", f"cases=all&handler={handler.pk}", "cases=all&kind=complaint&due=overdue",
                  "q=Resident&state=all&cases=all"):
        number, pages, _, _ = shown(staff_client, f"/cases/?{query}&sort={sort}")
        if pages > 1:
            walk(staff_client, f"/cases/?{query}&sort={sort}")


def test_a_position_holds_only_the_case_id(staff_client):
    _, _, rows, context = shown(staff_client, "/cases/?cases=all&sort=resident")
    assert context["next_href"] == f"?cases=all&sort=resident&page=2&after={rows[-1]}"
    _, _, rows, context = shown(staff_client, "/cases/" + context["next_href"])
    assert context["previous_href"] == "?cases=all&sort=resident&page=1"  # page 1: read from the start
    _, _, rows, context = shown(staff_client, "/cases/" + context["next_href"])
    assert context["previous_href"] == f"?cases=all&sort=resident&page=2&before={rows[0]}"
    # The page's own query string (the headings' and scope links) drops the position.
    assert "after=" not in context["query"] and "before=" not in context["query"]


def test_a_keyset_page_reads_from_the_position_not_past_an_offset(staff_client, monkeypatch):
    _, _, rows, context = shown(staff_client, "/cases/?cases=all&sort=received")
    statements = []
    from django.db import connection

    with connection.execute_wrapper(lambda execute, sql, params, many, ctx: statements.append(sql) or execute(sql, params, many, ctx)):
        shown(staff_client, "/cases/" + context["next_href"])
    assert not [sql for sql in statements if "OFFSET" in sql], "a Next link's page skipped rows by OFFSET"
    assert any(re.search(r"\(\(.*received_on.*\), \(.*\"id\"\)\) > \(", sql) for sql in statements), statements


def test_a_keyset_page_is_one_lookup_then_one_round_trip(staff_client, monkeypatch):
    _, _, _, context = shown(staff_client, "/cases/?cases=all&due=overdue")
    from django.db import connection

    trips = RoundTrips(monkeypatch)
    with connection.execute_wrapper(trips):
        shown(staff_client, "/cases/" + context["next_href"])
    lookups = [sql for sql in trips.alone_sql if re.search(r'WHERE "cases_case"."id" = ', sql)]
    assert len(lookups) == 1, trips.alone_sql
    if connection.vendor == "postgresql":
        assert trips.pipelines == 1


@pytest.mark.parametrize("change", ["gone", "closed", "moved to the end", "moved to the start"])
def test_a_link_whose_case_changed_still_gives_a_page(staff_client, change):
    base = "/cases/?cases=all&sort=deadline"
    _, _, rows, context = shown(staff_client, base)
    _, _, rows, context = shown(staff_client, "/cases/" + context["next_href"])
    href = context["next_href"]
    cursor = rows[-1]
    if change == "gone":
        href = href.replace(f"after={cursor}", "after=999999")
    elif change == "closed":
        Case.objects.filter(pk=cursor).update(is_open=False, state="closed")
    elif change == "moved to the end":
        Case.objects.filter(pk=cursor).update(next_deadline_by=f.TODAY.replace(year=f.TODAY.year + 5))
    else:
        Case.objects.filter(pk=cursor).update(next_deadline_by=f.TODAY.replace(year=f.TODAY.year - 5))
    number, _, rows, _ = shown(staff_client, "/cases/" + href)
    typed = shown(staff_client, f"{base}&page=3")[2]
    assert number == 3 and len(rows) == SIZE and cursor not in rows
    if change == "gone":  # not found: the page number's OFFSET page
        assert rows == typed
    elif change == "closed":
        # Read on from the closed case's place: the cases that followed it, where the OFFSET page
        # (one case fewer before it now) starts a case later.
        assert rows[1:] == typed[:-1]
    else:
        # Moved: read on from its new place, the cases after it; fewer than a page there (the
        # end of the queue), the page number's OFFSET page.
        _, pages, _, _ = shown(staff_client, base)
        every = [pk for n in range(1, pages + 1) for pk in shown(staff_client, f"{base}&page={n}")[2]]
        after = every[every.index(cursor) + 1 :][:SIZE]
        assert rows == (after if len(after) == SIZE else typed)
        assert (every[0] == cursor) if change == "moved to the start" else (every.index(cursor) > 3 * SIZE)


@pytest.mark.parametrize("query", ["after=abc", "after=-3", "after=0", "after=1&before=2", "after=" + "9" * 30, "before=",
                                   "after=%EF%BC%91"])
def test_a_malformed_position_is_ignored(staff_client, query):
    number, _, rows, _ = shown(staff_client, f"/cases/?cases=all&page=2&{query}")
    assert (number, rows) == shown(staff_client, "/cases/?cases=all&page=2")[:3:2]


def test_a_typed_page_number_without_a_position_still_works(staff_client):
    number, pages, rows, _ = shown(staff_client, "/cases/?cases=all&page=3")
    assert number == 3 and len(rows) == SIZE and pages > 3


def test_the_keys_of_every_sort_are_understood():
    for sort in ALL_SORTS:
        assert queue_keyset.keys(queue_view.ordering(sort)) is not None, sort
    for order in queue_view.THEME_SORTS.values():
        assert queue_keyset.keys(order) is not None


def test_a_search_pages_by_the_page_number(staff_client, handler, resident):
    """A search's cases are its residents' few thousand at most: their pages are read by the page
    number (on SQLite a range of the sort's index of every case read them all: 0.3 s)."""
    for i in range(SIZE + 2):
        f.log_complaint(handler=handler, actor=handler, resident=resident, received_on=f.TODAY - dt.timedelta(days=i % 3))
    number, pages, _, context = shown(staff_client, "/cases/?q=Patel&state=all&cases=all&sort=received")
    assert pages > 1
    statements = []
    from django.db import connection

    with connection.execute_wrapper(lambda execute, sql, params, many, ctx: statements.append(sql) or execute(sql, params, many, ctx)):
        number, _, rows, _ = shown(staff_client, "/cases/" + context["next_href"])
    assert "after=" not in context["next_href"]  # nothing in the link the page would not use
    assert [sql for sql in statements if "OFFSET" in sql]
    assert not any(re.search(r"\(\(.*received_on.*\), \(.*\"id\"\)\) > \(", sql) for sql in statements), statements
    assert (number, rows) == shown(staff_client, "/cases/?q=Patel&state=all&cases=all&sort=received&page=2")[::2][:2]
