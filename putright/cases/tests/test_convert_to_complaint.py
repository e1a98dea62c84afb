import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import Case, CaseTheme, Channel, Stage, Theme
from putright.rules.lifecycle import Kind, State

from .factories import ACK_BY, RECEIVED, TODAY, complaint_at, events, log_compliment, log_service_request, refused

pytestmark = pytest.mark.django_db


def _convert(request, today=TODAY, **kw):
    args = dict(received_on=RECEIVED, description="Three visits and the boiler still fails.", channel=Channel.EMAIL, today=today)
    args.update(kw)
    return actions.convert_to_complaint(request, **args)


def test_it_raises_a_complaint_and_the_request_carries_on(handler, resident, today):
    request = log_service_request(resident=resident)
    theme = Theme.objects.create(name="Heating")
    request.themes.set([theme], through_defaults=CaseTheme.defaults_for(request))
    complaint = _convert(request, actor=handler, today=today)

    complaint.refresh_from_db()
    request.refresh_from_db()
    assert complaint.kind == Kind.COMPLAINT
    assert complaint.state == State.STAGE1_LOGGED
    assert complaint.from_service_request == request
    assert complaint.resident == resident
    assert complaint.tenure == request.tenure
    assert list(complaint.themes.all()) == [theme]
    assert complaint.received_on == RECEIVED
    assert complaint.next_deadline_by == ACK_BY
    assert Stage.objects.get(case=complaint).acknowledge_by == ACK_BY
    # The request is untouched and still open (Code 1.5).
    assert request.state == State.OPEN
    assert request.is_open is True
    # One event on each case.
    [logged] = events(complaint)
    assert logged.kind == "logged"
    assert logged.actor == handler
    assert [e.kind for e in events(request)] == ["logged", "complaint_raised"]
    raised = events(request)[-1]
    assert raised.data == {"complaint": complaint.reference}
    assert raised.actor == handler


def test_it_allows_a_complaint_received_the_same_day_as_the_request(today):
    request = log_service_request(received_on=dt.date(2026, 11, 2))
    complaint = _convert(request, received_on=dt.date(2026, 11, 2))
    assert complaint.received_on == dt.date(2026, 11, 2)


def test_it_refuses_to_convert_a_complaint(handler):
    complaint = complaint_at(State.STAGE1_LOGGED, handler=handler)
    refused(lambda: _convert(complaint), field="kind")


def test_it_refuses_to_convert_a_compliment():
    compliment = log_compliment()
    refused(lambda: _convert(compliment), field="kind")


@pytest.mark.parametrize("end", ["close", "withdraw"])
def test_it_refuses_to_convert_a_closed_or_withdrawn_request(end):
    request = log_service_request()
    if end == "close":
        actions.close(request, closed_on=dt.date(2026, 11, 2), today=TODAY)
    else:
        actions.withdraw(request, withdrawn_on=dt.date(2026, 11, 2), today=TODAY)
    err = refused(lambda: _convert(request))
    assert "Reopen it first" in err.message


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"received_on": dt.date(2026, 11, 24)}, "received_on"),  # future
        ({"received_on": dt.date(2026, 10, 25)}, "received_on"),  # before the request was received
        ({"received_on": None}, "received_on"),
        ({"description": " "}, "description"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(overrides, field):
    request = log_service_request()  # received Mon 26 Oct 2026
    refused(lambda: _convert(request, **overrides), field=field)
    assert Case.objects.count() == 1
