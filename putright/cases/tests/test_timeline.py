"""The timeline (Code 5.12) is append-only, and the oversight role can change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import AppendOnlyError, CaseEvent, RemedyKind
from putright.rules.lifecycle import State

from .factories import (
    ACKNOWLEDGED,
    RECEIVED,
    TODAY,
    ack_kwargs,
    complaint_at,
    events,
    extend_kwargs,
    log_complaint,
    log_service_request,
    points,
    refuse_kwargs,
    refused,
    snapshot,
)

pytestmark = pytest.mark.django_db


# --- append-only ---------------------------------------------------------------------------------


@pytest.fixture
def event(handler):
    case = log_complaint(handler=handler)
    return events(case)[0]


def test_it_refuses_to_change_a_saved_event(event):
    event.summary = "Something else happened."
    with pytest.raises(AppendOnlyError):
        event.save()
    fresh = CaseEvent.objects.get(pk=event.pk)
    assert fresh.summary.startswith("Complaint received by other on 2 November 2026")


def test_it_refuses_to_change_an_event_loaded_again(event):
    fresh = CaseEvent.objects.get(pk=event.pk)
    fresh.kind = "tampered"
    with pytest.raises(AppendOnlyError):
        fresh.save(update_fields=["kind"])
    assert CaseEvent.objects.get(pk=event.pk).kind == "logged"


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_bulk_updates_and_deletes(event):
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().update(kind="changed")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().delete()
    fresh = CaseEvent.objects.get(pk=event.pk)
    assert (fresh.kind, fresh.summary) == (event.kind, event.summary)


def test_it_refuses_bulk_update_through_the_manager(event):
    event.summary = "changed"
    # bulk_update opens an atomic block without a savepoint: give it one so the test's own
    # transaction stays usable after the refusal.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        CaseEvent.objects.bulk_update([event], ["summary"])
    assert CaseEvent.objects.get(pk=event.pk).summary != "changed"


def test_it_still_appends_new_events(event):
    CaseEvent.objects.create(case=event.case, at=timezone.now(), kind="note", summary="Appended.")
    assert [e.kind for e in events(event.case)] == ["logged", "note"]


def test_it_keeps_a_full_ordered_record_of_a_complaint(handler, other_handler):
    case = complaint_at(State.CLOSED, handler=handler, stage2_handler=other_handler)
    assert [e.kind for e in events(case)] == [
        "logged",
        "acknowledged",
        "responded",
        "stage2_requested",
        "acknowledged",
        "responded",
        "closed",
    ]
    assert [e.actor for e in events(case)] == [handler, handler, handler, handler, other_handler, other_handler, handler]


# --- oversight is read-only ----------------------------------------------------------------------
# Each entry: (set-up returning the target, the call given (target, actor)). The same call made by
# a handler succeeds, so the refusal is about the role and nothing else.

NEW_FILE = NewFile("letter.pdf", "application/pdf", b"%PDF-1.7 letter")


def _remedy(h):
    return actions.add_remedy(complaint_at(State.STAGE1_RESPONDED, handler=h), kind=RemedyKind.APOLOGY, description="Apology.", due_by=dt.date(2026, 12, 4), today=TODAY)


def _action(h):
    return actions.add_action(complaint_at(State.STAGE1_RESPONDED, handler=h), description="Fix.", due_by=dt.date(2026, 12, 4), owner_name="Repairs")


CALLS = {
    "log_case": (lambda h: None, lambda _, a: actions.log_case(kind="complaint", received_on=RECEIVED, description="Leak.", actor=a, today=TODAY)),
    "convert_to_complaint": (
        lambda h: log_service_request(),
        lambda c, a: actions.convert_to_complaint(c, received_on=RECEIVED, description="Still broken.", actor=a, today=TODAY),
    ),
    "add_related_issue": (
        lambda h: complaint_at(State.STAGE1_ACKNOWLEDGED, handler=h),
        lambda c, a: actions.add_related_issue(c, description="Fan too.", raised_on=RECEIVED, actor=a, today=TODAY),
    ),
    "acknowledge": (lambda h: log_complaint(handler=h), lambda c, a: actions.acknowledge(c, actor=a, today=ACKNOWLEDGED, **ack_kwargs())),
    "allocate": (lambda h: log_complaint(handler=h), lambda c, a: actions.allocate(c, handler=c.handler, actor=a)),
    "extend": (lambda h: complaint_at(State.STAGE1_ACKNOWLEDGED, handler=h), lambda c, a: actions.extend(c, actor=a, today=dt.date(2026, 11, 17), **extend_kwargs())),
    "respond": (
        lambda h: complaint_at(State.STAGE1_ACKNOWLEDGED, handler=h),
        lambda c, a: actions.respond(c, responded_on=TODAY, points=points(), actor=a, today=TODAY),
    ),
    "request_stage_two": (
        lambda h: complaint_at(State.STAGE1_RESPONDED, handler=h),
        lambda c, a: actions.request_stage_two(c, requested_on=TODAY, actor=a, today=TODAY),
    ),
    "refuse": (lambda h: log_complaint(handler=h), lambda c, a: actions.refuse(c, actor=a, today=dt.date(2026, 11, 3), **refuse_kwargs())),
    "withdraw": (lambda h: log_complaint(handler=h), lambda c, a: actions.withdraw(c, withdrawn_on=TODAY, actor=a, today=TODAY)),
    "close": (lambda h: complaint_at(State.STAGE1_RESPONDED, handler=h), lambda c, a: actions.close(c, closed_on=TODAY, actor=a, today=TODAY)),
    "reopen": (lambda h: complaint_at(State.CLOSED, handler=h), lambda c, a: actions.reopen(c, reason="Rang back.", actor=a)),
    "add_remedy": (
        lambda h: complaint_at(State.STAGE1_RESPONDED, handler=h),
        lambda c, a: actions.add_remedy(c, kind=RemedyKind.APOLOGY, description="Apology.", due_by=dt.date(2026, 12, 4), actor=a, today=TODAY),
    ),
    "complete_remedy": (_remedy, lambda r, a: actions.complete_remedy(r, completed_on=TODAY, actor=a, today=TODAY)),
    "add_action": (
        lambda h: complaint_at(State.STAGE1_RESPONDED, handler=h),
        lambda c, a: actions.add_action(c, description="Fix.", due_by=dt.date(2026, 12, 4), owner_name="Repairs", actor=a),
    ),
    "update_action": (_action, lambda x, a: actions.update_action(x, given_on=TODAY, note="On order.", actor=a, today=TODAY)),
    "complete_action": (_action, lambda x, a: actions.complete_action(x, completed_on=TODAY, actor=a, today=TODAY)),
    "add_correspondence": (
        lambda h: complaint_at(State.STAGE1_ACKNOWLEDGED, handler=h),
        lambda c, a: actions.add_correspondence(c, direction="in", occurred_on=TODAY, body="Letter.", files=[NEW_FILE], actor=a, today=TODAY),
    ),
}


SERVICE_FUNCTIONS = {
    "log_case", "convert_to_complaint", "add_related_issue", "acknowledge", "allocate", "extend", "respond",
    "request_stage_two", "refuse", "withdraw", "close", "reopen", "add_remedy", "complete_remedy", "add_action",
    "update_action", "complete_action", "add_correspondence",
}  # recompute_deadlines takes no actor: it is run by the system after a calendar change


def test_it_covers_every_service_function_that_takes_an_actor():
    import inspect

    assert set(CALLS) == SERVICE_FUNCTIONS
    for name in SERVICE_FUNCTIONS:
        assert "actor" in inspect.signature(getattr(actions, name)).parameters, name


MANAGER_ONLY = ("allocate", "refuse", "reopen")


@pytest.mark.parametrize("name", MANAGER_ONLY)
def test_the_service_functions_refuse_a_handler_the_managers_decisions(name, handler):
    # Issue 12, way round 9: the role check is in the service function, not only on the page.
    setup, call = CALLS[name]
    target = setup(handler)
    before = snapshot()
    refused(lambda: call(target, handler), exc=PermissionDenied)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_it_refuses_every_change_by_the_oversight_role(name, oversight, handler, manager):
    setup, call = CALLS[name]
    target = setup(handler)
    refused(lambda: call(target, oversight), exc=PermissionDenied)
    # The same call by a member of staff goes through and writes exactly one timeline event
    # (two for a complaint raised about a service request: one on each case). Allocating,
    # refusing and reopening are a manager's (MANAGER_ONLY).
    before = snapshot()["events"]
    call(target, manager if name in MANAGER_ONLY else handler)
    assert snapshot()["events"] == before + (2 if name == "convert_to_complaint" else 1)
