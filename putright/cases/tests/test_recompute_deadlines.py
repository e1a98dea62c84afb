import datetime as dt

import pytest
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import ClosureDay
from putright.rules.lifecycle import State

from .factories import (
    ACK_BY,
    ack_kwargs,
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
    ClosureDay.objects.create(day=dt.date(2026, 11, 4), label="Staff training")  # added on 3 Nov, before it

    assert actions.recompute_deadlines(today=dt.date(2026, 11, 3)) == 1

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

    assert actions.recompute_deadlines(today=dt.date(2026, 11, 3)) == 0
    assert len(events(case, "deadlines_recomputed")) == 1


def test_it_moves_the_respond_by_date_of_an_acknowledged_complaint(handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)  # acknowledged Wed 4 Nov
    assert case.next_deadline_by == RESPOND_BY
    ClosureDay.objects.create(day=dt.date(2026, 11, 16))
    assert actions.recompute_deadlines(today=dt.date(2026, 11, 13)) == 1
    case.refresh_from_db()
    assert stage(case, 1).acknowledge_by == ACK_BY
    assert stage(case, 1).respond_by == dt.date(2026, 11, 19)
    assert case.next_deadline_by == dt.date(2026, 11, 19)


def test_it_keeps_an_agreed_extension_date(handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(case, today=dt.date(2026, 11, 17), **extend_kwargs(new_respond_by=dt.date(2026, 11, 30)))
    ClosureDay.objects.create(day=dt.date(2026, 11, 16))
    assert actions.recompute_deadlines(today=dt.date(2026, 11, 17)) == 1
    case.refresh_from_db()
    s1 = stage(case, 1)
    assert s1.code_respond_by == dt.date(2026, 11, 19)  # the Code's date moved
    assert s1.respond_by == dt.date(2026, 11, 30)  # the date agreed with the resident did not
    assert case.next_deadline_by == dt.date(2026, 11, 30)
    assert events(case)[-1].data["new"] == ["2026-11-09", "2026-11-19", "2026-11-30"]
    assert actions.recompute_deadlines(today=dt.date(2026, 11, 17)) == 0


def test_it_moves_stage_two_dates_and_leaves_answered_and_closed_cases_alone(handler, other_handler):
    open_s2 = complaint_at(State.STAGE2_REQUESTED, handler=handler)  # requested Tue 17 Nov
    answered = complaint_at(State.STAGE1_RESPONDED, handler=handler)
    closed = complaint_at(State.WITHDRAWN, handler=handler)
    request = actions.log_case(kind="service_request", received_on=TODAY, description="Boiler.", today=TODAY)
    untouched = (answered, closed, request)
    before = {c.pk: ([(x.acknowledge_by, x.code_respond_by, x.respond_by) for x in c.stages.order_by("number")], len(events(c))) for c in untouched}
    ClosureDay.objects.create(day=dt.date(2026, 11, 18))
    ClosureDay.objects.create(day=dt.date(2026, 11, 5))

    assert actions.recompute_deadlines(today=dt.date(2026, 11, 17)) == 1

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
    assert actions.recompute_deadlines(today=dt.date(2026, 11, 3)) == 1
    case.refresh_from_db()
    assert case.next_deadline_by == ACK_BY
    assert stage(case, 1).respond_by == PROJECTED_RESPOND_BY


# --- issue 12, way round 8: closure days cannot be added after the fact ---------------------------


def test_a_closure_day_added_after_a_deadline_passed_does_not_move_it(handler):
    # Acknowledged late on 10 Nov (due 9 Nov); then closure days are added for early November
    # and the deadlines recomputed: the late acknowledgement stays late.
    case = log_complaint(handler=handler)
    actions.acknowledge(case, actor=handler, today=dt.date(2026, 11, 10), **ack_kwargs(acknowledged_on=dt.date(2026, 11, 10)))
    for day in (3, 4, 5):
        ClosureDay.objects.create(day=dt.date(2026, 11, day))
    actions.recompute_deadlines(today=TODAY)
    s1 = stage(case, 1)
    assert s1.acknowledge_by == ACK_BY
    assert s1.acknowledged_late is True
    # An open stage's date that has passed does not move either (its dates still ahead may).
    waiting = log_complaint(handler=handler, received_on=dt.date(2026, 11, 9))  # acknowledge by 16 Nov
    ClosureDay.objects.create(day=dt.date(2026, 11, 12))
    actions.recompute_deadlines(today=TODAY)
    assert stage(waiting, 1).acknowledge_by == dt.date(2026, 11, 16)
    assert stage(case, 1).acknowledge_by == ACK_BY


def test_a_closure_day_must_be_recorded_before_it_happens(db):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    for day in (today - dt.timedelta(days=3), today):
        with pytest.raises(ValidationError) as caught:
            ClosureDay(day=day, label="Snow").full_clean()
        assert "must be recorded before it happens" in str(caught.value)
    ClosureDay(day=today + dt.timedelta(days=36), label="Christmas").full_clean()


def test_no_more_than_ten_closure_days_in_a_year(db):
    from django.core.exceptions import ValidationError

    next_year = timezone.localdate().year + 1
    for n in range(ClosureDay.MAX_PER_YEAR):
        ClosureDay.objects.create(day=dt.date(next_year, 2, 1) + dt.timedelta(days=n))
    with pytest.raises(ValidationError) as caught:
        ClosureDay(day=dt.date(next_year, 3, 1)).full_clean()
    assert "already has 10 closure days" in str(caught.value)


def test_the_cap_holds_against_the_real_code_date_after_acknowledgement(handler):
    # Issue 12, way round 1: received Mon 2 Nov, extended to 7 Dec with no good reason while the
    # respond-by date was projected (23 Nov, cap 7 Dec); acknowledged the same day, so the Code's
    # date is 16 Nov and the cap 30 Nov. A response on 4 Dec must count as late.
    from putright.cases.models import Extension

    case = log_complaint(handler=handler)
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 2), **extend_kwargs(
        new_respond_by=dt.date(2026, 12, 7), resident_told_on=dt.date(2026, 11, 2)))
    assert Extension.objects.get().beyond_code_limit is False
    actions.acknowledge(case, actor=handler, today=dt.date(2026, 11, 2), **ack_kwargs(acknowledged_on=dt.date(2026, 11, 2)))
    assert stage(case, 1).code_respond_by == dt.date(2026, 11, 16)
    assert Extension.objects.get().beyond_code_limit is True
    assert "counts as late" in events(case, "acknowledged")[-1].summary
