"""Plain helpers that drive cases to a given state THROUGH the actions (never by saving models).

The default dates sit in November 2026, before the `today` fixture (Mon 23 Nov 2026), with no
bank holidays in between, so the stored deadlines are easy to check:

| step                     | date           | stored deadline                                    |
| stage 1 received         | Mon 2 Nov 2026 | acknowledge by Mon 9 Nov; respond by Mon 23 Nov (projected) |
| stage 1 acknowledged     | Wed 4 Nov 2026 | respond by Wed 18 Nov (extension cap Wed 2 Dec)    |
| stage 1 responded        | Mon 16 Nov     |                                                    |
| stage 2 requested        | Tue 17 Nov     | acknowledge by Tue 24 Nov; respond by Tue 22 Dec (projected) |
| stage 2 acknowledged     | Thu 19 Nov     | respond by Thu 17 Dec (extension cap Tue 19 Jan 2027) |
| stage 2 responded/closed | Mon 23 Nov     |                                                    |
"""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.actions import PointDecision
from putright.cases.models import (
    ActionUpdate,
    Attachment,
    Case,
    CaseEvent,
    Correspondence,
    DecisionPoint,
    Extension,
    OutstandingAction,
    ReferenceCounter,
    Refusal,
    Remedy,
    Stage,
)
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Decision, Kind, State

TODAY = dt.date(2026, 11, 23)
RECEIVED = dt.date(2026, 11, 2)
ACK_BY = dt.date(2026, 11, 9)
PROJECTED_RESPOND_BY = dt.date(2026, 11, 23)
ACKNOWLEDGED = dt.date(2026, 11, 4)
RESPOND_BY = dt.date(2026, 11, 18)
STAGE1_EXTENSION_CAP = dt.date(2026, 12, 2)
RESPONDED = dt.date(2026, 11, 16)
REQUESTED = dt.date(2026, 11, 17)
S2_ACK_BY = dt.date(2026, 11, 24)
S2_PROJECTED_RESPOND_BY = dt.date(2026, 12, 22)
S2_ACKNOWLEDGED = dt.date(2026, 11, 19)
S2_RESPOND_BY = dt.date(2026, 12, 17)
STAGE2_EXTENSION_CAP = dt.date(2027, 1, 19)
S2_RESPONDED = dt.date(2026, 11, 23)
CLOSED = dt.date(2026, 11, 23)

ORDER = [
    State.STAGE1_LOGGED,
    State.STAGE1_ACKNOWLEDGED,
    State.STAGE1_RESPONDED,
    State.STAGE2_REQUESTED,
    State.STAGE2_ACKNOWLEDGED,
    State.STAGE2_RESPONDED,
]


def points(decision: Decision = Decision.UPHELD, n: int = 1) -> list[PointDecision]:
    return [PointDecision(f"Point {i}: the repair was late", decision, "The job was booked 3 weeks late.") for i in range(1, n + 1)]


def ack_kwargs(**overrides) -> dict:
    kw = dict(
        acknowledged_on=ACKNOWLEDGED,
        definition="The kitchen leak was not repaired on time.",
        outcomes_sought="Repair the leak and apologise.",
        responsible_for="The repair.",
        not_responsible_for="The neighbour's pipe (the neighbour's insurer).",
    )
    kw.update(overrides)
    return kw


def extend_kwargs(**overrides) -> dict:
    kw = dict(
        new_respond_by=dt.date(2026, 11, 25),
        reason="We are waiting for the contractor's report.",
        resident_told_on=dt.date(2026, 11, 17),
        ombudsman_details_given=True,
        update_every_working_days=5,
    )
    kw.update(overrides)
    return kw


def refuse_kwargs(**overrides) -> dict:
    kw = dict(
        refused_on=dt.date(2026, 11, 3),
        reason=RefusalReason.LEGAL_PROCEEDINGS,
        explanation="A claim about the same disrepair was filed at court.",
        ombudsman_rights_given=True,
        proceedings_started_on=dt.date(2026, 10, 1),
    )
    kw.update(overrides)
    return kw


def log_complaint(*, received_on: dt.date = RECEIVED, resident=None, handler=None, actor=None, today=TODAY, **kw) -> Case:
    kw.setdefault("description", "My kitchen has been leaking for a month.")
    return actions.log_case(
        kind=Kind.COMPLAINT, received_on=received_on, resident=resident, handler=handler, actor=actor, today=today, **kw
    )


def log_service_request(*, received_on: dt.date = dt.date(2026, 10, 26), resident=None, actor=None, today=TODAY) -> Case:
    return actions.log_case(
        kind=Kind.SERVICE_REQUEST, received_on=received_on, description="Please fix my boiler.", resident=resident, actor=actor, today=today
    )


