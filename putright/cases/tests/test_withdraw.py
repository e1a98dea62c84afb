import datetime as dt

import pytest

from putright.cases import actions
from putright.rules.lifecycle import State

from .factories import TODAY, complaint_at, events, log_complaint, log_compliment, log_service_request, refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED, State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED])
def test_it_withdraws_an_open_complaint(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    n = len(events(case))
    actions.withdraw(case, withdrawn_on=TODAY, reason="  The resident says it is sorted. ", actor=handler, actor_label="", today=TODAY)
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    assert case.previous_state == state
    assert case.withdrawn_on == TODAY
    assert case.withdrawal_reason == "The resident says it is sorted."
    assert case.is_open is False
    assert case.next_deadline_by is None
    assert len(events(case)) == n + 1
    event = events(case)[-1]
    assert event.kind == "withdrawn"
    assert event.actor == handler
    assert event.data == {"withdrawn_on": "2026-11-23", "reason": "The resident says it is sorted."}


def test_it_withdraws_without_a_reason(handler):
    case = log_complaint(handler=handler)
    actions.withdraw(case, withdrawn_on=dt.date(2026, 11, 2), actor_label="portal", today=TODAY)
    case.refresh_from_db()
    assert case.withdrawal_reason == ""
    assert events(case)[-1].actor_label == "portal"


@pytest.mark.parametrize("make", [log_service_request, log_compliment])
def test_it_withdraws_service_requests_and_compliments(make):
    case = make()
    actions.withdraw(case, withdrawn_on=TODAY, today=TODAY)
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    assert case.previous_state == State.OPEN
    assert case.is_open is False


@pytest.mark.parametrize(
    "withdrawn_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 1), None],
    ids=["future", "before-receipt", "missing"],
)
def test_it_refuses_a_bad_withdrawal_date(withdrawn_on, handler):
    case = log_complaint(handler=handler)
    refused(lambda: actions.withdraw(case, withdrawn_on=withdrawn_on, today=TODAY), field="withdrawn_on")


@pytest.mark.parametrize("state", [State.STAGE1_RESPONDED, State.STAGE2_RESPONDED, State.CLOSED, State.WITHDRAWN, State.REFUSED])
def test_it_refuses_to_withdraw_in_the_wrong_state(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler if state is State.STAGE2_RESPONDED else None)
    refused(lambda: actions.withdraw(case, withdrawn_on=TODAY, today=TODAY))
