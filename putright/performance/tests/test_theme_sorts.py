"""A theme's open cases by a sort the theme rows are not kept in (putright.cases.views.queue_themes):
a page is read from the sort's own index of open cases, each entry tested against the theme's
ids, and the total counted from the theme rows. It must give the very cases, in the very order,
and the very total the query gave before: the cases joined to their themes, sorted as `SORTS`
was written before the sorts' indexes (test_open_orders.BEFORE), planned freely."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseTheme, Theme
from putright.cases.tests import factories as f
from putright.cases.views import queue_themes
from putright.cases.views.queue import PAGE_SIZE, STAGE_STATES, filtered_cases
from putright.performance.tests import built_once
from putright.performance.tests.test_open_orders import SORTS, _today, given, ordering_before  # noqa: F401 (fixtures)
from tests.moduledata import module_data

pytestmark = pytest.mark.django_db

FILTERS = [
    {}, {"stage": "1"}, {"stage": "2"}, {"cases": "mine"}, {"handler": "other_handler"}, {"cases": "mine", "stage": "2"},
    {"kind": "complaint"}, {"due": "overdue"}, {"due": "extended"}, {"state": "stage1_acknowledged"}, {"service_area": "area"},
]


def _themes(handler, other_handler, resident) -> None:
    """Two themes on most open cases (so a case found twice would show), none on some, one on closed ones."""
    delay, noise = Theme.objects.create(name="Delay"), Theme.objects.create(name="Noise")
    for i, case in enumerate(Case.objects.order_by("pk")):
        chosen = [delay, noise] if i % 4 else ([delay] if i % 8 else [])
        case.themes.set(chosen, through_defaults=CaseTheme.defaults_for(case))


# test_open_orders' open cases with those themes, built once for the module (built_once.py), and
# its people and service area in place of conftest's and test_open_orders'.
_built = module_data(lambda: built_once.open_cases(_themes))
handler, other_handler, area = built_once.handler, built_once.other_handler, built_once.area


@pytest.fixture
def themed(_built, db):
    return Theme.objects.get(name="Delay")


def before(user, data) -> list[int]:
    """The theme's cases as the cases' own query reads them, joined to their themes, the filters
    as `filtered_cases` applies them."""
    qs = Case.objects.filter(themes=data["theme"])
    state = data.get("state")
    qs = qs.filter(state=state) if state else qs.filter(is_open=True)
    if data.get("cases") == "mine":
        qs = qs.filter(handler=user)
    for name in ("kind", "handler", "service_area"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    if data.get("stage"):
        qs = qs.filter(state__in=STAGE_STATES[data["stage"]])
    if data.get("due") == "overdue":
        qs = qs.filter(next_deadline_by__lt=f.TODAY)
    elif data.get("due") == "extended":
        qs = qs.filter(extended_open=True)
    return list(qs.order_by(*ordering_before(data["sort"])).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", SORTS)
def test_a_theme_by_any_sort_gives_the_cases_the_query_gave_before_in_its_order(sort, themed, handler, request):
    cal = landlord_calendar()
    sizes = []
    for chosen in FILTERS:
        data = {"cases": "all", **given(chosen, request), "theme": themed, "sort": sort}
        expected = before(handler, data)
        sizes.append(len(expected))
        now = filtered_cases(handler, data, f.TODAY, cal)
        # Paged, as the queue pages; every offset a page can start at; and counted.
        assert list(now.values_list("pk", flat=True)[:1000]) == expected, chosen
        for start in range(0, len(expected), 7):
            assert list(now.values_list("pk", flat=True)[start : start + 7]) == expected[start : start + 7], chosen
        assert now.count() == len(expected), chosen
        rows = queue_themes.counted_rows(handler, data)
        if rows is not None:
            assert rows.count() == len(expected), chosen
    assert sum(n > 1 for n in sizes) >= 8 and max(sizes) > PAGE_SIZE, sizes  # something to put in order


@pytest.mark.parametrize("url", ["/cases/?cases=all&theme={}&sort=resident", "/cases/?cases=all&theme={}&stage=1&sort=-state",
                                 "/cases/?cases=all&theme={}&sort=-deadline", "/cases/?cases=mine&theme={}&sort=reference"])
def test_the_pages_show_those_cases_with_that_total(url, themed, handler, client):
    client.force_login(handler)
    data = dict(pair.split("=") for pair in url.split("?")[1].format(themed.pk).split("&"))
    expected = before(handler, {**data, "theme": themed})
    shown = []
    for page in range(1, (len(expected) + PAGE_SIZE - 1) // PAGE_SIZE + 1):
        response = client.get(url.format(themed.pk) + f"&page={page}")
        assert response.context["page"].paginator.count == len(expected)
        shown += [row.pk for row in response.context["page"].object_list]
    assert shown == expected and len(expected) >= 3


def test_the_total_is_counted_from_the_theme_rows_only_when_they_carry_every_filter(themed, handler, other_handler):
    for same in ({}, {"stage": "2"}, {"cases": "mine"}, {"handler": other_handler}, {"sort": "resident"}, {"state": "all"}):
        assert queue_themes.counted_rows(handler, {"cases": "all", "theme": themed, **same}) is not None, same
    for other in ({"state": "all", "cases": "mine"}, {"state": "all", "kind": "complaint"}, {"state": "stage1_logged"}, {"due": "overdue"}, {"kind": "complaint"}, {"q": "Patel"},
                  {"service_area": object()}, {"theme": None}):
        assert queue_themes.counted_rows(handler, {"cases": "all", "theme": themed, **other}) is None, other


def test_a_page_reads_the_sorts_index_and_tests_the_theme_on_each_entry(themed, handler):
    """The shape the plans rest on: on PostgreSQL the theme's ids a subplan the join planner does
    not touch (OR FALSE), only when the query pages; on SQLite the sort's index named. A count, a
    handler's theme rows and a search keep the plain IN."""
    cal = landlord_calendar()
    qs = filtered_cases(handler, {"cases": "all", "theme": themed, "sort": "-state"}, f.TODAY, cal)
    paged, counted = str(qs.values_list("pk")[:25].query), str(qs.order_by().values("pk").query)
    if connection.vendor == "postgresql":
        assert re.search(r"\(\"cases_case\".\"id\" IN \(SELECT .*\) OR FALSE\)", paged)
        assert "OR FALSE" not in counted
    else:
        assert "INDEXED BY case_open_state_order_desc" in paged
        assert "INDEXED BY" not in counted
    for plain in ({"cases": "mine"}, {"handler": handler}, {"q": "Patel", "state": "stage1_logged"}, {"state": "all"}):
        qs = filtered_cases(handler, {"cases": "all", "theme": themed, "sort": "-state", **plain}, f.TODAY, cal)
        sql = str(qs.values_list("pk")[:25].query)
        assert "OR FALSE" not in sql and "INDEXED BY case_open_state" not in sql, plain


def test_the_queue_counts_the_theme_rows_not_the_cases(themed, handler, client):
    client.force_login(handler)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/?cases=all&theme={themed.pk}&sort=resident")
    assert response.context["page"].paginator.count == len(before(handler, {"theme": themed, "sort": "resident"}))
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"] and "cases_case_themes" in q["sql"]]
    assert counting and all('FROM "cases_case_themes"' in sql.split("COUNT(*) FROM (", 1)[1][:200] for sql in counting)
