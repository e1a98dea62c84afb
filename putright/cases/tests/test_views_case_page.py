"""The case page and the queue: what staff see, with deadlines said in words.

The views count from timezone.localdate(), which is the suite's frozen today (tests/clock.py), so
cases whose deadlines must fall on a given working day are logged on dates worked out here from
that date and the working-day calendar; the other cases are made with factories.py's fixed dates and their wording is
computed with due_status.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from putright.cases import actions
from putright.cases.models import Case, Direction, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_views_forms import detail_url, frozen_today
from putright.cases.views.queue import PAGE_SIZE
from putright.residents.models import Adjustment, AdjustmentKind
from putright.rules.calendar import WorkingCalendar, format_day
from putright.rules.due import due_status
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db

QUEUE = reverse("cases:queue")
CAL = WorkingCalendar()  # the test database has no closure days


def d(day: dt.date) -> str:
    """How the pages write a date: Mon 23 Nov 2026."""
    return format_day(day)


def working_day_before(day: dt.date, n: int) -> dt.date:
    """A working day `n` working days before `day` (working_days_between(it, day) == n)."""
    candidate = day
    while True:
        candidate -= dt.timedelta(days=1)
        if CAL.is_working_day(candidate) and CAL.working_days_between(candidate, day) == n:
            return candidate


def received_for(acknowledge_by: dt.date) -> dt.date:
    """The latest receipt date, today or before, whose acknowledge-by date (5 working days on) is
    `acknowledge_by`. (On a Saturday, Sunday's receipt has the same date as Saturday's: it must
    not be chosen, because nothing can be received in the future.)"""
    for back in range(0, 20):
        received = acknowledge_by - dt.timedelta(days=back)
        if received <= frozen_today() and CAL.add_working_days(received, 5) == acknowledge_by:
            return received
    raise AssertionError(f"{acknowledge_by} is not a working day")


def complaint_due(acknowledge_by: dt.date, *, handler, **kw) -> Case:
    """A stage 1 complaint, logged now, whose next deadline (acknowledge by) is `acknowledge_by`."""
    case = f.log_complaint(received_on=received_for(acknowledge_by), handler=handler, actor=handler, today=frozen_today(), **kw)
    assert case.next_deadline_by == acknowledge_by
    return case


def references(response) -> list[str]:
    """The case references listed in the queue, in order."""
    return re.findall(r'<a class="govuk-link" href="/cases/([A-Z]+-\d{4}-\d{6})/">', response.content.decode())


# --- the case page ------------------------------------------------------------------------------


def test_it_puts_adjustments_and_vulnerabilities_first(client, handler, resident, today):
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Large print letters", review_by=dt.date(2020, 1, 1))
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.VULNERABILITY, description="Recently bereaved")
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.DISCLOSED_DISABILITY, description="Ended one", ended_on=dt.date(2025, 1, 1))
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler, resident=resident, today=today)
    client.force_login(handler)
    html = client.get(detail_url(case)).content.decode()
    flag = html.index("Adjustments and vulnerabilities (Code 5.10)")
    assert flag < html.index("What you can do now") < html.index("What the resident said")
    assert "Reasonable adjustment:</strong> Large print letters" in html
    assert "review overdue" in html
    assert "Vulnerability:</strong> Recently bereaved" in html
    assert "Ended one" not in html


def test_it_shows_both_stages_with_their_dates_and_due_words(client, handler, other_handler, today):
    case = f.complaint_at(State.STAGE2_ACKNOWLEDGED, handler=handler, stage2_handler=other_handler, today=today)
    actions.extend(case, actor=other_handler, today=f.S2_ACKNOWLEDGED, **f.extend_kwargs(
        new_respond_by=CAL.add_working_days(f.S2_RESPOND_BY, 5), resident_told_on=f.S2_ACKNOWLEDGED, reason="The surveyor is off sick.",
    ))
    actions.send_another_way(case, step="extension", sent_on=f.S2_ACKNOWLEDGED, method="email", actor=other_handler, today=f.S2_ACKNOWLEDGED,
                             text="We need more time; you can contact the Housing Ombudsman on 0300 111 3000.")
    s1, s2 = f.stage(case, 1), f.stage(case, 2)
    client.force_login(handler)
    html = client.get(detail_url(case)).content.decode()
    stage1 = html[html.index('id="stage-1"'):html.index('id="stage-2"')]
    stage2 = html[html.index('id="stage-2"'):html.index("Timeline")]
    # Stage 1: answered, so dates only.
    assert f"Acknowledge by</dt><dd class=\"govuk-summary-list__value\">{d(s1.acknowledge_by)}" in stage1
    assert f"Acknowledged {d(s1.acknowledged_on)}" in stage1
    assert f"Responded {d(s1.responded_on)}" in stage1
    assert "Upheld" in stage1 and "The job was booked 3 weeks late." in stage1
    assert "working day" not in stage1
    # Stage 2: being answered, with the extension, and the due words.
    assert f"Asked for</dt><dd class=\"govuk-summary-list__value\">{d(s2.requested_on)}" in stage2
    assert d(s2.respond_by) in stage2
    assert f"Extended from the Code's date, {d(s2.code_respond_by)}" in stage2
    assert f"To {d(s2.respond_by)}: The surveyor is off sick." in stage2
    assert f"Sent {f.S2_ACKNOWLEDGED.day} Nov 2026, with the Ombudsman's details; updates every 5 working days" in stage2
    assert "Response recorded, letter not sent" in stage1  # stage 1's response was recorded, never sent
    words = due_status(frozen_today(), s2.respond_by, CAL).words
    assert words in stage2
    assert "Olu" in stage2  # the stage 2 handler


def test_it_says_how_overdue_an_acknowledgement_is(client, handler):
    due = working_day_before(frozen_today(), 2)
    case = complaint_due(due, handler=handler)
    client.force_login(handler)
    html = client.get(detail_url(case)).content.decode()
    assert f"2 working days overdue (was due {d(due)})" in html
    assert "(projected)" in html


def test_it_shows_remedies_actions_correspondence_and_the_timeline(client, handler, today):
    case = f.complaint_at(State.STAGE1_RESPONDED, handler=handler, today=today)
    actions.add_remedy(case, kind="financial", description="For the damaged carpet", amount="120", payment_method="rent_credit", due_by=dt.date(2026, 12, 1), actor=handler, today=today)
    actions.add_remedy(case, kind="apology", description="A written apology", completed_on=f.RESPONDED, actor=handler, today=today)
    action = actions.add_action(case, description="Replace the kitchen pipe", due_by=dt.date(2026, 12, 4), owner_name="Acme Plumbing", actor=handler)
    actions.update_action(action, given_on=today, note="Parts ordered.", actor=handler, today=today)
    actions.add_correspondence(case, direction=Direction.NOTE, occurred_on=today, body="Resident prefers calls after 4pm.", actor=handler, today=today)
    actions.add_correspondence(case, direction=Direction.OUT, occurred_on=f.RESPONDED, subject="Stage 1 response", body="Dear Ms Patel", correspondent="Rita Patel", actor=handler, today=today)
    client.force_login(handler)
    html = client.get(detail_url(case)).content.decode()
    remedies = html[html.index(">Remedies<"):html.index(">Outstanding actions<")]
    assert "£120.00 (credit to the rent account): For the damaged carpet" in remedies
    assert "due by 1 Dec 2026" in remedies
    assert f"done {f.RESPONDED.day} Nov 2026" in remedies
    actions_part = html[html.index(">Outstanding actions<"):html.index(">Correspondence<")]
    assert "Replace the kitchen pipe (Acme Plumbing)" in actions_part and "due by 4 Dec 2026" in actions_part
    assert "Parts ordered." in actions_part
    correspondence = html[html.index(">Correspondence<"):html.index(">Timeline<")]
    note = correspondence.index("Resident prefers calls after 4pm.")
    letter = correspondence.index("Dear Ms Patel")
    assert correspondence[:note].rstrip().count("Internal</strong>") == 1  # the note is tagged
    assert correspondence[note:letter].count("Internal</strong>") == 0  # the letter is not
    assert "Sent</strong> to Rita Patel" in correspondence
    timeline = html[html.index(">Timeline<"):]
    kinds = ["Remedy: Providing a financial remedy", "Stage 1 response recorded", "Stage 1 acknowledged", "Complaint received by other"]
    positions = [timeline.index(k) for k in kinds]
    assert positions == sorted(positions), "newest first"
    assert "Hari" in timeline


def test_it_is_read_only_for_oversight(client, oversight, handler, today):
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, today=today)
    client.force_login(oversight)
    html = client.get(detail_url(case)).content.decode()
    assert "What you can do now" not in html
    assert case.reference in html and "Owen (Oversight (read only))" in html


# --- the queue ----------------------------------------------------------------------------------


@pytest.fixture
def queue_cases(handler, other_handler, resident, today):
    repairs = ServiceArea.objects.create(name="Repairs")
    rents = ServiceArea.objects.create(name="Rents")
    damp = Theme.objects.create(name="Damp and mould")
    t = frozen_today()
    cases = {
        "overdue": complaint_due(working_day_before(t, 2), handler=handler, service_area=repairs, themes=[damp], resident=resident),
        "soon": complaint_due(CAL.add_working_days(t, 1), handler=other_handler, service_area=rents),
        "later": complaint_due(CAL.add_working_days(t, 5), handler=handler),
        "stage2": f.complaint_at(State.STAGE2_REQUESTED, handler=other_handler, today=today),
        "request": f.log_service_request(actor=handler, today=today),
        "closed": f.complaint_at(State.CLOSED, handler=handler, today=today),
    }
    if CAL.is_working_day(t):
        cases["today"] = complaint_due(t, handler=handler)
    extended = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, today=today)
    actions.extend(extended, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs(new_respond_by=CAL.add_working_days(t, 8) if CAL.add_working_days(t, 8) <= f.STAGE1_EXTENSION_CAP else f.STAGE1_EXTENSION_CAP, good_reason="Contractor delay"))
    cases["extended"] = extended
    return {k: Case.objects.get(pk=v.pk) for k, v in cases.items()}


def test_it_lists_open_cases_soonest_deadline_first(client, handler, queue_cases):
    client.force_login(handler)
    response = client.get(QUEUE, {"cases": "all"})
    listed = references(response)
    open_cases = [c for c in queue_cases.values() if c.is_open]
    assert sorted(listed) == sorted(c.reference for c in open_cases)
    expected = sorted(open_cases, key=lambda c: (c.next_deadline_by is None, c.next_deadline_by or dt.date.max, c.received_on, c.id))
    assert listed == [c.reference for c in expected]
    assert queue_cases["closed"].reference not in listed
    assert f"<strong>{len(open_cases)}</strong> cases, soonest deadline first." in response.content.decode()


def test_it_says_each_deadline_in_words(client, handler, queue_cases):
    client.force_login(handler)
    html = client.get(QUEUE, {"cases": "all"}).content.decode()
    overdue = queue_cases["overdue"].next_deadline_by
    # The date, then the words in a tag that fits on the row.
    assert f'{overdue:%a} {overdue.day} {overdue:%b}</span> <strong class="govuk-tag govuk-tag--red putright-due">2 working days overdue</strong>' in html
    assert "1 working day left" in html
    assert "5 working days left" in html
    if "today" in queue_cases:
        assert "Due today" in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "service_request"}, {"request"}),
        ({"kind": "complaint", "stage": "2"}, {"stage2"}),
        ({"stage": "1"}, {"overdue", "soon", "later", "today", "extended"}),
        ({"state": "closed"}, {"closed"}),
        ({"state": "all"}, {"overdue", "soon", "later", "today", "extended", "stage2", "request", "closed"}),
        ({"state": "stage1_acknowledged"}, {"extended"}),
        ({"due": "overdue"}, {"overdue"}),
        ({"due": "today"}, {"today"}),
        ({"due": "soon"}, {"soon", "today"}),
        ({"due": "extended"}, {"extended"}),
        ({"service_area": "Repairs"}, {"overdue"}),
        ({"theme": "Damp and mould"}, {"overdue"}),
        ({"handler": "olu"}, {"soon"}),  # stage 2 is waiting for a new handler (6.13)
        ({"mine": "1"}, {"overdue", "later", "today", "extended"}),
        ({"cases": "mine"}, {"overdue", "later", "today", "extended"}),
        ({"mine": "1", "due": "overdue", "service_area": "Repairs"}, {"overdue"}),
    ],
)
def test_it_filters_the_queue(client, handler, queue_cases, params, expected):
    from putright.accounts.models import User

    query = dict(params)
    if "service_area" in query:
        query["service_area"] = ServiceArea.objects.get(name=query["service_area"]).pk
    if "theme" in query:
        query["theme"] = Theme.objects.get(name=query["theme"]).pk
    if "handler" in query:
        query["handler"] = User.objects.get(username=query["handler"]).pk
    expected = {k for k in expected if k in queue_cases}  # "today" exists only on a working day
    # The cases made with factories.py's fixed dates may be due soon or overdue by now: work it out.
    if params == {"due": "soon"}:
        until = CAL.add_working_days(frozen_today(), 2)
        expected = {k for k, c in queue_cases.items() if c.is_open and c.next_deadline_by and frozen_today() <= c.next_deadline_by <= until}
    if params == {"due": "overdue"}:
        expected = {k for k, c in queue_cases.items() if c.is_open and c.next_deadline_by and c.next_deadline_by < frozen_today()}
    if "mine" not in query and "cases" not in query:
        query["cases"] = "all"  # a handler lands on their own cases
    client.force_login(handler)
    response = client.get(QUEUE, query)
    assert response.status_code == 200
    assert set(references(response)) == {queue_cases[k].reference for k in expected}, params
    html = response.content.decode()
    for name, value in query.items():
        if name not in ("mine", "cases"):
            assert f'<option value="{value}" selected>' in html, name


def test_it_shows_25_cases_a_page_with_the_total(client, handler, today):
    for _ in range(PAGE_SIZE + 2):
        f.log_compliment(actor=handler, today=today)
    client.force_login(handler)
    first = client.get(QUEUE, {"kind": "compliment", "cases": "all"})
    assert PAGE_SIZE == 25
    assert len(references(first)) == 25
    html = first.content.decode()
    assert "<strong>27</strong> cases" in html
    # "Next" carries the page number and where the page ended: the last case's id (queue_keyset).
    last = Case.objects.get(reference=references(first)[-1])
    assert "Page 1 of 2" in html and f'href="?kind=compliment&amp;cases=all&amp;page=2&amp;after={last.pk}"' in html
    second = client.get(QUEUE, {"kind": "compliment", "cases": "all", "page": "2"})
    assert len(references(second)) == 2
    assert references(client.get(QUEUE, {"kind": "compliment", "cases": "all", "page": "2", "after": last.pk})) == references(second)
    assert set(references(first)).isdisjoint(references(second))
    assert "Page 2 of 2" in second.content.decode()


def test_it_ignores_a_filter_it_does_not_know(client, handler, queue_cases):
    client.force_login(handler)
    response = client.get(QUEUE, {"kind": "parking_fine", "page": "99", "cases": "all"})
    assert response.status_code == 200
    assert set(references(response)) == {c.reference for c in queue_cases.values() if c.is_open}


def test_it_shows_a_handler_their_own_cases_from_the_menu(client, handler, other_handler, queue_cases):
    client.force_login(other_handler)
    response = client.get(QUEUE)
    html = response.content.decode()
    assert "<h1 class=\"govuk-heading-l govuk-!-margin-bottom-3\">My cases</h1>" in html
    assert set(references(response)) == {queue_cases["soon"].reference}
    assert f'href="{QUEUE}"' in html  # the menu's "Cases" link
    # One control switches to everyone's cases, and back.
    assert '<a class="govuk-link govuk-link--no-visited-state" href="?cases=all">All cases</a>' in html
    everyone = client.get(QUEUE, {"cases": "all"})
    assert queue_cases["overdue"].reference in references(everyone)


def test_it_shows_a_manager_everyones_cases_first(client, manager, queue_cases):
    client.force_login(manager)
    response = client.get(QUEUE)
    assert "All cases</h1>" in response.content.decode()
    assert set(references(response)) == {c.reference for c in queue_cases.values() if c.is_open}


def test_it_counts_what_is_overdue_due_today_and_due_soon_at_the_top(client, handler, queue_cases):
    client.force_login(handler)
    html = client.get(QUEUE, {"cases": "all"}).content.decode()
    t = frozen_today()
    open_cases = [c for c in queue_cases.values() if c.is_open and c.next_deadline_by]
    overdue = sum(c.next_deadline_by < t for c in open_cases)
    due_today = sum(c.next_deadline_by == t for c in open_cases)
    soon = sum(t < c.next_deadline_by <= CAL.add_working_days(t, 2) for c in open_cases)
    assert f'<a class="govuk-link" href="?cases=all&amp;due=overdue"><span class="putright-due-counts__number">{overdue}</span> overdue</a>' in html
    assert f'<span class="putright-due-counts__number">{due_today}</span> due today' in html
    assert f'<span class="putright-due-counts__number">{soon}</span> due within 2 working days' in html
    mine = client.get(QUEUE).content.decode()
    my_overdue = sum(c.next_deadline_by < t and c.handler_id == handler.pk for c in open_cases)
    assert f'href="?cases=mine&amp;due=overdue"><span class="putright-due-counts__number">{my_overdue}</span> overdue' in mine


@pytest.mark.parametrize("sort", ["reference", "-reference", "received", "-received", "resident", "-resident", "state", "handler", "-deadline"])
def test_it_sorts_by_any_column_either_way(client, handler, queue_cases, sort):
    client.force_login(handler)
    response = client.get(QUEUE, {"cases": "all", "sort": sort})
    listed = references(response)
    open_cases = [c for c in queue_cases.values() if c.is_open]
    assert sorted(listed) == sorted(c.reference for c in open_cases)
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    value = {
        "reference": lambda c: c.reference,
        "received": lambda c: (c.received_on, c.id),
        "resident": lambda c: (c.resident is None, c.resident.name if c.resident else ""),
        "state": lambda c: c.state,
        "handler": lambda c: (c.handler is None, c.handler.first_name if c.handler else ""),
        "deadline": lambda c: (c.next_deadline_by is None, c.next_deadline_by or dt.date.max),
    }[key]
    by_id = {c.reference: c for c in open_cases}
    shown = [value(by_id[r]) for r in listed]
    if key in ("resident", "handler", "deadline") and reverse:
        shown = [v for v in shown if not v[0]]  # the empty ones go last either way
    assert shown == sorted(shown, reverse=reverse)
    html = response.content.decode()
    assert f'aria-sort="{"descending" if reverse else "ascending"}"' in html
