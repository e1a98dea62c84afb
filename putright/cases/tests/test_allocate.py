import pytest

from putright.cases import actions
from putright.rules.lifecycle import State

from .factories import (
    S2_ACKNOWLEDGED,
    TODAY,
    ack_kwargs,
    complaint_at,
    events,
    log_complaint,
    log_service_request,
    refused,
    stage,
)

pytestmark = pytest.mark.django_db


def test_it_allocates_a_stage_one_complaint(handler, other_handler, manager):
    case = log_complaint(handler=handler)
    actions.allocate(case, handler=other_handler, actor=manager)
    case.refresh_from_db()
    assert case.handler == other_handler
    assert stage(case, 1).handler == other_handler
    assert case.state == State.STAGE1_LOGGED
    event = events(case)[-1]
    assert [e.kind for e in events(case)] == ["logged", "allocated"]
    assert event.actor == manager
    assert event.data == {"handler": "olu", "previous": "hari", "stage": 1}


def test_it_allocates_an_unallocated_complaint(handler):
    case = log_complaint()
    actions.allocate(case, handler=handler)
    assert events(case)[-1].data == {"handler": "hari", "previous": None, "stage": 1}


def test_it_allocates_a_service_request(handler):
    request = log_service_request()
    actions.allocate(request, handler=handler)
    request.refresh_from_db()
    assert request.handler == handler
    assert events(request)[-1].data["stage"] is None


def test_it_allocates_stage_two_to_someone_new(handler, other_handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    actions.allocate(case, handler=other_handler)
    case.refresh_from_db()
    assert case.handler == other_handler
    assert stage(case, 2).handler == other_handler
    assert stage(case, 1).handler == handler
    assert case.next_deadline_by == stage(case, 2).acknowledge_by


@pytest.mark.parametrize("state", [State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED])
def test_it_refuses_the_stage_one_handler_at_stage_two(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    refused(lambda: actions.allocate(case, handler=handler), field="handler", provision="6.13")


def test_it_does_not_rewrite_who_handled_stage_one_after_its_response(handler, other_handler, manager):
    # Allocating a case awaiting escalation must not make the stage 1 handler someone else, or
    # the real stage 1 handler could then take stage 2 (6.13).
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    actions.allocate(case, handler=other_handler, actor=manager)
    assert stage(case, 1).handler == handler
    actions.request_stage_two(case, requested_on=TODAY, today=TODAY)
    refused(
        lambda: actions.acknowledge(case, handler=handler, today=TODAY, **ack_kwargs(acknowledged_on=TODAY)),
        field="handler",
        provision="6.13",
    )


@pytest.mark.parametrize("who", ["none", "oversight", "inactive"])
def test_it_refuses_someone_who_cannot_handle_cases(who, handler, oversight, other_handler):
    case = log_complaint(handler=handler)
    target = {"none": None, "oversight": oversight, "inactive": other_handler}[who]
    if who == "inactive":
        other_handler.is_active = False
        other_handler.save()
    refused(lambda: actions.allocate(case, handler=target), field="handler", provision=None)


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN, State.REFUSED])
def test_it_refuses_to_allocate_a_closed_case(state, handler, other_handler):
    case = complaint_at(state, handler=handler)
    err = refused(lambda: actions.allocate(case, handler=other_handler))
    assert "Reopen it first" in err.message


def test_it_allocates_at_stage_two_acknowledged_to_a_third_person(handler, other_handler, manager):
    case = complaint_at(State.STAGE2_ACKNOWLEDGED, handler=handler, stage2_handler=other_handler)
    actions.allocate(case, handler=manager)
    assert stage(case, 2).handler == manager
    assert stage(case, 2).acknowledged_on == S2_ACKNOWLEDGED
