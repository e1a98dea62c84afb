"""No N+1 queries: the queue page and the case page make the same number of SQL queries whatever
the number of cases on the page, or of events, stages, remedies and correspondence on the case.

Each test counts the queries of a page with one of everything, adds more, and counts again. The
cases are built through the actions (putright.cases.tests.factories), never by saving models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.audit import record_read
from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.performance.compiled import CUSTOM, GENERIC, PLANNING
from putright.residents.models import Adjustment, AdjustmentKind

pytestmark = pytest.mark.django_db

TODAY = f.TODAY  # Mon 23 Nov 2026
CASE_PAGE_QUERIES = 24  # was 34 before issue 19
# Each case is acknowledged on 4 Nov (respond by 18 Nov) then extended: to a date before today,
# today, or within 2 working days, so it is extended and overdue, due today or due soon.
EXTENDED_TO = {"overdue": dt.date(2026, 11, 20), "today": TODAY, "soon": dt.date(2026, 11, 25)}

# Every filter of the queue, alone and all together; each matches every case built below.
FILTERS = {
    "none": {},
    "kind": {"kind": "complaint"},
    "stage": {"stage": "1"},
    "state": {"state": "stage1_acknowledged"},
    "any state": {"state": "all"},
    "service area": {"service_area": "AREA"},
    "theme": {"theme": "THEME"},
    "handler": {"handler": "HANDLER"},
    "mine": {"mine": "1"},
    "overdue": {"due": "overdue"},
    "due today": {"due": "today"},
    "due soon": {"due": "soon"},
    "extended": {"due": "extended"},
    "all at once": {"kind": "complaint", "stage": "1", "state": "stage1_acknowledged", "service_area": "AREA",
                    "theme": "THEME", "handler": "HANDLER", "mine": "1", "due": "extended"},
}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The queue works out overdue and due soon from the real date: pin it to the factories' today."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def area(db):
    return ServiceArea.objects.create(name="Repairs")


@pytest.fixture
def theme(db):
    return Theme.objects.create(name="Delay")


@pytest.fixture
def staff_client(client, handler):
    client.force_login(handler)
    client.get("/cases/")  # the first request after signing in does some one-off work
    return client


def extended_complaint(*, handler, resident, area, theme, due: str):
    case = f.log_complaint(handler=handler, actor=handler, resident=resident, service_area=area, themes=[theme])
    case = actions.acknowledge(case, actor=handler, today=f.ACKNOWLEDGED, **f.ack_kwargs())
    return actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs(new_respond_by=EXTENDED_TO[due]))


def count_queries(client, url: str) -> tuple[int, str]:
    """The queries a page makes, and its HTML. The settings around statements planned one way on
    PostgreSQL (compiled.PLANNING, decision 0021) are not queries: they read nothing, and cost
    microseconds where each query costs about half a millisecond of Python."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    planning = {write.sql for writes in PLANNING[GENERIC] + PLANNING[CUSTOM] for write in writes}
    return sum(query["sql"] not in planning for query in captured), response.content.decode()


def rows_shown(html: str) -> int:
    return html.count('<tr class="govuk-table__row">') - 1  # less the header row


@pytest.mark.parametrize("name", FILTERS)
def test_it_makes_as_many_queries_for_a_full_page_of_the_queue_as_for_one_case(
    name, staff_client, handler, resident, other_resident, area, theme
):
    due = FILTERS[name].get("due", "soon")
    due = due if due in EXTENDED_TO else "overdue"
    values = {"AREA": area.pk, "THEME": theme.pk, "HANDLER": handler.pk}
    query = "&".join(f"{k}={values.get(v, v)}" for k, v in FILTERS[name].items())
    url = f"/cases/?{query}"

    def build(n):
        for i in range(n):
            extended_complaint(handler=handler, resident=(resident, other_resident, None)[i % 3], area=area, theme=theme, due=due)

    build(1)
    # The first page after the fixtures made a service area and a theme reads the filters' options
    # again (their revision changed: putright.performance.revisions); not what this counts.
    staff_client.get(url)
    one, html = count_queries(staff_client, url)
    assert rows_shown(html) == 1, "the filter should match the case built"

    build(29)
    full, html = count_queries(staff_client, url)
    assert rows_shown(html) == 25
    assert "<strong>30</strong> cases" in html
    assert full == one

    last, html = count_queries(staff_client, url + "&page=2")
    assert rows_shown(html) == 5
    assert last == one


def test_it_makes_the_same_queries_for_the_queue_whichever_kinds_of_case_are_on_it(staff_client, handler, resident):
    f.log_complaint(handler=handler, resident=resident)
    staff_client.get("/cases/?cases=all")  # the filters' options read again once (a handler was made)
    one, _ = count_queries(staff_client, "/cases/?cases=all")
    f.log_service_request(resident=resident)
    f.log_compliment()
    f.complaint_at("stage2_requested", handler=handler, resident=resident)
    f.complaint_at("stage1_responded", handler=handler)
    mixed, html = count_queries(staff_client, "/cases/?cases=all")
    assert rows_shown(html) == 5
    assert mixed == one


