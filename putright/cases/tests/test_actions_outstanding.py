import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import ActionUpdate, OutstandingAction
from putright.rules.lifecycle import State

from .factories import TODAY, complaint_at, events, refused

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 11)


@pytest.fixture
def responded(handler):
    return complaint_at(State.STAGE1_RESPONDED, handler=handler)


@pytest.fixture
def action(responded):
    return actions.add_action(responded, description="Replace the kitchen units.", due_by=DUE, owner_name="Contractor Ltd")


def test_it_tracks_an_outstanding_action(responded, handler, manager):
    action = actions.add_action(responded, description=" Replace the seal. ", due_by=DUE, owner=handler, actor=manager)
    action.refresh_from_db()
    assert action.case == responded
    assert action.description == "Replace the seal."
    assert action.owner == handler
    assert action.due_by == DUE
    assert action.completed_on is None
    event = events(responded)[-1]
    assert event.kind == "action_added"
    assert event.actor == manager
    assert event.data == {"action": action.pk, "due_by": "2026-12-11", "owner": "Hari"}


def test_it_tracks_an_action_owned_by_a_contractor(action, responded):
    assert action.owner is None
    assert action.owner_name == "Contractor Ltd"
    assert events(responded)[-1].data["owner"] == "Contractor Ltd"


@pytest.mark.parametrize(
    "overrides, field, provision",
    [
        ({"description": ""}, "description", "6.6"),
        ({"due_by": None}, "due_by", "6.6"),
        ({"due_by": dt.date(2026, 11, 1)}, "due_by", None),  # before the case was received
        ({"owner_name": "  "}, "owner", None),
    ],
)
def test_it_refuses_an_incomplete_action(overrides, field, provision, responded):
    args = dict(description="Replace the seal.", due_by=DUE, owner_name="Repairs team")
    args.update(overrides)
    refused(lambda: actions.add_action(responded, **args), field=field, provision=provision)
    assert not OutstandingAction.objects.exists()


def test_it_records_an_update_given_to_the_resident(action, responded, handler):
    update = actions.update_action(action, given_on=TODAY, note=" Units ordered; fitting on 10 December. ", actor=handler, today=TODAY)
    assert update.action == action
    assert update.given_on == TODAY
    assert update.note == "Units ordered; fitting on 10 December."
    event = events(responded)[-1]
    assert event.kind == "action_updated"
    assert event.actor == handler
    assert event.data == {"action": action.pk, "given_on": "2026-11-23", "note": "Units ordered; fitting on 10 December."}


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"note": " "}, "note"),
        ({"given_on": dt.date(2026, 11, 24)}, "given_on"),
        ({"given_on": dt.date(2026, 11, 1)}, "given_on"),
        ({"given_on": None}, "given_on"),
    ],
)
def test_it_refuses_an_incomplete_update(overrides, field, action):
    args = dict(given_on=TODAY, note="Ordered.", today=TODAY)
    args.update(overrides)
    refused(lambda: actions.update_action(action, **args), field=field)
    assert not ActionUpdate.objects.exists()


def test_it_completes_an_action(action, responded, handler):
    actions.complete_action(action, completed_on=TODAY, note=" Fitted. ", actor=handler, today=TODAY)
    action.refresh_from_db()
    assert action.completed_on == TODAY
    event = events(responded)[-1]
    assert event.kind == "action_completed"
    assert event.data == {"action": action.pk, "completed_on": "2026-11-23", "late": False, "note": "Fitted."}


def test_it_records_an_action_completed_late(responded):
    action = actions.add_action(responded, description="Refund.", due_by=dt.date(2026, 11, 18), owner_name="Finance")
    actions.complete_action(action, completed_on=TODAY, today=TODAY)
    assert events(responded)[-1].data["late"] is True
    assert "late: due by 18 November 2026" in events(responded)[-1].summary


def test_it_refuses_to_complete_an_action_twice(action):
    actions.complete_action(action, completed_on=TODAY, today=TODAY)
    refused(lambda: actions.complete_action(action, completed_on=TODAY, today=TODAY), field="completed_on")


@pytest.mark.parametrize(
    "completed_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 1), None],
    ids=["future", "before-receipt", "missing"],
)
def test_it_refuses_a_bad_completion_date(completed_on, action):
    refused(lambda: actions.complete_action(action, completed_on=completed_on, today=TODAY), field="completed_on")
