import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import Case, Channel, ServiceArea, Stage, Theme
from putright.residents.models import Representative, Tenure
from putright.rules.lifecycle import Kind, State

from .factories import ACK_BY, PROJECTED_RESPOND_BY, RECEIVED, events, log_complaint, refused

pytestmark = pytest.mark.django_db


def _log(today, **kw):
    args = dict(kind=Kind.COMPLAINT, received_on=RECEIVED, description="The lift has been broken for weeks.", today=today)
    args.update(kw)
    return actions.log_case(**args)


def test_it_logs_a_complaint_and_starts_stage_one(handler, resident, today):
    area = ServiceArea.objects.create(name="Repairs")
    damp = Theme.objects.create(name="Damp and mould")
    case = _log(
        today,
        channel=Channel.PHONE,
        resident=resident,
        service_area=area,
        themes=[damp],
        received_by="Front desk",
        handler=handler,
        actor=handler,
    )
    case.refresh_from_db()
    assert case.reference == "PR-2026-000001"
    assert case.kind == Kind.COMPLAINT
    assert case.state == State.STAGE1_LOGGED
    assert case.is_open is True
    assert case.next_deadline_by == ACK_BY
    assert case.tenure == Tenure.LCRA  # taken from the resident
    assert case.handler == handler
    assert list(case.themes.all()) == [damp]
    stage = Stage.objects.get(case=case)
    assert stage.number == 1
    assert stage.requested_on == RECEIVED
    assert stage.acknowledge_by == ACK_BY
    assert stage.code_respond_by == PROJECTED_RESPOND_BY
    assert stage.respond_by == PROJECTED_RESPOND_BY
    assert stage.handler == handler
    [event] = events(case)
    assert event.kind == "logged"
    assert event.actor == handler
    assert event.data["kind"] == "complaint"
    assert event.data["channel"] == "phone"
    assert event.data["received_on"] == "2026-11-02"
    assert event.data["acknowledge_by"] == "2026-11-09"
    assert event.data["respond_by"] == "2026-11-23"


def test_it_counts_christmas_bank_holidays_in_the_acknowledge_by_date(today):
    # Mon 22 Dec 2025: Thu 25 and Fri 26 Dec are bank holidays, then the weekend.
    case = _log(today, received_on=dt.date(2025, 12, 22))
    stage = Stage.objects.get(case=case)
    assert stage.acknowledge_by == dt.date(2025, 12, 31)
    # Projected from 31 Dec: Thu 1 Jan 2026 is a bank holiday.
    assert stage.respond_by == dt.date(2026, 1, 15)
    case.refresh_from_db()
    assert case.next_deadline_by == dt.date(2025, 12, 31)
    assert case.reference.startswith("PR-2025-")


def test_it_numbers_references_per_year_in_sequence(today):
    a = _log(today)
    b = _log(today)
    c = _log(today, received_on=dt.date(2025, 6, 2))
    assert [a.reference, b.reference, c.reference] == ["PR-2026-000001", "PR-2026-000002", "PR-2025-000001"]


@pytest.mark.parametrize("kind", [Kind.SERVICE_REQUEST, Kind.COMPLIMENT])
def test_it_logs_service_requests_and_compliments_without_a_stage(kind, today, resident):
    case = _log(today, kind=kind, resident=resident, tenure=Tenure.LCHO)
    case.refresh_from_db()
    assert case.state == State.OPEN
    assert case.is_open is True
    assert case.next_deadline_by is None
    assert case.tenure == Tenure.LCHO  # given explicitly, wins over the resident's
    assert not Stage.objects.filter(case=case).exists()
    [event] = events(case)
    assert event.kind == "logged"
    assert event.actor is None and event.actor_label == "system"
    assert event.data["acknowledge_by"] is None


def test_it_records_a_representative_of_the_resident(today, resident):
    rep = Representative.objects.create(resident=resident, name="Dev Patel", relationship="son")
    case = _log(today, resident=resident, representative=rep, actor_label="portal")
    assert case.representative == rep
    assert events(case)[0].actor_label == "portal"


def test_it_logs_a_complaint_received_today(today):
    case = log_complaint(received_on=today, today=today)
    assert case.received_on == today


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "stage_0"}, "kind"),
        ({"kind": "informal_complaint"}, "kind"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"tenure": "freehold"}, "tenure"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"received_on": None}, "received_on"),
        ({"received_on": "2026-11-02"}, "received_on"),
        ({"received_on": lambda today: today + dt.timedelta(days=1)}, "received_on"),  # tomorrow
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(overrides, field, today):
    overrides = {name: value(today) if callable(value) else value for name, value in overrides.items()}
    refused(lambda: _log(today, **overrides), field=field, provision=None)
    assert Case.objects.count() == 0


def test_it_refuses_a_representative_acting_for_someone_else(today, resident, other_resident):
    rep = Representative.objects.create(resident=other_resident, name="Someone else")
    refused(lambda: _log(today, resident=resident, representative=rep), field="representative")


def test_it_refuses_a_handler_who_cannot_handle_cases(today, oversight):
    refused(lambda: _log(today, handler=oversight), field="handler")


def test_it_refuses_a_handler_whose_account_is_inactive(today, handler):
    handler.is_active = False
    handler.save()
    refused(lambda: _log(today, handler=handler), field="handler")
