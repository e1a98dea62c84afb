"""Issue 12, way round 3: stage 2 is dealt with by nobody who acted on stage 1 (Code 6.13)."""

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import StageParticipant
from putright.rules.lifecycle import State

from .factories import S2_ACKNOWLEDGED, S2_RESPONDED, ack_kwargs, complaint_at, extend_kwargs, points, refused, stage

pytestmark = pytest.mark.django_db


def test_the_stage_1_handler_cannot_respond_at_stage_2(handler, other_handler):
    case = complaint_at(State.STAGE2_ACKNOWLEDGED, handler=handler, stage2_handler=other_handler)
    refused(lambda: actions.respond(case, responded_on=S2_RESPONDED, points=points(), actor=handler, today=S2_RESPONDED),
            field="responded_on", provision="6.13")
    refused(lambda: actions.extend(case, actor=handler, today=S2_RESPONDED,
                                   **extend_kwargs(new_respond_by=dt.date(2026, 12, 31), resident_told_on=S2_RESPONDED)),
            provision="6.13")
    actions.respond(case, responded_on=S2_RESPONDED, points=points(), actor=other_handler, today=S2_RESPONDED)


def test_someone_who_handled_stage_1_before_it_was_reallocated_cannot_take_stage_2(handler, other_handler, manager):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.allocate(case, handler=other_handler, actor=manager)  # stage 1 moves to someone else
    actions.respond(case, responded_on=dt.date(2026, 11, 16), points=points(), actor=other_handler, today=dt.date(2026, 11, 16))
    actions.request_stage_two(case, requested_on=dt.date(2026, 11, 17), today=dt.date(2026, 11, 17))
    refused(lambda: actions.allocate(case, handler=handler, actor=manager), field="handler", provision="6.13")
    refused(lambda: actions.acknowledge(case, handler=handler, actor=manager, today=S2_ACKNOWLEDGED,
                                        **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED)), field="handler", provision="6.13")
    actions.allocate(case, handler=manager, actor=manager)
    assert stage(case, 2).handler == manager


def test_acting_on_stage_1_with_no_handler_recorded_still_counts(handler, other_handler, manager):
    # Logged with no handler; a manager acknowledges and answers stage 1 with handler= someone else.
    case = actions.log_case(kind="complaint", received_on=dt.date(2026, 11, 2), description="Leak.", today=dt.date(2026, 11, 2))
    actions.acknowledge(case, actor=manager, handler=other_handler, today=dt.date(2026, 11, 4), **ack_kwargs())
    assert set(StageParticipant.objects.filter(stage__number=1).values_list("user_id", flat=True)) == {manager.pk, other_handler.pk}
    actions.respond(case, responded_on=dt.date(2026, 11, 16), points=points(), actor=other_handler, today=dt.date(2026, 11, 16))
    actions.request_stage_two(case, requested_on=dt.date(2026, 11, 17), today=dt.date(2026, 11, 17))
    # The manager who acknowledged stage 1 cannot acknowledge stage 2, even for a new handler.
    refused(lambda: actions.acknowledge(case, actor=manager, handler=handler, today=S2_ACKNOWLEDGED,
                                        **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED)), field="acknowledged_on", provision="6.13")
    actions.acknowledge(case, actor=handler, handler=handler, today=S2_ACKNOWLEDGED, **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED))
