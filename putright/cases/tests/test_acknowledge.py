import datetime as dt

import pytest

from putright.cases import actions
from putright.rules.lifecycle import State

from .factories import (
    ACK_BY,
    ACKNOWLEDGED,
    RECEIVED,
    RESPOND_BY,
    S2_ACK_BY,
    S2_ACKNOWLEDGED,
    S2_RESPOND_BY,
    TODAY,
    ack_kwargs,
    complaint_at,
    events,
    extend_kwargs,
    log_complaint,
    log_service_request,
    refused,
    stage,
)

pytestmark = pytest.mark.django_db


def test_it_acknowledges_stage_one_and_sets_the_respond_by_date(handler):
    case = log_complaint(handler=handler)
    case = actions.acknowledge(case, actor=handler, today=ACKNOWLEDGED, **ack_kwargs())
    case.refresh_from_db()
    assert case.state == State.STAGE1_ACKNOWLEDGED
    assert case.is_open is True
    assert case.next_deadline_by == RESPOND_BY
    s1 = stage(case, 1)
    assert s1.acknowledged_on == ACKNOWLEDGED
    assert s1.acknowledge_by == ACK_BY
    assert s1.code_respond_by == RESPOND_BY
    assert s1.respond_by == RESPOND_BY
    assert s1.definition == "The kitchen leak was not repaired on time."
    assert s1.outcomes_sought == "Repair the leak and apologise."
    assert s1.responsible_for == "The repair."
    assert s1.not_responsible_for.startswith("The neighbour's pipe")
    assert s1.handler == handler
    assert s1.acknowledged_late is False
    event = events(case)[-1]
    assert event.kind == "acknowledged"
    assert len(events(case, "acknowledged")) == 1
    assert event.actor == handler
    assert event.data["stage"] == 1
    assert event.data["acknowledged_on"] == "2026-11-04"
    assert event.data["acknowledge_by"] == "2026-11-09"
    assert event.data["respond_by"] == "2026-11-18"
    assert event.data["late"] is False
    assert event.data["handler"] == handler.username
    assert event.data["definition"] == s1.definition
    assert event.data["explanation"]


def test_it_counts_bank_holidays_from_the_acknowledgement_date(handler):
    # Received Mon 22 Dec 2025, acknowledged Tue 23 Dec: Christmas, Boxing Day and New Year's Day
    # do not count, so the response is due Fri 9 Jan 2026.
    case = log_complaint(received_on=dt.date(2025, 12, 22), handler=handler)
    assert stage(case, 1).acknowledge_by == dt.date(2025, 12, 31)
    actions.acknowledge(case, today=dt.date(2025, 12, 23), **ack_kwargs(acknowledged_on=dt.date(2025, 12, 23)))
    case.refresh_from_db()
    assert stage(case, 1).respond_by == dt.date(2026, 1, 9)
    assert case.next_deadline_by == dt.date(2026, 1, 9)


def test_it_records_a_late_acknowledgement_and_counts_from_it(handler):
    case = log_complaint(handler=handler)
    actions.acknowledge(case, today=dt.date(2026, 11, 16), **ack_kwargs(acknowledged_on=dt.date(2026, 11, 16)))
    s1 = stage(case, 1)
    assert s1.acknowledged_late is True
    assert s1.respond_by == dt.date(2026, 11, 30)
    assert events(case)[-1].data["late"] is True
    assert "late: due by 9 November 2026" in events(case)[-1].summary


def test_it_makes_the_acknowledging_user_the_handler_when_none_is_set(handler):
    case = log_complaint()
    actions.acknowledge(case, actor=handler, today=ACKNOWLEDGED, **ack_kwargs())
    case.refresh_from_db()
    assert case.handler == handler
    assert stage(case, 1).handler == handler


def test_it_keeps_an_extension_agreed_before_acknowledgement(handler):
    case = log_complaint(handler=handler)
    actions.extend(case, today=dt.date(2026, 11, 3), **extend_kwargs(new_respond_by=dt.date(2026, 11, 30), resident_told_on=dt.date(2026, 11, 3)))
    actions.acknowledge(case, today=ACKNOWLEDGED, **ack_kwargs())
    s1 = stage(case, 1)
    assert s1.code_respond_by == RESPOND_BY
    assert s1.respond_by == dt.date(2026, 11, 30)
    case.refresh_from_db()
    assert case.next_deadline_by == dt.date(2026, 11, 30)


def test_it_acknowledges_stage_two_with_a_different_handler(handler, other_handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    n = len(events(case))
    actions.acknowledge(case, handler=other_handler, actor=other_handler, today=S2_ACKNOWLEDGED, **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED))
    case.refresh_from_db()
    assert case.state == State.STAGE2_ACKNOWLEDGED
    assert case.handler == other_handler
    assert case.next_deadline_by == S2_RESPOND_BY
    s2 = stage(case, 2)
    assert s2.acknowledge_by == S2_ACK_BY
    assert s2.code_respond_by == s2.respond_by == S2_RESPOND_BY
    assert s2.handler == other_handler
    assert stage(case, 1).handler == handler
    assert len(events(case)) == n + 1
    assert events(case)[-1].kind == "acknowledged"
    assert events(case)[-1].data["stage"] == 2