def busy_case(handler, other_handler, resident, *, more: int):
    """A complaint at stage 2 with `more` of each thing the case page lists (at least one)."""
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Large print.")
    case = f.complaint_at("stage2_acknowledged", handler=handler, stage2_handler=other_handler, resident=resident)
    case = actions.extend(
        case, actor=other_handler, today=TODAY,
        **f.extend_kwargs(new_respond_by=dt.date(2026, 12, 31), resident_told_on=dt.date(2026, 11, 20)),
    )
    for i in range(more):
        Adjustment.objects.create(resident=resident, kind=AdjustmentKind.VULNERABILITY, description=f"Note {i}.")
        actions.add_correspondence(
            case, direction="in", occurred_on=dt.date(2026, 11, 20), body=f"Letter {i}.", actor=handler, today=TODAY,
            files=[NewFile(f"scan{i}-{j}.pdf", "application/pdf", b"%PDF-1.7 scan") for j in range(1 + i % 2)],
        )
        actions.add_remedy(case, kind="financial", description=f"Compensation {i}", amount=Decimal("50.00"),
                           payment_method="money", due_by=dt.date(2026, 12, 4), actor=handler, today=TODAY)
        action = actions.add_action(case, description=f"Repair {i}", due_by=dt.date(2026, 12, 1 + i), owner=handler, actor=handler)
        for j in range(1 + i % 3):
            actions.update_action(action, given_on=TODAY, note=f"Booked ({j}).", actor=handler, today=TODAY)
        f.log_complaint(related_to=case, description=f"A new issue {i}.", actor=handler)  # a linked complaint (6.8)
        for reader in (handler, other_handler, "the export command"):  # "Viewed by": more readers, more reads
            record_read(reader, "case", case)
    return case


def test_it_makes_as_many_queries_for_a_busy_case_page_as_for_a_quiet_one(staff_client, handler, other_handler, resident, other_resident):
    quiet = busy_case(handler, other_handler, resident, more=1)
    busy = busy_case(handler, other_handler, other_resident, more=8)
    assert busy.events.count() > 3 * quiet.events.count()

    quiet_queries, quiet_html = count_queries(staff_client, f"/cases/{quiet.reference}/")
    busy_queries, busy_html = count_queries(staff_client, f"/cases/{busy.reference}/")
    assert "Letter 7." in busy_html and "scan7-1.pdf" in busy_html and "Booked (2)." in busy_html
    assert "the export command" in busy_html and f"{other_handler.display_name}, last" in busy_html
    assert busy_queries == quiet_queries
    # Its ceiling (issue 19): every query costs the page about half a millisecond of Python. The
    # session, the user, their second factor and the landlord's name are the middleware's and the
    # base template's; the rest are the case page's own (docs/performance.md, "The case page").
    assert busy_queries <= CASE_PAGE_QUERIES


def test_it_makes_no_more_queries_for_a_service_request_or_a_refused_complaint(staff_client, handler, other_handler, resident):
    """The other relations the case page shows: a refusal, and a complaint raised about a request."""
    baseline = busy_case(handler, other_handler, resident, more=1)
    base_queries, _ = count_queries(staff_client, f"/cases/{baseline.reference}/")

    request = f.log_service_request(resident=resident)
    complaint = actions.convert_to_complaint(request, received_on=TODAY, description="Still broken.", actor=handler, today=TODAY)
    request_queries, html = count_queries(staff_client, f"/cases/{request.reference}/")
    assert complaint is not None and complaint.reference in html
    refused = f.complaint_at("refused", handler=handler, resident=resident)
    refused_queries, html = count_queries(staff_client, f"/cases/{refused.reference}/")
    # A service request has no stages, so the stages' own lookups (extensions, points) are not run.
    assert request_queries <= base_queries
    assert refused_queries <= base_queries


class RoundTrips:
    """Counts a page's round trips to the database: each statement sent on its own, and each
    psycopg pipeline (its statements sent together, their results read back at its end). On
    SQLite, which is in the process, every statement counts as one."""

    def __init__(self, monkeypatch):
        self.alone = self.pipelines = self.statements = 0
        self.alone_sql: list[str] = []
        if connection.vendor == "postgresql":
            import psycopg

            original = psycopg.Pipeline.__exit__

            def counted_exit(pipeline, *exc):
                self.pipelines += 1
                return original(pipeline, *exc)

            monkeypatch.setattr(psycopg.Pipeline, "__exit__", counted_exit)
            monkeypatch.setattr(psycopg.Pipeline, "sync", lambda pipeline: pytest.fail("a sync() inside a pipeline is a round trip more"))

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        in_pipeline = connection.vendor == "postgresql" and connection.connection.pgconn.pipeline_status != 0  # psycopg.pq.PipelineStatus.OFF
        if not in_pipeline:
            self.alone += 1
            self.alone_sql.append(sql)
        return execute(sql, params, many, context)

    @property
    def total(self) -> int:
        return self.alone + self.pipelines


def test_the_case_page_sends_its_queries_in_one_round_trip_after_the_case(staff_client, handler, other_handler, resident, monkeypatch):
    """On PostgreSQL everything the page asks once it has the case goes in one pipeline, the record
    of the read included (docs/performance.md, "The case page"); the statements still count as
    queries above."""
    from putright.audit.models import ReadEvent

    case = busy_case(handler, other_handler, resident, more=2)
    staff_client.get(f"/cases/{case.reference}/")  # the second factor and the landlord's name, kept
    trips = RoundTrips(monkeypatch)
    before = ReadEvent.objects.filter(case=case).count()
    with connection.execute_wrapper(trips):
        response = staff_client.get(f"/cases/{case.reference}/")
    assert response.status_code == 200
    assert ReadEvent.objects.filter(case=case).count() == before + 1
    if connection.vendor == "postgresql":
        # What comes before the view (the session, the user, their second factor, the landlord's
        # name for the base template) and the case; then one pipeline of the page's other statements.
        before_the_view = ("operations_session", "accounts_user", "otp_", "cases_landlordsettings")
        own = [sql for sql in trips.alone_sql if not any(f'FROM "{table}' in sql for table in before_the_view)]
        assert len(own) == 1 and own[0].startswith('SELECT "cases_case"."id"'), own
        assert trips.pipelines == 1
        assert trips.statements - trips.alone >= 19
    else:
        assert trips.total == trips.statements
