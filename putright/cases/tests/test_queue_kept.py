"""A queue page keeps what it builds for its inputs (putright.cases.views.queue_kept): the next
request with the same user, filters, sort, day, calendar and search is not built again, and
still shows what is in the database now; a request that differs in any of them is built for
its own, and shows what a page built afresh shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from putright.cases.models import ClosureDay, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_reads import TODAY, cases, extended, url_of  # noqa: F401 (cases: a fixture)
from putright.cases.views import queue, queue_kept
from putright.performance.compiled import Store
from putright.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def builds(monkeypatch) -> list:
    """Each time a page builds the queue's query: its filters."""
    made: list = []
    real = queue.filtered_cases

    def counted(user, data, *args, **kwargs):
        made.append(dict(data))
        return real(user, data, *args, **kwargs)

    monkeypatch.setattr(queue, "filtered_cases", counted)
    return made


def shown(client, url: str) -> tuple:
    """What a page shows: its rows' ids, its total, its deadline counts and its worklist banners."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    return [row.pk for row in context["page"].object_list], context["page"].paginator.count, context["counts"], context["worklist"]


def afresh(client, url: str) -> tuple:
    queue_kept.forget()
    return shown(client, url)


FILTERS = ["none", "kind", "stage", "any state", "service area", "theme", "handler", "mine", "overdue", "due today", "due soon",
           "extended", "all at once"]


def test_a_page_built_once_shows_what_a_page_built_afresh_shows(cases, client, handler, builds):  # noqa: F811
    """Every filter (one set of cases for all: making them is most of the test's time)."""
    client.force_login(handler)
    for name in FILTERS:
        for sort in ("", "-received", "handler"):
            for page in ("1", "2"):
                url = url_of(name, cases, sort, page)
                fresh = afresh(client, url)
                before = len(builds)
                assert shown(client, url) == fresh, url
                assert len(builds) == before, f"built again for the same inputs: {url}"


def test_what_changes_in_the_database_shows_on_the_next_visit_without_a_build(cases, client, handler, other_handler, builds):  # noqa: F811
    client.force_login(handler)
    url = "/cases/?cases=all&sort=-received"
    rows, total, counts, _ = shown(client, url)
    assert len(builds) == 1
    new = f.log_complaint(handler=handler, actor=handler, received_on=TODAY, today=TODAY)
    now = shown(client, url)
    assert len(builds) == 1
    assert now[0][0] == new.pk and now[1] == total + 1
    assert now == afresh(client, url)


def test_each_input_gets_its_own_build(cases, client, handler, other_handler, monkeypatch, builds):  # noqa: F811
    client.force_login(handler)
    url = "/cases/?cases=mine&sort=deadline"
    mine = shown(client, url)
    shown(client, url)
    assert len(builds) == 1
    # Another user's "My cases".
    client.force_login(other_handler)
    theirs = shown(client, url)
    assert len(builds) == 2 and theirs != mine and theirs == afresh(client, url)
    # Another sort, another filter.
    client.force_login(handler)
    for other in ("/cases/?cases=mine&sort=-deadline", "/cases/?cases=mine&due=soon"):
        built = len(builds)
        assert shown(client, other) == afresh(client, other)
        assert len(builds) > built
    # The next day: what is overdue and due soon moves.
    shown(client, url)
    built = len(builds)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY + dt.timedelta(days=1))
    tomorrow = shown(client, "/cases/?cases=all&due=overdue")
    assert len(builds) == built + 1 and tomorrow == afresh(client, "/cases/?cases=all&due=overdue")


def test_a_closure_day_added_builds_due_soon_again(cases, client, handler, resident, builds):  # noqa: F811
    client.force_login(handler)
    url = "/cases/?cases=all&due=soon"
    area, theme = ServiceArea.objects.get(pk=cases["AREA"]), Theme.objects.get(pk=cases["THEME"])
    thursday = extended(handler=handler, resident=resident, area=area, theme=theme, respond_by=dt.date(2026, 11, 26))
    rows, total, counts, _ = shown(client, url)
    assert thursday.pk not in rows  # due soon from Monday: until Wednesday
    built = len(builds)
    # Tuesday closed: "within 2 working days" of Monday now reaches Thursday.
    ClosureDay.objects.create(day=TODAY + dt.timedelta(days=1), label="Office move")
    after = shown(client, url)
    assert len(builds) > built
    assert after == afresh(client, url)
    assert after[1] == total + 1 and after[2]["soon"] == counts["soon"] + 1


def test_a_search_finds_a_resident_added_since(cases, client, handler, builds):  # noqa: F811
    client.force_login(handler)
    url = "/cases/?q=Quenby"
    assert shown(client, url)[1] == 0
    newcomer = Resident.objects.create(name="Jo Quenby", email="jo.quenby@example.org")
    case = f.log_complaint(handler=handler, actor=handler, resident=newcomer, received_on=TODAY, today=TODAY)
    rows, total, _, _ = shown(client, url)
    assert rows == [case.pk] and total == 1
    again = len(builds)
    shown(client, url)
    assert len(builds) == again  # the same residents: kept


def test_the_store_keeps_the_most_recently_used():
    store = Store(2)
    made = []
    for key in ("a", "b", "a", "c", "a", "b"):
        store.once((key,), lambda key=key: made.append(key) or key.upper())
    # "b" was dropped for "c" (the least recently used then), and built again at the end.
    assert made == ["a", "b", "c", "b"] and len(store) == 2
