import datetime as dt

import pytest

from putright.cases import actions
from putright.rules.lifecycle import Kind, State

from .factories import RECEIVED, TODAY, complaint_at, events, log_complaint, log_service_request, refused, stage

pytestmark = pytest.mark.django_db

RAISED = dt.date(2026, 11, 12)


def _add(case, **kw):
    args = dict(description="The bathroom fan is broken too.", raised_on=RAISED, today=TODAY)
    args.update(kw)
    return actions.add_related_issue(case, **args)


def test_it_adds_a_related_issue_to_an_acknowledged_stage_one_complaint(handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    before = stage(case, 1).definition
    result = _add(case, actor=handler)
    assert result.pk == case.pk
    s1 = stage(case, 1)
    assert s1.definition.startswith(before)
    assert s1.definition.endswith("Added 12 November 2026: The bathroom fan is broken too.")
    case.refresh_from_db()
    assert case.state == State.STAGE1_ACKNOWLEDGED
    assert case.linked.count() == 0
    event = events(case)[-1]
    assert event.kind == "issue_added"
    assert event.actor == handler
    assert event.data == {"description": "The bathroom fan is broken too.", "raised_on": "2026-11-12"}
    assert len(events(case, "issue_added")) == 1


def test_it_adds_a_related_issue_before_acknowledgement(handler):
    case = log_complaint(handler=handler)
    _add(case, raised_on=RECEIVED)
    assert stage(case, 1).definition == "Added 2 November 2026: The bathroom fan is broken too."
    assert [e.kind for e in events(case)] == ["logged", "issue_added"]


def _assert_logged_as_new(case, new, raised_on):
    assert new.pk != case.pk
    new.refresh_from_db()
    assert new.kind == Kind.COMPLAINT
    assert new.state == State.STAGE1_LOGGED
    assert new.related_to_id == case.pk
    assert new.received_on == raised_on
    assert new.resident_id == case.resident_id
    assert [e.kind for e in events(new)] == ["logged"]
    link = events(case)[-1]
    assert link.kind == "linked_complaint_logged"
    assert link.data == {"complaint": new.reference}


def test_it_logs_an_issue_raised_after_the_stage_one_response_as_a_new_complaint(handler, resident):
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident)
    n_before = len(events(case))
    definition = stage(case, 1).definition
    new = _add(case, raised_on=dt.date(2026, 11, 17), actor=handler)
    _assert_logged_as_new(case, new, dt.date(2026, 11, 17))
    assert len(events(case)) == n_before + 1
    case.refresh_from_db()
    assert case.state == State.STAGE1_RESPONDED
    assert stage(case, 1).definition == definition


def test_it_logs_an_unrelated_issue_as_a_new_complaint(handler, resident):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    definition = stage(case, 1).definition
    new = _add(case, related=False)
    _assert_logged_as_new(case, new, RAISED)
    assert stage(case, 1).definition == definition


@pytest.mark.parametrize("state", [State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED, State.STAGE2_RESPONDED])
def test_it_refuses_to_add_an_issue_at_stage_two(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    refused(lambda: _add(case, raised_on=dt.date(2026, 11, 23)), provision="6.8")


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN, State.REFUSED])
def test_it_refuses_to_add_an_issue_to_a_closed_complaint(state, handler):
    case = complaint_at(state, handler=handler)
    err = refused(lambda: _add(case, raised_on=dt.date(2026, 11, 23)))
    assert "Reopen it first" in err.message


def test_it_refuses_to_add_an_issue_to_a_service_request():
    request = log_service_request()
    refused(lambda: _add(request), field="kind")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": ""}, "description"),
        ({"raised_on": dt.date(2026, 11, 24)}, "raised_on"),  # future
        ({"raised_on": dt.date(2026, 11, 1)}, "raised_on"),  # before the complaint was received
        ({"raised_on": None}, "raised_on"),
        ({"related": False, "raised_on": dt.date(2026, 11, 24)}, "raised_on"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(overrides, field, handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    refused(lambda: _add(case, **overrides), field=field)
