import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import Stage
from putright.rules.lifecycle import State

from .factories import (
    REQUESTED,
    S2_ACK_BY,
    S2_PROJECTED_RESPOND_BY,
    TODAY,
    ack_kwargs,
    complaint_at,
    events,
    log_complaint,
    log_service_request,
    points,
    refused,
    stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def responded(handler):
    return complaint_at(State.STAGE1_RESPONDED, handler=handler)


def test_it_starts_stage_two_and_its_clock(responded, handler):
    actions.request_stage_two(responded, requested_on=REQUESTED, reason="The leak is back.", actor_label="portal", today=TODAY)
    responded.refresh_from_db()
    assert responded.state == State.STAGE2_REQUESTED
    assert responded.is_open is True
    assert responded.handler is None  # someone new must take stage 2 (6.13)
    assert responded.next_deadline_by == S2_ACK_BY
    s2 = stage(responded, 2)
    assert s2.requested_on == REQUESTED
    assert s2.escalation_reason == "The leak is back."
    assert s2.acknowledge_by == S2_ACK_BY  # 5 working days
    assert s2.code_respond_by == s2.respond_by == S2_PROJECTED_RESPOND_BY  # 20 after that, projected
    assert s2.handler is None
    assert stage(responded, 1).handler == handler
    event = events(responded)[-1]
    assert event.kind == "stage2_requested"
    assert len(events(responded, "stage2_requested")) == 1
    assert event.actor_label == "portal"
    assert event.data == {
        "requested_on": "2026-11-17",
        "reason": "The leak is back.",
        "acknowledge_by": "2026-11-24",
        "respond_by": "2026-12-22",
    }


def test_it_needs_no_reason_from_the_resident(responded):
    actions.request_stage_two(responded, requested_on=REQUESTED, today=TODAY)
    assert stage(responded, 2).escalation_reason == ""


def test_it_counts_christmas_in_the_stage_two_clocks(handler, other_handler):
    case = log_complaint(received_on=dt.date(2025, 12, 1), handler=handler)
    actions.acknowledge(case, today=dt.date(2025, 12, 2), **ack_kwargs(acknowledged_on=dt.date(2025, 12, 2)))
    actions.respond(case, responded_on=dt.date(2025, 12, 12), points=points(), today=dt.date(2025, 12, 12))
    actions.request_stage_two(case, requested_on=dt.date(2025, 12, 22), today=dt.date(2025, 12, 22))
    assert stage(case, 2).acknowledge_by == dt.date(2025, 12, 31)  # +5 working days
    actions.acknowledge(case, handler=other_handler, today=dt.date(2025, 12, 23), **ack_kwargs(acknowledged_on=dt.date(2025, 12, 23)))
    case.refresh_from_db()
    # +20 working days from Tue 23 Dec 2025, skipping 25, 26 Dec and 1 Jan.
    assert stage(case, 2).respond_by == dt.date(2026, 1, 23)
    assert case.next_deadline_by == dt.date(2026, 1, 23)


def test_it_allows_escalation_after_a_reopened_closure(handler):
    case = complaint_at(State.CLOSED, handler=handler)
    actions.reopen(case, reason="The resident wrote back within the time allowed.")
    actions.request_stage_two(case, requested_on=TODAY, today=TODAY)
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED


@pytest.mark.parametrize("state", [State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED])
def test_it_refuses_to_escalate_before_the_stage_one_response(state, handler):
    case = complaint_at(state, handler=handler)
    refused(lambda: actions.request_stage_two(case, requested_on=TODAY, today=TODAY), provision="6.10")
    assert not Stage.objects.filter(case=case, number=2).exists()


@pytest.mark.parametrize("state", [State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED, State.STAGE2_RESPONDED])
def test_it_refuses_a_third_stage(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    refused(lambda: actions.request_stage_two(case, requested_on=TODAY, today=TODAY), provision="5.2")


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.REFUSED])
def test_it_refuses_to_escalate_a_withdrawn_or_refused_complaint(state, handler):
    case = complaint_at(state, handler=handler)
    err = refused(lambda: actions.request_stage_two(case, requested_on=TODAY, today=TODAY))
    assert "Reopen it first" in err.message


def test_closing_after_the_stage_one_response_does_not_stop_stage_two(handler):
    # Issue 12, way round 5: closed the day of the stage 1 response, the resident still asks.
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    actions.close(case, closed_on=dt.date(2026, 11, 16), actor=handler, today=dt.date(2026, 11, 16))
    actions.request_stage_two(case, requested_on=TODAY, actor_label="Rita Patel (resident)", today=TODAY)
    case.refresh_from_db()
    assert (case.state, case.closed_on, case.is_open) == (State.STAGE2_REQUESTED, None, True)
    assert stage(case, 2).requested_on == TODAY
    assert "the case had been closed after the stage 1 response" in events(case)[-1].summary


def test_a_case_closed_after_its_final_response_cannot_go_to_a_third_stage(handler, other_handler):
    case = complaint_at(State.CLOSED, handler=handler, stage2_handler=other_handler)
    refused(lambda: actions.request_stage_two(case, requested_on=TODAY, today=TODAY))


def test_it_refuses_to_escalate_a_service_request():
    request = log_service_request()
    refused(lambda: actions.request_stage_two(request, requested_on=TODAY, today=TODAY))


@pytest.mark.parametrize(
    "requested_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 13), None],
    ids=["future", "before-the-stage-1-response", "missing"],
)
def test_it_refuses_a_bad_request_date(requested_on, responded):
    refused(lambda: actions.request_stage_two(responded, requested_on=requested_on, today=TODAY), field="requested_on")
    assert not Stage.objects.filter(case=responded, number=2).exists()
