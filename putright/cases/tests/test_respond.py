import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.actions import PointDecision
from putright.cases.models import DecisionPoint
from putright.rules.lifecycle import Decision, State

from .factories import (
    RESPONDED,
    S2_RESPONDED,
    TODAY,
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
def acknowledged(handler):
    return complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)


@pytest.fixture
def stage2(handler, other_handler):
    return complaint_at(State.STAGE2_ACKNOWLEDGED, handler=handler, stage2_handler=other_handler)


def test_it_records_the_stage_one_response_point_by_point(acknowledged, handler):
    pts = [
        PointDecision("The leak was not fixed", Decision.UPHELD, "Our records show two missed visits."),
        PointDecision("Staff were rude", "not_upheld", "The call recording shows a polite conversation."),
    ]
    actions.respond(acknowledged, responded_on=RESPONDED, points=pts, actor=handler, today=RESPONDED)
    acknowledged.refresh_from_db()
    assert acknowledged.state == State.STAGE1_RESPONDED
    assert acknowledged.is_open is True  # the resident may still escalate
    assert acknowledged.next_deadline_by is None
    s1 = stage(acknowledged, 1)
    assert s1.responded_on == RESPONDED
    assert s1.decision == Decision.PARTLY_UPHELD
    assert s1.responded_late is False
    stored = list(DecisionPoint.objects.filter(stage=s1).order_by("position"))
    assert [(p.position, p.point, p.decision, p.reasons) for p in stored] == [
        (0, "The leak was not fixed", "upheld", "Our records show two missed visits."),
        (1, "Staff were rude", "not_upheld", "The call recording shows a polite conversation."),
    ]
    event = events(acknowledged)[-1]
    assert event.kind == "responded"
    assert len(events(acknowledged, "responded")) == 1
    assert event.actor == handler
    assert event.data["stage"] == 1
    assert event.data["responded_on"] == "2026-11-16"
    assert event.data["respond_by"] == "2026-11-18"
    assert event.data["late"] is False
    assert event.data["decision"] == "partly_upheld"
    assert event.data["points"][1] == {
        "point": "Staff were rude",
        "decision": "not_upheld",
        "reasons": "The call recording shows a polite conversation.",
    }


@pytest.mark.parametrize(
    "decisions, overall",
    [
        ([Decision.UPHELD, Decision.UPHELD], Decision.UPHELD),
        ([Decision.NOT_UPHELD], Decision.NOT_UPHELD),
        ([Decision.PARTLY_UPHELD], Decision.PARTLY_UPHELD),
        ([Decision.UPHELD, Decision.NOT_UPHELD], Decision.PARTLY_UPHELD),
    ],
)
def test_it_works_out_the_overall_decision(decisions, overall, acknowledged):
    pts = [PointDecision(f"Point {i}", d, "Because.") for i, d in enumerate(decisions)]
    actions.respond(acknowledged, responded_on=RESPONDED, points=pts, today=RESPONDED)
    assert stage(acknowledged, 1).decision == overall


def test_it_records_a_late_response(acknowledged):
    actions.respond(acknowledged, responded_on=dt.date(2026, 11, 20), points=points(), today=dt.date(2026, 11, 20))
    assert stage(acknowledged, 1).responded_late is True
    event = events(acknowledged)[-1]
    assert event.data["late"] is True
    assert "late: due by 18 November 2026" in event.summary


def test_it_is_on_time_inside_an_agreed_extension(acknowledged):
    actions.extend(
        acknowledged,
        new_respond_by=dt.date(2026, 11, 25),
        reason="Waiting for a survey.",
        resident_told_on=dt.date(2026, 11, 17),
        ombudsman_details_given=True,
        update_every_working_days=3,
        today=dt.date(2026, 11, 17),
    )
    actions.respond(acknowledged, responded_on=dt.date(2026, 11, 20), points=points(), today=dt.date(2026, 11, 20))
    assert stage(acknowledged, 1).responded_late is False


def test_it_records_the_final_response_at_stage_two(stage2, other_handler):
    actions.respond(stage2, responded_on=S2_RESPONDED, points=points(Decision.NOT_UPHELD, 2), actor=other_handler, today=S2_RESPONDED)
    stage2.refresh_from_db()
    assert stage2.state == State.STAGE2_RESPONDED
    assert stage2.is_open is True  # until closed
    assert stage2.next_deadline_by is None
    s2 = stage(stage2, 2)
    assert s2.decision == Decision.NOT_UPHELD
    assert DecisionPoint.objects.filter(stage=s2).count() == 2
    assert events(stage2)[-1].data["stage"] == 2


def test_it_refuses_to_respond_before_acknowledgement_at_stage_one(handler):
    case = log_complaint(handler=handler)
    refused(lambda: actions.respond(case, responded_on=RESPONDED, points=points(), today=TODAY), provision="6.2")


def test_it_refuses_to_respond_before_acknowledgement_at_stage_two(handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    refused(lambda: actions.respond(case, responded_on=TODAY, points=points(), today=TODAY), provision="6.11")


def test_it_refuses_a_response_with_no_points(acknowledged):
    refused(lambda: actions.respond(acknowledged, responded_on=RESPONDED, points=[], today=TODAY), field="points", provision="6.7")


def test_it_refuses_a_point_without_its_text(acknowledged):
    pts = points() + [PointDecision("  ", Decision.UPHELD, "Because.")]
    refused(lambda: actions.respond(acknowledged, responded_on=RESPONDED, points=pts, today=TODAY), field="points", provision="6.7")


@pytest.mark.parametrize("number, provision", [(1, "6.9"), (2, "6.19")])
def test_it_refuses_a_point_without_reasons(number, provision, acknowledged, stage2):
    case = acknowledged if number == 1 else stage2
    pts = points() + [PointDecision("The repair was late", Decision.UPHELD, "")]
    refused(lambda: actions.respond(case, responded_on=TODAY, points=pts, today=TODAY), field="points", provision=provision)


@pytest.mark.parametrize("number, provision", [(1, "6.9"), (2, "6.19")])
def test_it_refuses_a_point_without_a_valid_decision(number, provision, acknowledged, stage2):
    case = acknowledged if number == 1 else stage2
    pts = [PointDecision("The repair was late", "maybe", "Because.")]
    refused(lambda: actions.respond(case, responded_on=TODAY, points=pts, today=TODAY), field="points", provision=provision)


@pytest.mark.parametrize(
    "responded_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 3), None],
    ids=["future", "before-acknowledgement", "missing"],
)
def test_it_refuses_a_bad_response_date(responded_on, acknowledged):
    refused(lambda: actions.respond(acknowledged, responded_on=responded_on, points=points(), today=TODAY), field="responded_on")


@pytest.mark.parametrize("state", [State.STAGE1_RESPONDED, State.STAGE2_RESPONDED, State.CLOSED, State.WITHDRAWN, State.REFUSED])
def test_it_refuses_to_respond_twice_or_when_closed(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler if state is State.STAGE2_RESPONDED else None)
    refused(lambda: actions.respond(case, responded_on=TODAY, points=points(), today=TODAY))


def test_it_refuses_to_respond_to_a_service_request():
    request = log_service_request()
    refused(lambda: actions.respond(request, responded_on=TODAY, points=points(), today=TODAY))