def test_it_uses_the_stage_two_handler_allocated_before_acknowledgement(handler, other_handler, manager):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    actions.allocate(case, handler=other_handler, actor=manager)
    actions.acknowledge(case, actor=manager, today=S2_ACKNOWLEDGED, **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED))
    assert stage(case, 2).handler == other_handler


def test_it_counts_twenty_working_days_at_stage_two_over_easter_and_may_day(handler, other_handler):
    # Stage 2 requested Wed 1 Apr 2026: Good Friday (3 Apr) and Easter Monday (6 Apr) do not
    # count, so acknowledge by Fri 10 Apr; acknowledged Thu 2 Apr, and with the early May bank
    # holiday (4 May) the final response is due Tue 5 May 2026.
    case = log_complaint(received_on=dt.date(2026, 3, 9), handler=handler)
    actions.acknowledge(case, today=dt.date(2026, 3, 10), **ack_kwargs(acknowledged_on=dt.date(2026, 3, 10)))
    actions.respond(case, responded_on=dt.date(2026, 3, 20), points=[actions.PointDecision("Leak", "upheld", "It leaked.")], today=dt.date(2026, 3, 20))
    actions.request_stage_two(case, requested_on=dt.date(2026, 4, 1), today=dt.date(2026, 4, 1))
    assert stage(case, 2).acknowledge_by == dt.date(2026, 4, 10)
    actions.acknowledge(case, handler=other_handler, today=dt.date(2026, 4, 2), **ack_kwargs(acknowledged_on=dt.date(2026, 4, 2)))
    case.refresh_from_db()
    assert stage(case, 2).respond_by == dt.date(2026, 5, 5)
    assert case.next_deadline_by == dt.date(2026, 5, 5)


@pytest.mark.parametrize("field", ["definition", "outcomes_sought"])
@pytest.mark.parametrize("value", ["", "   ", None])
def test_it_refuses_without_a_complaint_definition(field, value, handler):
    case = log_complaint(handler=handler)
    refused(lambda: actions.acknowledge(case, today=TODAY, **ack_kwargs(**{field: value})), field=field, provision="5.6")


@pytest.mark.parametrize("field", ["definition", "outcomes_sought"])
def test_it_refuses_without_a_definition_at_stage_two(field, handler, other_handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    refused(
        lambda: actions.acknowledge(case, handler=other_handler, today=S2_ACKNOWLEDGED, **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED, **{field: ""})),
        field=field,
        provision="5.6",
    )


@pytest.mark.parametrize(
    "acknowledged_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 1), None],
    ids=["future", "before-receipt", "missing"],
)
def test_it_refuses_a_bad_acknowledgement_date(acknowledged_on, handler):
    case = log_complaint(handler=handler)
    refused(lambda: actions.acknowledge(case, today=TODAY, **ack_kwargs(acknowledged_on=acknowledged_on)), field="acknowledged_on")


def test_it_refuses_a_stage_two_acknowledgement_before_the_request(handler, other_handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)  # requested Tue 17 Nov
    refused(
        lambda: actions.acknowledge(case, handler=other_handler, today=dt.date(2026, 11, 16), **ack_kwargs(acknowledged_on=dt.date(2026, 11, 16))),
        field="acknowledged_on",
    )


def test_it_refuses_the_stage_one_handler_at_stage_two(handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    refused(
        lambda: actions.acknowledge(case, handler=handler, actor=handler, today=S2_ACKNOWLEDGED, **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED)),
        field="handler",
        provision="6.13",
    )


def test_it_refuses_stage_two_without_a_handler(handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    # The acknowledging user is not assumed at stage 2: someone must be chosen.
    refused(
        lambda: actions.acknowledge(case, actor=handler, today=S2_ACKNOWLEDGED, **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED)),
        field="handler",
        provision="6.13",
    )


def test_it_refuses_a_handler_who_cannot_handle_cases(handler, oversight):
    case = log_complaint()
    refused(lambda: actions.acknowledge(case, handler=oversight, today=TODAY, **ack_kwargs()), field="handler", provision=None)


@pytest.mark.parametrize(
    "state",
    [State.STAGE1_ACKNOWLEDGED, State.STAGE1_RESPONDED, State.STAGE2_ACKNOWLEDGED, State.STAGE2_RESPONDED, State.CLOSED, State.WITHDRAWN, State.REFUSED],
)
def test_it_refuses_to_acknowledge_in_the_wrong_state(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler if state is not State.CLOSED else None)
    refused(lambda: actions.acknowledge(case, handler=other_handler, today=TODAY, **ack_kwargs(acknowledged_on=TODAY)))


def test_it_refuses_to_acknowledge_a_service_request():
    request = log_service_request()
    refused(lambda: actions.acknowledge(request, today=TODAY, **ack_kwargs(acknowledged_on=RECEIVED)))
