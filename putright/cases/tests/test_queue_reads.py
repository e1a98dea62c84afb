"""The queue's reads after the session and the user go in one round trip on PostgreSQL
(putright.cases.views.queue_reads): the closure days, the counts, the filters' options and the
page's rows, their ids a subquery of the rows' statement. The page shows what it showed when the
ids came first and the paginator clamped the page number before anything was read: the same
rows, in the same order, with the same counts, for every filter and sort."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, ClosureDay, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_queries import FILTERS, RoundTrips
from putright.cases.views import queue_table
from putright.cases.views.queue import PAGE_SIZE, QueueFilter, _scoped_data, filtered_cases, theme_rows

pytestmark = pytest.mark.django_db

TODAY = f.TODAY  # Mon 23 Nov 2026
#: What the middleware reads before the view (the session, the user, their second factor, the
#: landlord's name) and what the filter form checks a chosen service area, theme or handler
#: against (ModelChoiceField): not the page's own reads.
BEFORE_THE_READS = ("operations_session", "accounts_user", "otp_", "cases_landlordsettings", "cases_servicearea", "cases_theme")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The queue works out overdue and due soon from the real date: pin it to the factories' today."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def staff_client(client, handler):
    client.force_login(handler)
    client.get("/cases/")  # the first request after signing in does some one-off work
    return client


def extended(*, handler, resident, area, theme, respond_by: dt.date) -> Case:
    """A complaint acknowledged on 4 Nov and extended to `respond_by`: its next deadline."""
    case = f.log_complaint(handler=handler, actor=handler, resident=resident, service_area=area, themes=[theme])
    case = actions.acknowledge(case, actor=handler, today=f.ACKNOWLEDGED, **f.ack_kwargs())
    return actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs(new_respond_by=respond_by))


@pytest.fixture
def cases(handler, other_handler, resident, other_resident):
    """Over two pages of cases that every filter in FILTERS matches, overdue, due today and due
    soon, many on the same day (so the id decides their order), and others no filter wants."""
    area, theme = ServiceArea.objects.create(name="Repairs"), Theme.objects.create(name="Delay")
    due = [dt.date(2026, 11, 20), TODAY, dt.date(2026, 11, 25)]
    for i in range(32):
        extended(handler=handler, resident=(resident, other_resident, None)[i % 3], area=area, theme=theme, respond_by=due[i % 3])
    for state in ("stage1_logged", "stage2_acknowledged", "closed"):
        f.complaint_at(state, handler=other_handler, stage2_handler=handler, resident=other_resident)
    return {"AREA": area.pk, "THEME": theme.pk, "HANDLER": handler.pk}


def url_of(name: str, values: dict, sort: str = "", page: str | None = None) -> str:
    query = [f"{k}={values.get(v, v)}" for k, v in FILTERS[name].items()]
    query += [f"sort={sort}"] if sort else []
    query += [f"page={page}"] if page is not None else []
    return "/cases/?" + "&".join(query)


def before(user, url: str):
    """The page as the queue read it before its reads went together: the filters as the view
    reads them, the ids paged by Django's paginator (which counts them and clamps the page number
    first), then those ids' rows. (The page number, the total, the rows.)"""
    request = RequestFactory().get(url)
    request.user = user
    form = QueueFilter(request.GET or None)
    data = _scoped_data(request, form)
    cases = filtered_cases(user, data, TODAY, landlord_calendar())
    themed = theme_rows(user, data)
    paged = cases.values_list("pk", flat=True) if themed is None else themed.values_list("case_id", flat=True)
    page = Paginator(paged, PAGE_SIZE).get_page(request.GET.get("page"))
    return page.number, page.paginator.count, [vars(row) for row in queue_table.load(list(page.object_list))]


