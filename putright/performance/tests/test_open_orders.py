"""A page of the queue's open cases, any filter and any sort, is read from the index of open cases
in the sort's order, the filters tested on its entries (performance migration 0015;
putright.cases.views.queue_indexes). It must give the very cases, in the very order, and the very
total, the queue's query gave before: the same filters with the sorts as they were written then
(the state's "no deadline last" as NULLS LAST, every descending term NULLS LAST), planned freely."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, ServiceArea
from putright.cases.tests import factories as f
from putright.cases.views import queue, queue_indexes, queue_kept
from putright.cases.views.queue import PAGE_SIZE, filtered_cases

pytestmark = pytest.mark.django_db

NO_DEADLINE = ExpressionWrapper(Q(next_deadline_by__isnull=True), output_field=BooleanField())
NO_RESIDENT = ExpressionWrapper(Q(resident_name__isnull=True), output_field=BooleanField())
#: The sorts as `SORTS` had them before the indexes of performance migration 0015.
BEFORE = {
    "reference": ["reference"],
    "received": ["received_on", "id"],
    "resident": [NO_RESIDENT.asc(), "resident_name", "id"],
    "state": ["state", F("next_deadline_by").asc(nulls_last=True), "id"],
    "handler": [F("handler__first_name").asc(nulls_last=True), F("handler__username").asc(nulls_last=True), "id"],
    "deadline": [NO_DEADLINE.asc(), "next_deadline_by", "received_on", "id"],
}


def ordering_before(sort: str) -> list:
    terms = BEFORE[sort.lstrip("-")]
    if not sort.startswith("-"):
        return list(terms)
    return [t if not isinstance(t, str) and isinstance(t.expression, ExpressionWrapper)
            else F(t if isinstance(t, str) else t.expression.name).desc(nulls_last=True) for t in terms]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


@pytest.fixture
def area(db):
    return ServiceArea.objects.create(name="Repairs")


@pytest.fixture
def open_cases(handler, other_handler, resident, other_resident, area):
    """Open cases at every stage, deadlines shared, passed, today's and none; names shared and
    missing; received on the same days; some extended, some in a service area; closed ones too."""
    make_open_cases(handler, other_handler, resident, other_resident, area)


def make_open_cases(handler, other_handler, resident, other_resident, area) -> None:
    """`open_cases`' cases, for a module that builds them once (tests/moduledata.py)."""
    from putright.cases import actions

    states = ["stage1_logged", "stage1_acknowledged", "stage2_requested", "stage2_acknowledged", "stage1_responded", "closed"]
    for i in range(36):
        first, second = (handler, other_handler) if i % 5 < 3 else (other_handler, handler)
        f.complaint_at(states[i % len(states)], handler=first, stage2_handler=second, resident=[resident, other_resident, None][i % 3],
                       received_on=f.RECEIVED - dt.timedelta(days=i % 4))
    for i in range(3):
        f.log_complaint(handler=handler, actor=handler, service_area=area, received_on=f.TODAY - dt.timedelta(days=i))
        f.log_service_request(resident=resident)  # open, no deadline
    for _ in range(2):
        case = f.complaint_at("stage1_acknowledged", handler=other_handler)
        actions.extend(case, actor=other_handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    # Handlers whose names sort alike: two of the same first name (their usernames decide), one
    # with none (first of all); and the cases with no handler above (the service requests).
    from putright.accounts.models import User

    for username, first in (("sam.b", "Sam"), ("sam.a", "Sam"), ("zed", "")):
        someone = User.objects.create_user(username, role="handler", first_name=first)
        for i in range(2):
            f.log_complaint(handler=someone, actor=someone, received_on=f.TODAY - dt.timedelta(days=i))


FILTERS = [
    {}, {"kind": "complaint"}, {"kind": "service_request"}, {"stage": "1"}, {"stage": "2"}, {"state": "stage1_acknowledged"},
    {"state": "stage2_requested"}, {"service_area": "area"}, {"handler": "other_handler"}, {"cases": "mine"},
    {"due": "overdue"}, {"due": "today"}, {"due": "soon"}, {"due": "extended"}, {"kind": "complaint", "handler": "handler"},
    {"cases": "mine", "stage": "2", "due": "overdue"}, {"cases": "mine", "due": "soon"},
]
SORTS = [f"{way}{key}" for key in BEFORE for way in ("", "-")]


def given(data: dict, request) -> dict:
    """The filter with its named fixtures (an area, a handler) in place of their names."""
    return {k: request.getfixturevalue(v) if k in ("service_area", "handler") else v for k, v in data.items()}


def same_as_before(user, data: dict, monkeypatch):
    """The queue's query for `data`, and how many cases it finds: the very cases, in the very
    order and the very count, of the query as written before the indexes, planned freely."""
    cal = landlord_calendar()
    now = filtered_cases(user, data, f.TODAY, cal)
    with monkeypatch.context() as before:
        before.setattr(queue_indexes, "read_in_order", lambda qs, data, sort: qs)
        before.setattr(queue, "ordering", ordering_before)
        then = filtered_cases(user, data, f.TODAY, cal)
    expected = list(then.values_list("pk", flat=True))
    # Sliced, as the queue pages (the sort's index); counted, as it counts (the filter's).
    assert list(now.values_list("pk", flat=True)[:1000]) == expected, data
    assert list(now.values_list("pk", flat=True)[3:9]) == expected[3:9], data
    assert now.count() == len(expected), data
    return now, len(expected)


@pytest.mark.parametrize("sort", SORTS)
def test_every_filter_of_open_cases_gives_the_cases_the_query_gave_before_in_its_order(sort, open_cases, handler, request, monkeypatch):
    sizes = []
    for chosen in FILTERS:
        now, size = same_as_before(handler, {"cases": "all", **given(chosen, request), "sort": sort}, monkeypatch)
        sizes.append(size)
        if connection.vendor == "sqlite":
            index = queue_indexes.ORDERS[sort]
            one_handler = chosen.get("cases") == "mine" or chosen.get("handler")
            if sort.lstrip("-") != "deadline" and (chosen.get("due") == "today" or (chosen.get("due") == "soon" and (one_handler or sort == "received"))):
                index = "case_open_deadline_order"  # a few days' deadlines, one range, sorted
            elif sort == "deadline" and chosen.get("due") == "extended":
                index = "case_open_extended_deadline"
            elif sort == "deadline" and (chosen.get("cases") == "mine" or chosen.get("handler")):
                index = "case_open_handler_deadline_order"
            elif sort in queue_indexes.ONE_HANDLER and (chosen.get("cases") == "mine" or chosen.get("handler")):
                index = queue_indexes.ONE_HANDLER[sort]
            assert f"INDEXED BY {index}" in str(now.values_list("pk", flat=True)[:25].query), chosen
    assert sum(n > 1 for n in sizes) >= 12 and max(sizes) > PAGE_SIZE, sizes  # something to put in order


@pytest.mark.parametrize("url", ["/cases/?cases=all&kind=complaint&sort=-state", "/cases/?cases=all&kind=complaint&sort=reference",
                                 "/cases/?cases=all&sort=-deadline", "/cases/?cases=all&sort=-handler"])
def test_the_pages_show_those_cases_page_by_page(url, open_cases, handler, client, monkeypatch):
    client.force_login(handler)
    pages = []
    for page in (1, 2):
        response = client.get(f"{url}&page={page}")
        pages.append((response.context["page"].paginator.count, [row.pk for row in response.context["page"].object_list]))
    monkeypatch.setattr(queue_indexes, "read_in_order", lambda qs, data, sort: qs)
    monkeypatch.setattr(queue, "ordering", ordering_before)
    queue_kept.forget()  # the pages built again, the old way
    for page, (count, shown) in enumerate(pages, start=1):
        response = client.get(f"{url}&page={page}")
        assert response.context["page"].paginator.count == count > PAGE_SIZE
        assert [row.pk for row in response.context["page"].object_list] == shown


def test_only_open_cases_filtered_on_the_entries_name_an_index(handler):
    cal = landlord_calendar()
    # (closed cases too: test_closed_orders.py)
    for data in ({"q": "Patel"}, {"theme": object()}, {"mine": True}):
        qs = queue_indexes.read_in_order(Case.objects.filter(is_open=True), data, data.get("sort", "deadline"))
        assert not isinstance(qs.query.alias_map[qs.query.get_initial_alias()], queue_indexes._Named), data
    for data, counted in (({"kind": "complaint"}, "case_open_kind_deadline"), ({"stage": "2"}, "case_open_state_deadline"),
                          ({"cases": "mine", "kind": "complaint"}, "case_open_handler_deadline"),
                          ({"due": "extended"}, "case_open_extended_deadline"), ({"due": "soon"}, "case_open_deadline")):
        qs = filtered_cases(handler, {"cases": "all", **data, "sort": "-received"}, f.TODAY, cal)
        if connection.vendor == "sqlite":
            assert f"INDEXED BY {counted}" in str(qs.order_by().values("pk").query), data
            assert "INDEXED BY case_open_received_order" in str(qs.values_list("pk")[:25].query), data
        else:
            assert "INDEXED BY" not in str(qs.values_list("pk")[:25].query)
    if connection.vendor == "sqlite":  # by the handler's name: everyone's in that order, or one handler's
        qs = filtered_cases(handler, {"cases": "all", "kind": "complaint", "sort": "-handler"}, f.TODAY, cal)
        assert "INDEXED BY case_open_handler_order_desc" in str(qs.values_list("pk")[:25].query)
        qs = filtered_cases(handler, {"cases": "mine", "kind": "complaint", "sort": "handler"}, f.TODAY, cal)
        assert "INDEXED BY case_open_one_handler_order" in str(qs.values_list("pk")[:25].query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_postgresql_is_told_a_state_decides_whether_a_case_is_open():
    """Without it, PostgreSQL took is_open and state as independent, expected a stage's 19,000 open
    cases to be 900 at a million cases, and sorted them all for each page."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxkind FROM pg_statistic_ext WHERE stxname = 'case_state_is_open'")
        assert cursor.fetchall() == [(["f"],)]  # functional dependencies