def log_compliment(*, received_on: dt.date = RECEIVED, resident=None, actor=None, today=TODAY) -> Case:
    return actions.log_case(
        kind=Kind.COMPLIMENT, received_on=received_on, description="The plumber was great.", resident=resident, actor=actor, today=today
    )


def complaint_at(
    state: State | str,
    *,
    handler,
    stage2_handler=None,
    resident=None,
    today: dt.date = TODAY,
    received_on: dt.date = RECEIVED,
) -> Case:
    """A complaint driven through the actions to `state` (any stage state, closed, withdrawn or
    refused). Stage 1 is handled by `handler`; stage 2 by `stage2_handler`. Each step is recorded
    on the day it is dated (never after `today`), as a handler keeping the record up to date
    would: recording steps weeks later makes them late entries (putright.rules.recording).
    Refusals are a manager's decision, recorded here by PutRight itself (no actor)."""
    state = State(state)

    def on(day: dt.date) -> dt.date:
        return min(day, today)

    case = log_complaint(received_on=received_on, resident=resident, handler=handler, actor=handler, today=on(received_on))
    if state is State.REFUSED:
        kw = refuse_kwargs()
        return actions.refuse(case, today=on(max(kw["refused_on"], received_on)), **kw)
    if state is State.WITHDRAWN:
        return actions.withdraw(case, withdrawn_on=dt.date(2026, 11, 3), reason="Sorted now.", actor=handler, today=today)
    target = State.STAGE2_RESPONDED if state is State.CLOSED and stage2_handler else state
    if state is State.CLOSED and not stage2_handler:
        target = State.STAGE1_RESPONDED
    steps = ORDER[: ORDER.index(target) + 1]
    if State.STAGE1_ACKNOWLEDGED in steps:
        case = actions.acknowledge(case, actor=handler, today=on(ACKNOWLEDGED), **ack_kwargs())
    if State.STAGE1_RESPONDED in steps:
        case = actions.respond(case, responded_on=RESPONDED, points=points(), actor=handler, today=on(RESPONDED))
    if State.STAGE2_REQUESTED in steps:
        case = actions.request_stage_two(case, requested_on=REQUESTED, reason="Still leaking.", actor=handler, today=on(REQUESTED))
    if State.STAGE2_ACKNOWLEDGED in steps:
        if stage2_handler is None:
            raise ValueError("stage 2 needs a stage2_handler (6.13)")
        case = actions.acknowledge(
            case, actor=stage2_handler, handler=stage2_handler, today=on(S2_ACKNOWLEDGED), **ack_kwargs(acknowledged_on=S2_ACKNOWLEDGED)
        )
    if State.STAGE2_RESPONDED in steps:
        case = actions.respond(case, responded_on=S2_RESPONDED, points=points(), actor=stage2_handler, today=on(S2_RESPONDED))
    if state is State.CLOSED:
        case = actions.close(case, closed_on=CLOSED, actor=handler, today=today)
    case.refresh_from_db()
    assert case.state == state
    return case


def stage(case: Case, number: int) -> Stage:
    return Stage.objects.get(case=case, number=number)


def events(case: Case, kind: str | None = None) -> list[CaseEvent]:
    qs = CaseEvent.objects.filter(case=case).order_by("id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def last_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("-id").first()


def snapshot() -> dict:
    """Everything the service path can change, to assert a refusal left the database as it was."""
    return {
        "cases": list(Case.objects.order_by("id").values()),
        "case_themes": list(Case.themes.through.objects.order_by("id").values()),
        "stages": list(Stage.objects.order_by("id").values()),
        "events": CaseEvent.objects.count(),
        "extensions": list(Extension.objects.order_by("id").values()),
        "refusals": list(Refusal.objects.order_by("id").values()),
        "remedies": list(Remedy.objects.order_by("id").values()),
        "points": DecisionPoint.objects.count(),
        "actions": list(OutstandingAction.objects.order_by("id").values()),
        "action_updates": ActionUpdate.objects.count(),
        "correspondence": Correspondence.objects.count(),
        "attachments": Attachment.objects.count(),
        "counters": list(ReferenceCounter.objects.order_by("year").values()),
    }


def assert_violation(excinfo, *, field=..., provision=...) -> None:
    """Check a RuleViolation's field and provision (`...` means: not checked)."""
    err = excinfo.value
    if field is not ...:
        assert err.field == field, repr(err)
    if provision is not ...:
        assert err.provision == provision, repr(err)


def refused(call, *, field=..., provision=..., exc=None):
    """Call `call`, expect it to be refused (RuleViolation unless `exc`) and change nothing."""
    from putright.rules.errors import RuleViolation

    before = snapshot()
    with pytest.raises(exc or RuleViolation) as excinfo:
        call()
    assert snapshot() == before, "a refused action changed the database"
    if exc is None:
        assert_violation(excinfo, field=field, provision=provision)
    return excinfo.value
