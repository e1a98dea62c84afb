import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import ClosureDay
from putright.rules.lifecycle import State

from .factories import (
    ACK_BY,
    PROJECTED_RESPOND_BY,
    RESPOND_BY,
    TODAY,
    complaint_at,
    events,
    extend_kwargs,
    log_complaint,
    stage,
)

pytestmark = pytest.mark.django_db


def test_it_moves_stored_deadlines_after_a_closure_day_is_added(handler):
    case = log_complaint(handler=handler)  # received Mon 2 Nov 2026
    assert case.next_deadline_by == ACK_BY
    ClosureDay.objects.create(day=dt.date(2026, 11, 4), label="Staff training")

    assert actions.recompute_deadlines(today=TODAY) == 1

    case.refresh_from_db()
    s1 = stage(case, 1)
    assert s1.acknowledge_by == dt.date(2026, 11, 10)
    assert s1.code_respond_by == s1.respond_by == dt.date(2026, 11, 24)
    assert case.next_deadline_by == dt.date(2026, 11, 10)
    [event] = events(case, "deadlines_recomputed")
    assert event.actor is None
    assert event.actor_label == "recompute_deadlines"
    assert event.data == {
        "stage": 1,
        "old": ["2026-11-09", "2026-11-23", "2026-11-23"],
        "new": ["2026-11-10", "2026-11-24", "2026-11-24"],
    }

    assert actions.recompute_deadlines(today=TODAY) == 0
    assert len(events(case, "deadlines_recomputed")) == 1


def test_it_moves_the_respond_by_date_of_an_acknowledged_complaint(handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)  # acknowledged Wed 4 Nov
    assert case.next_deadline_by == RESPOND_BY
    ClosureDay.objects.create(day=dt.date(2026, 11, 16))
    assert actions.recompute_deadlines(today=TODAY) == 1
    case.refresh_from_db()
    assert stage(case, 1).acknowledge_by == ACK_BY
    assert stage(case, 1).respond_by == dt.date(2026, 11, 19)
    assert case.next_deadline_by == dt.date(2026, 11, 19)


def test_it_keeps_an_agreed_extension_date(handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(case, today=TODAY, **extend_kwargs(new_respond_by=dt.date(2026, 11, 30)))
    ClosureDay.objects.create(day=dt.date(2026, 11, 16))
    assert actions.recompute_deadlines(today=TODAY) == 1
    case.refresh_from_db()
    s1 = stage(case, 1)
    assert s1.code_respond_by == dt.date(2026, 11, 19)  # the Code's date moved
    assert s1.respond_by == dt.date(2026, 11, 30)  # the date agreed with the resident did not
    assert case.next_deadline_by == dt.date(2026, 11, 30)
    assert events(case)[-1].data["new"] == ["2026-11-09", "2026-11-19", "2026-11-30"]
    assert actions.recompute_deadlines(today=TODAY) == 0


def test_it_moves_stage_two_dates_and_leaves_answered_and_closed_cases_alone(handler, other_handler):
    open_s2 = complaint_at(State.STAGE2_REQUESTED, handler=handler)  # requested Tue 17 Nov
    answered = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    closed = complaint_at(State.WITHDRAWN, handler=handler)
    request = actions.log_case(kind="service_request", received_on=TODAY, description="Boiler.", today=TODAY)
    untouched = (answered, closed, request)
    before = {c.pk: ([(x.acknowledge_by, x.code_respond_by, x.respond_by) for x in c.stages.order_by("number")], len(events(c))) for c in untouched}
    ClosureDay.objects.create(day=dt.date(2026, 11, 18))
    ClosureDay.objects.create(day=dt.date(2026, 11, 5))

    assert actions.recompute_deadlines(today=TODAY) == 1

    open_s2.refresh_from_db()
    assert stage(open_s2, 2).acknowledge_by == dt.date(2026, 11, 25)
    assert open_s2.next_deadline_by == dt.date(2026, 11, 25)
    assert stage(open_s2, 1).acknowledge_by == ACK_BY  # answered stage 1 is history
    for c in untouched:
        assert ([(x.acknowledge_by, x.code_respond_by, x.respond_by) for x in c.stages.order_by("number")], len(events(c))) == before[c.pk]


def test_it_moves_deadlines_back_when_a_closure_day_is_removed(handler):
    day = ClosureDay.objects.create(day=dt.date(2026, 11, 4))
    case = log_complaint(handler=handler)
    assert case.next_deadline_by == dt.date(2026, 11, 10)
    day.delete()
    assert actions.recompute_deadlines(today=TODAY) == 1
    case.refresh_from_db()
    assert case.next_deadline_by == ACK_BY
    assert stage(case, 1).respond_by == PROJECTED_RESPOND_BY
