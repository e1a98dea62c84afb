import datetime as dt

import pytest

from putright.cases import actions
from putright.rules.lifecycle import State

from .factories import (
    CLOSED,
    RESPONDED,
    S2_RESPONDED,
    TODAY,
    complaint_at,
    events,
    log_complaint,
    log_compliment,
    log_service_request,
    refused,
)

pytestmark = pytest.mark.django_db


def test_it_closes_a_complaint_the_resident_did_not_escalate(handler):
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    n = len(events(case))
    actions.close(case, closed_on=CLOSED, actor=handler, today=TODAY)
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.previous_state == State.STAGE1_RESPONDED
    assert case.closed_on == CLOSED
    assert case.is_open is False
    assert case.next_deadline_by is None
    assert len(events(case)) == n + 1
    event = events(case)[-1]
    assert event.kind == "closed"
    assert event.actor == handler
    assert event.data == {"closed_on": "2026-11-23", "outstanding_actions": 0}


def test_it_closes_after_the_final_response_with_actions_still_tracked(handler, other_handler):
    case = complaint_at(State.STAGE2_RESPONDED, handler=handler, stage2_handler=other_handler)
    actions.add_action(case, description="Replace the kitchen units.", due_by=dt.date(2027, 1, 15), owner_name="Contractor Ltd")
    actions.close(case, closed_on=S2_RESPONDED, today=TODAY)
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.previous_state == State.STAGE2_RESPONDED
    assert case.actions.filter(completed_on__isnull=True).count() == 1
    event = events(case)[-1]
    assert event.data["outstanding_actions"] == 1
    assert "1 outstanding action(s) still tracked" in event.summary


@pytest.mark.parametrize("make", [log_service_request, log_compliment])
def test_it_closes_service_requests_and_compliments(make):
    case = make()
    actions.close(case, closed_on=TODAY, today=TODAY)
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert case.is_open is False


def test_it_refuses_a_closing_date_before_the_response(handler):
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    refused(lambda: actions.close(case, closed_on=RESPONDED - dt.timedelta(days=1), today=TODAY), field="closed_on")


@pytest.mark.parametrize("closed_on", [dt.date(2026, 11, 24), None], ids=["future", "missing"])
def test_it_refuses_a_bad_closing_date(closed_on, handler):
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    refused(lambda: actions.close(case, closed_on=closed_on, today=TODAY), field="closed_on")


def test_it_refuses_to_close_a_request_before_it_was_received():
    request = log_service_request()  # received Mon 26 Oct 2026
    refused(lambda: actions.close(request, closed_on=dt.date(2026, 10, 25), today=TODAY), field="closed_on")


@pytest.mark.parametrize(
    "state",
    [State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED, State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED, State.CLOSED, State.WITHDRAWN, State.REFUSED],
)
def test_it_refuses_to_close_an_unanswered_or_closed_complaint(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    refused(lambda: actions.close(case, closed_on=TODAY, today=TODAY))


def test_it_refuses_to_close_a_logged_complaint_as_if_answered(handler):
    case = log_complaint(handler=handler)
    err = refused(lambda: actions.close(case, closed_on=TODAY, today=TODAY))
    assert err.provision is None
