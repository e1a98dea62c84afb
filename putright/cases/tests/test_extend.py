import datetime as dt

import pytest

from putright.cases import actions, models
from putright.cases.models import Extension
from putright.rules.lifecycle import State

from .factories import (
    ACK_BY,
    RESPOND_BY,
    S2_RESPOND_BY,
    STAGE1_EXTENSION_CAP,
    STAGE2_EXTENSION_CAP,
    TODAY,
    complaint_at,
    events,
    extend_kwargs,
    log_complaint,
    log_service_request,
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


def test_it_extends_stage_one_and_records_what_the_resident_was_told(acknowledged, handler):
    actions.extend(acknowledged, actor=handler, today=dt.date(2026, 11, 17), **extend_kwargs())
    acknowledged.refresh_from_db()
    s1 = stage(acknowledged, 1)
    assert s1.respond_by == dt.date(2026, 11, 25)
    assert s1.code_respond_by == RESPOND_BY  # the Code's date is kept for reporting
    assert s1.is_extended is True
    assert acknowledged.state == State.STAGE1_ACKNOWLEDGED
    assert acknowledged.next_deadline_by == dt.date(2026, 11, 25)
    [ext] = Extension.objects.filter(stage=s1)
    assert ext.previous_respond_by == RESPOND_BY
    assert ext.new_respond_by == dt.date(2026, 11, 25)
    assert ext.reason == "We are waiting for the contractor's report."
    assert ext.resident_told_on == dt.date(2026, 11, 17)
    assert ext.ombudsman_details_given is False and ext.issued_on is None  # the letter gives them
    assert ext.update_every_working_days == 5
    assert ext.beyond_code_limit is False
    assert ext.created_by == handler
    event = events(acknowledged)[-1]
    assert event.kind == "extended"
    assert len(events(acknowledged, "extended")) == 1
    assert event.data["stage"] == 1
    assert event.data["previous_respond_by"] == "2026-11-18"
    assert event.data["new_respond_by"] == "2026-11-25"
    assert event.data["update_every_working_days"] == 5
    assert event.data["beyond_code_limit"] is False


def test_it_allows_ten_working_days_without_a_good_reason(acknowledged):
    actions.extend(acknowledged, today=dt.date(2026, 11, 17), **extend_kwargs(new_respond_by=STAGE1_EXTENSION_CAP))
    assert stage(acknowledged, 1).respond_by == dt.date(2026, 12, 2)


def test_it_allows_more_than_ten_working_days_for_a_recorded_good_reason(acknowledged):
    actions.extend(
        acknowledged,
        today=dt.date(2026, 11, 17),
        **extend_kwargs(new_respond_by=dt.date(2026, 12, 3), good_reason="A structural survey is booked for 1 December."),
    )
    ext = Extension.objects.get()
    assert ext.beyond_code_limit is True
    assert ext.good_reason == "A structural survey is booked for 1 December."
    assert events(acknowledged)[-1].data["beyond_code_limit"] is True


def test_it_refuses_more_than_ten_working_days_without_a_good_reason(acknowledged):
    refused(
        lambda: actions.extend(acknowledged, today=dt.date(2026, 11, 17), **extend_kwargs(new_respond_by=dt.date(2026, 12, 3), good_reason="  ")),
        field="good_reason",
        provision="6.4",
    )


def test_it_applies_one_cap_to_repeated_extensions(acknowledged):
    actions.extend(acknowledged, today=dt.date(2026, 11, 17), **extend_kwargs())
    actions.extend(acknowledged, today=dt.date(2026, 11, 17), **extend_kwargs(new_respond_by=STAGE1_EXTENSION_CAP))
    assert [e.new_respond_by for e in Extension.objects.order_by("id")] == [dt.date(2026, 11, 25), STAGE1_EXTENSION_CAP]
    assert Extension.objects.order_by("id").last().previous_respond_by == dt.date(2026, 11, 25)
    refused(
        lambda: actions.extend(acknowledged, today=dt.date(2026, 11, 17), **extend_kwargs(new_respond_by=dt.date(2026, 12, 3))),
        field="good_reason",
        provision="6.4",
    )


def test_it_extends_before_acknowledgement_without_moving_the_next_deadline(handler):
    case = log_complaint(handler=handler)
    actions.extend(case, today=dt.date(2026, 11, 3), **extend_kwargs(new_respond_by=dt.date(2026, 11, 30), resident_told_on=dt.date(2026, 11, 3)))
    case.refresh_from_db()
    assert case.state == State.STAGE1_LOGGED
    assert case.next_deadline_by == ACK_BY
    assert stage(case, 1).respond_by == dt.date(2026, 11, 30)


def test_it_extends_stage_two_up_to_twenty_working_days(stage2):
    # From Thu 17 Dec 2026: Christmas Day, Boxing Day (observed Mon 28 Dec) and New Year's Day do
    # not count, so the cap is Tue 19 Jan 2027.
    actions.extend(stage2, today=TODAY, **extend_kwargs(new_respond_by=STAGE2_EXTENSION_CAP, resident_told_on=TODAY))
    stage2.refresh_from_db()
    s2 = stage(stage2, 2)
    assert s2.code_respond_by == S2_RESPOND_BY
    assert s2.respond_by == STAGE2_EXTENSION_CAP
    assert stage2.next_deadline_by == STAGE2_EXTENSION_CAP
    assert events(stage2)[-1].data["stage"] == 2


def test_it_refuses_more_than_twenty_working_days_at_stage_two_without_a_good_reason(stage2):
    refused(
        lambda: actions.extend(stage2, today=TODAY, **extend_kwargs(new_respond_by=dt.date(2027, 1, 20), resident_told_on=TODAY)),
        field="good_reason",
        provision="6.15",
    )


def test_it_extends_a_stage_two_request_before_acknowledgement(handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    actions.extend(case, today=TODAY, **extend_kwargs(new_respond_by=dt.date(2027, 1, 5), resident_told_on=TODAY))
    assert stage(case, 2).respond_by == dt.date(2027, 1, 5)


@pytest.mark.parametrize("number, provision", [(1, "6.4"), (2, "6.15")])
def test_it_refuses_without_a_reason(number, provision, acknowledged, stage2):
    case = acknowledged if number == 1 else stage2
    new = dt.date(2026, 11, 25) if number == 1 else dt.date(2026, 12, 18)
    refused(
        lambda: actions.extend(case, today=TODAY, **extend_kwargs(reason=" ", new_respond_by=new, resident_told_on=TODAY)),
        field="reason",
        provision=provision,
    )


@pytest.mark.parametrize("number, provision", [(1, "6.5"), (2, "6.16")])
def test_the_ombudsman_details_come_from_what_was_sent_not_a_tick(number, provision, acknowledged, stage2):
    case = acknowledged if number == 1 else stage2
    new = dt.date(2026, 11, 25) if number == 1 else dt.date(2026, 12, 18)
    actor = case.handler
    day = dt.date(2026, 11, 17) if number == 1 else TODAY  # before the response date
    actions.extend(case, today=day, actor=actor, **extend_kwargs(ombudsman_details_given=True, new_respond_by=new, resident_told_on=day))
    ext = Extension.objects.get(stage__case=case)
    assert ext.ombudsman_details_given is False  # a tick proves nothing
    refused(
        lambda: actions.send_another_way(case, step="extension", sent_on=day, method="phone", actor=actor, today=day,
                                         text="We need until the new date because the contractor is late."),
        field="text",
        provision=provision,
    )
    actions.send_another_way(case, step="extension", sent_on=day, method="phone", actor=actor, today=day,
                             text="We need more time; you can contact the Housing Ombudsman on 0300 111 3000.")
    ext.refresh_from_db()
    assert ext.ombudsman_details_given is True and ext.issued_on == day


@pytest.mark.parametrize("interval", [None, 0, -1])
def test_it_refuses_without_an_agreed_update_interval(interval, acknowledged):
    refused(
        lambda: actions.extend(acknowledged, today=dt.date(2026, 11, 17), **extend_kwargs(update_every_working_days=interval)),
        field="update_every_working_days",
        provision="5.9",
    )


@pytest.mark.parametrize(
    "told_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 1), None],
    ids=["future", "before-the-stage-began", "missing"],
)
def test_it_refuses_a_bad_date_the_resident_was_told(told_on, acknowledged):
    refused(lambda: actions.extend(acknowledged, today=TODAY, **extend_kwargs(resident_told_on=told_on)), field="resident_told_on")


@pytest.mark.parametrize(
    "new",
    [None, RESPOND_BY, dt.date(2026, 11, 17), dt.date(2026, 11, 28)],
    ids=["missing", "same-date", "earlier", "a-saturday"],
)
def test_it_refuses_a_bad_new_date(new, acknowledged):
    refused(lambda: actions.extend(acknowledged, today=TODAY, **extend_kwargs(new_respond_by=new)), field="new_respond_by", provision=None)


def test_it_refuses_a_bank_holiday_as_the_new_date(stage2):
    refused(
        lambda: actions.extend(stage2, today=TODAY, **extend_kwargs(new_respond_by=dt.date(2026, 12, 25), resident_told_on=TODAY)),
        field="new_respond_by",
    )


@pytest.mark.parametrize("state", [State.STAGE1_RESPONDED, State.STAGE2_RESPONDED, State.CLOSED, State.WITHDRAWN, State.REFUSED])
def test_it_refuses_to_extend_in_the_wrong_state(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler if state is State.STAGE2_RESPONDED else None)
    refused(lambda: actions.extend(case, today=TODAY, **extend_kwargs(new_respond_by=dt.date(2026, 12, 1), resident_told_on=TODAY)))


def test_it_refuses_to_extend_a_service_request():
    request = log_service_request()
    refused(lambda: actions.extend(request, today=TODAY, **extend_kwargs()))


def test_it_has_no_way_to_pause_or_hold_a_case():
    """The Code has no pause: waiting for the resident is an extension (no field, no state)."""
    from django.apps import apps

    names = [f.name for model in apps.get_app_config("cases").get_models() for f in model._meta.get_fields()]
    names += [m.__name__ for m in apps.get_app_config("cases").get_models()]
    # A retention hold (data protection: keep the record) is not a hold on the clock.
    assert not [n for n in names if ("pause" in n.lower() or "hold" in n.lower()) and not n.startswith("retention")]
    assert not [s for s in State if "pause" in s.value or "hold" in s.value]
    choices = [value for field in models.Case._meta.get_fields() if getattr(field, "choices", None) for value, _ in field.choices]
    assert not [c for c in choices if "pause" in str(c) or "hold" in str(c)]
    assert not [n for n in dir(actions) if "pause" in n.lower() or "hold" in n.lower()]
