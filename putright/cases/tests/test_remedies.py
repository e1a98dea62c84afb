import datetime as dt
from decimal import Decimal

import pytest

from putright.cases import actions
from putright.cases.models import PaymentMethod, Remedy, RemedyKind
from putright.rules.lifecycle import State

from .factories import TODAY, complaint_at, events, log_complaint, log_service_request, refused

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 4)


@pytest.fixture
def responded(handler):
    return complaint_at(State.STAGE1_RESPONDED, handler=handler)


def test_it_offers_a_remedy_with_what_and_by_when(responded, handler):
    remedy = actions.add_remedy(
        responded, kind=RemedyKind.APOLOGY, description="Written apology from the repairs manager.", due_by=DUE, owner=handler, actor=handler, today=TODAY
    )
    remedy.refresh_from_db()
    assert remedy.case == responded
    assert remedy.stage_number == 1
    assert remedy.kind == RemedyKind.APOLOGY
    assert remedy.due_by == DUE
    assert remedy.completed_on is None
    assert remedy.amount is None
    assert remedy.payment_method == ""
    assert remedy.owner == handler
    event = events(responded)[-1]
    assert event.kind == "remedy_added"
    assert len(events(responded, "remedy_added")) == 1
    assert event.actor == handler
    assert event.data["remedy"] == remedy.pk
    assert event.data["kind"] == "apology"
    assert event.data["due_by"] == "2026-12-04"
    assert event.data["amount"] is None
    assert "By 4 December 2026." in event.summary


def test_it_offers_a_financial_remedy(responded):
    remedy = actions.add_remedy(
        responded, kind="financial", description="Compensation for the delay.", amount="150.5", payment_method=PaymentMethod.VOUCHER, due_by=DUE, today=TODAY
    )
    remedy.refresh_from_db()
    assert remedy.amount == Decimal("150.50")
    assert remedy.payment_method == PaymentMethod.VOUCHER
    event = events(responded)[-1]
    assert event.data["amount"] == "150.50"
    assert event.data["payment_method"] == "voucher"
    assert "£150.50 (voucher)" in event.summary


def test_it_records_a_remedy_already_done(responded):
    remedy = actions.add_remedy(responded, kind=RemedyKind.AMEND_RECORD, description="Corrected the repair log.", completed_on=dt.date(2026, 11, 16), today=TODAY)
    assert remedy.completed_on == dt.date(2026, 11, 16)
    assert remedy.due_by is None
    assert events(responded)[-1].summary.endswith("Done.")


def test_it_offers_a_remedy_at_any_stage(handler):
    case = log_complaint(handler=handler)
    remedy = actions.add_remedy(case, kind=RemedyKind.ACTION_ON_DELAY, description="Repair booked for tomorrow.", due_by=DUE, today=TODAY)
    assert remedy.stage_number == 1


def test_it_completes_a_remedy(responded, handler):
    remedy = actions.add_remedy(responded, kind=RemedyKind.APOLOGY, description="Apology.", due_by=DUE, today=TODAY)
    actions.complete_remedy(remedy, completed_on=TODAY, actor=handler, today=TODAY)
    remedy.refresh_from_db()
    assert remedy.completed_on == TODAY
    event = events(responded)[-1]
    assert event.kind == "remedy_completed"
    assert event.actor == handler
    assert event.data == {"remedy": remedy.pk, "completed_on": "2026-11-23", "late": False}


def test_it_records_a_remedy_completed_late(responded):
    remedy = actions.add_remedy(responded, kind=RemedyKind.APOLOGY, description="Apology.", due_by=dt.date(2026, 11, 20), today=TODAY)
    actions.complete_remedy(remedy, completed_on=TODAY, today=TODAY)
    assert events(responded)[-1].data["late"] is True


def test_it_refuses_a_remedy_on_a_service_request():
    request = log_service_request()
    refused(lambda: actions.add_remedy(request, kind=RemedyKind.APOLOGY, description="Sorry.", due_by=DUE, today=TODAY), field="kind")


@pytest.mark.parametrize(
    "overrides, field, provision",
    [
        ({"kind": "hamper"}, "kind", "7.1"),
        ({"description": "  "}, "description", "7.3"),
        ({"due_by": None}, "due_by", "7.3"),
        ({"due_by": "soon"}, "due_by", "7.3"),
        ({"amount": Decimal("25")}, "amount", None),  # only a financial remedy has an amount
        ({"completed_on": dt.date(2026, 11, 24)}, "completed_on", None),  # future
        ({"completed_on": dt.date(2026, 11, 1)}, "completed_on", None),  # before receipt
    ],
)
def test_it_refuses_an_incomplete_remedy(overrides, field, provision, responded):
    args = dict(kind=RemedyKind.APOLOGY, description="Apology.", due_by=DUE, today=TODAY)
    args.update(overrides)
    refused(lambda: actions.add_remedy(responded, **args), field=field, provision=provision)
    assert not Remedy.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, provision",
    [
        ({"amount": None}, "amount", "7.1"),
        ({"amount": Decimal("0")}, "amount", "7.1"),
        ({"amount": Decimal("-10")}, "amount", "7.1"),
        ({"payment_method": ""}, "payment_method", None),
        ({"payment_method": "bitcoin"}, "payment_method", None),
    ],
)
def test_it_refuses_an_incomplete_financial_remedy(overrides, field, provision, responded):
    args = dict(kind=RemedyKind.FINANCIAL, description="Compensation.", amount=Decimal("100"), payment_method="money", due_by=DUE, today=TODAY)
    args.update(overrides)
    refused(lambda: actions.add_remedy(responded, **args), field=field, provision=provision)
    assert not Remedy.objects.exists()


def test_it_refuses_to_complete_a_remedy_twice(responded):
    remedy = actions.add_remedy(responded, kind=RemedyKind.APOLOGY, description="Apology.", due_by=DUE, today=TODAY)
    actions.complete_remedy(remedy, completed_on=TODAY, today=TODAY)
    refused(lambda: actions.complete_remedy(remedy, completed_on=TODAY, today=TODAY), field="completed_on")


@pytest.mark.parametrize(
    "completed_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 1), None],
    ids=["future", "before-receipt", "missing"],
)
def test_it_refuses_a_bad_completion_date(completed_on, responded):
    remedy = actions.add_remedy(responded, kind=RemedyKind.APOLOGY, description="Apology.", due_by=DUE, today=TODAY)
    refused(lambda: actions.complete_remedy(remedy, completed_on=completed_on, today=TODAY), field="completed_on")