def shown(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    return page.number, page.paginator.count, [vars(row) for row in page.object_list]


def test_every_filter_and_sort_shows_the_rows_and_total_it_showed_before(staff_client, handler, cases):
    for name in FILTERS:
        for sort in ("", "-received", "resident", "-handler", "state"):
            for page in ("1", "2"):
                url = url_of(name, cases, sort, page)
                number, total, rows = shown(staff_client, url)
                assert (number, total, rows) == before(handler, url), url
                # Every filter matches a page or more (the due filters a third of the cases).
                assert total >= 10 and len(rows) == min(PAGE_SIZE, total - PAGE_SIZE * (number - 1)), url


def test_the_deadline_counts_are_the_live_counts(staff_client, handler, cases):
    for scope in ("all", "mine"):
        counts = staff_client.get(f"/cases/?cases={scope}").context["counts"]
        live = {due: filtered_cases(handler, {"cases": scope, "due": due}, TODAY, landlord_calendar()).count() for due in ("overdue", "today")}
        # The count of "due soon" leaves out today (the filter takes it in).
        live["soon"] = filtered_cases(handler, {"cases": scope, "due": "soon"}, TODAY, landlord_calendar()).exclude(next_deadline_by=TODAY).count()
        assert counts == live and all(n >= 10 for n in live.values()), (scope, live)


@pytest.mark.parametrize("url", ["/cases/?cases=all", "/cases/?cases=all&due=soon", "/cases/?mine=1&due=overdue",
                                 "/cases/?cases=all&theme=THEME&stage=1", "/cases/?cases=all&sort=resident&page=2",
                                 "/cases/?cases=all&state=all&sort=-received",
                                 # Totals kept by handler and state, and by theme (read with the other counts).
                                 "/cases/?cases=mine&state=all", "/cases/?cases=all&state=all&handler=HANDLER",
                                 "/cases/?cases=all&state=all&theme=THEME"])
def test_a_queue_page_reads_everything_after_the_user_in_one_round_trip(url, staff_client, cases, monkeypatch):
    url = url.replace("THEME", str(cases["THEME"])).replace("HANDLER", str(cases["HANDLER"]))
    staff_client.get(url)
    trips = RoundTrips(monkeypatch)
    with connection.execute_wrapper(trips):
        response = staff_client.get(url)
    assert response.status_code == 200 and response.context["page"].object_list
    if connection.vendor == "postgresql":
        own = [sql for sql in trips.alone_sql if not any(f'FROM "{table}' in sql for table in BEFORE_THE_READS)]
        assert own == [], own
        assert trips.pipelines == 1
        # The session, read on the page before and checked here (decision 0020: not on its own),
        # the page's rows and the counts (with the revisions of the closure days and the filters'
        # options, kept by the process), both between the settings that say how they are planned
        # (one before, two after: compiled.PLANNING, decision 0021).
        assert not any('FROM "operations_session"' in sql for sql in trips.alone_sql)
        assert trips.statements - trips.alone == 1 + 5
    else:
        assert trips.total == trips.statements


def test_a_page_past_the_last_shows_the_last_one_in_a_second_round_trip(staff_client, handler, cases, monkeypatch):
    for asked, meant in (("99", 2), ("0", 2), ("-3", 2), ("2", 2), ("1", 1), ("two", 1), ("1.5", 1), ("", 1),
                         ("100000000000000000000000", 2)):
        url = f"/cases/?cases=all&page={asked}"
        staff_client.get(url)
        trips = RoundTrips(monkeypatch)
        with connection.execute_wrapper(trips):
            number, total, rows = shown(staff_client, url)
        assert number == meant and (number, total, rows) == before(handler, url), asked
        assert len(rows) == (25 if meant == 1 else total - 25)
        if connection.vendor == "postgresql":
            own = [sql for sql in trips.alone_sql if not any(f'FROM "{table}' in sql for table in BEFORE_THE_READS)]
            clamped = asked not in ("1", "2", "two", "1.5", "")  # read as page 1 or the page asked for, then clamped
            # The clamped page's rows again, between the settings that say how they are planned.
            assert own == [] and trips.pipelines == (2 if clamped else 1), (asked, own)


def test_a_closure_day_added_since_the_last_page_is_counted_at_once(staff_client, handler, other_handler, resident, monkeypatch):
    """The page's queries are built with the closure days this process read last and the days are
    read again beside them: when they differ the page is read again with the new ones, never
    shown from the old."""
    area, theme = ServiceArea.objects.create(name="Repairs"), Theme.objects.create(name="Delay")
    thursday = extended(handler=handler, resident=resident, area=area, theme=theme, respond_by=dt.date(2026, 11, 26))
    # Due soon ends two working days after Monday: Wednesday, so a case due on Thursday is not due soon.
    response = staff_client.get("/cases/?cases=all&due=soon")
    assert response.context["counts"]["soon"] == 0 and thursday.reference not in response.content.decode()

    ClosureDay.objects.create(day=dt.date(2026, 11, 24), label="Training day")  # as another process would
    trips = RoundTrips(monkeypatch)
    with connection.execute_wrapper(trips):
        response = staff_client.get("/cases/?cases=all&due=soon")
    # Tuesday closed: the second working day is Thursday.
    assert response.context["counts"]["soon"] == 1 and thursday.reference in response.content.decode()
    if connection.vendor == "postgresql":
        # The page built with the days kept, its counts showing another revision; the days read
        # again (after their revision); the page again with them.
        assert trips.pipelines == 3

    trips = RoundTrips(monkeypatch)
    with connection.execute_wrapper(trips):
        response = staff_client.get("/cases/?cases=all&due=soon")
    assert response.context["counts"]["soon"] == 1
    if connection.vendor == "postgresql":
        assert trips.pipelines == 1

    ClosureDay.objects.filter(day=dt.date(2026, 11, 24)).delete()
    response = staff_client.get("/cases/?cases=all&due=soon")
    assert response.context["counts"]["soon"] == 0 and thursday.reference not in response.content.decode()
