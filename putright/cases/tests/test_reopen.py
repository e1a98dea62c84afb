import pytest

from putright.cases import actions
from putright.rules.lifecycle import State

from .factories import (
    ACK_BY,
    S2_ACK_BY,
    TODAY,
    complaint_at,
    events,
    log_service_request,
    refuse_kwargs,
    refused,
)

pytestmark = pytest.mark.django_db


def _reopen(case, **kw):
    return actions.reopen(case, reason="The resident rang back: the leak is still there.", **kw)


def test_it_reopens_a_closed_complaint_where_it_was(handler, manager):
    case = complaint_at(State.CLOSED, handler=handler)
    n = len(events(case))
    _reopen(case, actor=manager)
    case.refresh_from_db()
    assert case.state == State.STAGE1_RESPONDED
    assert case.previous_state == ""
    assert case.closed_on is None
    assert case.is_open is True
    assert case.next_deadline_by is None
    assert len(events(case)) == n + 1
    event = events(case)[-1]
    assert event.kind == "reopened"
    assert event.actor == manager
    assert event.data == {
        "reason": "The resident rang back: the leak is still there.",
        "was": "closed",
        "now": "stage1_responded",
    }


def test_it_reopens_a_withdrawn_complaint_with_its_deadline(handler):
    case = complaint_at(State.WITHDRAWN, handler=handler)  # withdrawn while logged
    _reopen(case, actor_label="portal")
    case.refresh_from_db()
    assert case.state == State.STAGE1_LOGGED
    assert case.withdrawn_on is None
    assert case.is_open is True
    assert case.next_deadline_by == ACK_BY
    assert events(case)[-1].actor_label == "portal"


def test_it_reopens_a_refused_escalation_at_stage_two(handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    actions.refuse(case, today=TODAY, **refuse_kwargs(refused_on=TODAY))
    _reopen(case)
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED
    assert case.next_deadline_by == S2_ACK_BY
    assert case.is_open is True


def test_it_reopens_a_closed_service_request():
    request = log_service_request()
    actions.close(request, closed_on=TODAY, today=TODAY)
    _reopen(request)
    request.refresh_from_db()
    assert request.state == State.OPEN
    assert request.is_open is True
    assert request.closed_on is None


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_it_refuses_without_a_reason(reason, handler):
    case = complaint_at(State.CLOSED, handler=handler)
    refused(lambda: actions.reopen(case, reason=reason), field="reason")


@pytest.mark.parametrize(
    "state",
    [State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED, State.STAGE1_RESPONDED, State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED, State.STAGE2_RESPONDED],
)
def test_it_refuses_to_reopen_an_open_complaint(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    refused(lambda: _reopen(case), provision=None)


def test_it_refuses_to_reopen_an_open_service_request():
    request = log_service_request()
    refused(lambda: _reopen(request))
