"""What can happen to a case next: the states, the actions and the one table that links them.

A complaint goes through exactly two stages (5.2, 6.10): logged, acknowledged and answered at
stage 1; then, if the resident is still dissatisfied, requested, acknowledged and answered at
stage 2, the landlord's final response. Service requests (1.4) and compliments are recorded and
closed, and a complaint about how a service request is handled is raised alongside it while the
request carries on (1.5).

There is no "on hold" state: nothing in the Code stops the clock (see ``deadlines``).
The actions layer refuses any transition this table does not allow, and the UI offers only
``allowed_actions``, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from .errors import RuleViolation


class Kind(StrEnum):
    COMPLAINT = "complaint"
    SERVICE_REQUEST = "service_request"
    COMPLIMENT = "compliment"


class State(StrEnum):
    STAGE1_LOGGED = "stage1_logged"  # received, awaiting definition and acknowledgement
    STAGE1_ACKNOWLEDGED = "stage1_acknowledged"
    STAGE1_RESPONDED = "stage1_responded"  # stage 1 response issued; the resident may escalate
    STAGE2_REQUESTED = "stage2_requested"
    STAGE2_ACKNOWLEDGED = "stage2_acknowledged"
    STAGE2_RESPONDED = "stage2_responded"  # final response issued
    OPEN = "open"  # service requests and compliments
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class Action(StrEnum):
    LOG = "log"  # creates the case (see initial_state); never a move between states
    ACKNOWLEDGE = "acknowledge"
    EXTEND = "extend"
    RESPOND = "respond"
    REQUEST_STAGE2 = "request_stage2"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    REOPEN = "reopen"
    ADD_RELATED_ISSUE = "add_related_issue"
    CONVERT_TO_COMPLAINT = "convert_to_complaint"
    ALLOCATE = "allocate"


class Decision(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


KIND_LABELS: dict[Kind, str] = {
    Kind.COMPLAINT: "complaint",
    Kind.SERVICE_REQUEST: "service request",
    Kind.COMPLIMENT: "compliment",
}

STATE_LABELS: dict[State, str] = {
    State.STAGE1_LOGGED: "logged at stage 1 and awaiting acknowledgement",
    State.STAGE1_ACKNOWLEDGED: "acknowledged at stage 1",
    State.STAGE1_RESPONDED: "answered at stage 1",
    State.STAGE2_REQUESTED: "escalated to stage 2 and awaiting acknowledgement",
    State.STAGE2_ACKNOWLEDGED: "acknowledged at stage 2",
    State.STAGE2_RESPONDED: "given its final (stage 2) response",
    State.OPEN: "open",
    State.REFUSED: "refused",
    State.WITHDRAWN: "withdrawn",
    State.CLOSED: "closed",
}

ACTION_LABELS: dict[Action, str] = {
    Action.LOG: "log it",
    Action.ACKNOWLEDGE: "acknowledge it",
    Action.EXTEND: "extend the time to respond",
    Action.RESPOND: "respond",
    Action.REQUEST_STAGE2: "escalate it to stage 2",
    Action.REFUSE: "refuse it",
    Action.WITHDRAW: "withdraw it",
    Action.CLOSE: "close it",
    Action.REOPEN: "reopen it",
    Action.ADD_RELATED_ISSUE: "add a related issue",
    Action.CONVERT_TO_COMPLAINT: "raise a complaint about it",
    Action.ALLOCATE: "allocate it",
}

_CLOSED_STATES = frozenset({State.REFUSED, State.WITHDRAWN, State.CLOSED})
#: The closed states a case reaches without running its course: refused, or withdrawn.
ENDED_EARLY = frozenset({State.REFUSED, State.WITHDRAWN})

# (kind, state) -> {action: the state it leads to}. Only the actions listed are allowed.
# REOPEN is listed with None: where it leads depends on the state before (see next_state).
# ALLOCATE is added below to every open state.
_S = State
_A = Action
_TABLE: dict[tuple[Kind, State], dict[Action, State | None]] = {
    (Kind.COMPLAINT, _S.STAGE1_LOGGED): {
        _A.ACKNOWLEDGE: _S.STAGE1_ACKNOWLEDGED,
        _A.EXTEND: _S.STAGE1_LOGGED,
        _A.REFUSE: _S.REFUSED,  # only on valid, evidenced grounds (2.1, 2.2)
        _A.WITHDRAW: _S.WITHDRAWN,
        _A.ADD_RELATED_ISSUE: _S.STAGE1_LOGGED,  # folded into the stage 1 response (6.8)
    },
    (Kind.COMPLAINT, _S.STAGE1_ACKNOWLEDGED): {
        _A.EXTEND: _S.STAGE1_ACKNOWLEDGED,
        _A.RESPOND: _S.STAGE1_RESPONDED,
        _A.WITHDRAW: _S.WITHDRAWN,
        _A.ADD_RELATED_ISSUE: _S.STAGE1_ACKNOWLEDGED,
    },
    (Kind.COMPLAINT, _S.STAGE1_RESPONDED): {
        _A.REQUEST_STAGE2: _S.STAGE2_REQUESTED,
        _A.CLOSE: _S.CLOSED,  # the resident did not escalate
        # The response is out, so a new issue becomes a new linked complaint (6.8); this
        # case stays where it is.
        _A.ADD_RELATED_ISSUE: _S.STAGE1_RESPONDED,
    },
    (Kind.COMPLAINT, _S.STAGE2_REQUESTED): {
        _A.ACKNOWLEDGE: _S.STAGE2_ACKNOWLEDGED,
        _A.EXTEND: _S.STAGE2_REQUESTED,
        _A.REFUSE: _S.REFUSED,  # refusing to escalate: same limits as section 2 (5.11)
        _A.WITHDRAW: _S.WITHDRAWN,
    },
    (Kind.COMPLAINT, _S.STAGE2_ACKNOWLEDGED): {
        _A.EXTEND: _S.STAGE2_ACKNOWLEDGED,
        _A.RESPOND: _S.STAGE2_RESPONDED,
        _A.WITHDRAW: _S.WITHDRAWN,
    },
    (Kind.COMPLAINT, _S.STAGE2_RESPONDED): {_A.CLOSE: _S.CLOSED},
    (Kind.COMPLAINT, _S.REFUSED): {_A.REOPEN: None},
    (Kind.COMPLAINT, _S.WITHDRAWN): {_A.REOPEN: None},
    (Kind.COMPLAINT, _S.CLOSED): {_A.REOPEN: None},
    (Kind.SERVICE_REQUEST, _S.OPEN): {
        # The complaint is a new case; the request carries on (1.5).
        _A.CONVERT_TO_COMPLAINT: _S.OPEN,
        _A.CLOSE: _S.CLOSED,
        _A.WITHDRAW: _S.WITHDRAWN,
    },
    (Kind.SERVICE_REQUEST, _S.CLOSED): {_A.REOPEN: None},
    (Kind.SERVICE_REQUEST, _S.WITHDRAWN): {_A.REOPEN: None},
    (Kind.COMPLIMENT, _S.OPEN): {_A.CLOSE: _S.CLOSED, _A.WITHDRAW: _S.WITHDRAWN},
    (Kind.COMPLIMENT, _S.CLOSED): {_A.REOPEN: None},
    (Kind.COMPLIMENT, _S.WITHDRAWN): {_A.REOPEN: None},
}
for (_kind, _state), _moves in _TABLE.items():
    if _state not in _CLOSED_STATES:
        _moves[_A.ALLOCATE] = _state  # who handles a case never changes where it is
del _kind, _state, _moves

# For REOPEN: the states a case can have left to reach each closed state.
_CAME_FROM: dict[tuple[Kind, State], frozenset[State]] = {
    (kind, closed): frozenset(
        state
        for (k, state), moves in _TABLE.items()
        if k == kind and state not in _CLOSED_STATES and closed in moves.values()
    )
    for (kind, closed) in _TABLE
    if closed in _CLOSED_STATES
}


def initial_state(kind: Kind) -> State:
    """Where a newly logged case starts: a complaint at stage 1, anything else simply open."""
    return State.STAGE1_LOGGED if Kind(kind) is Kind.COMPLAINT else State.OPEN


def _closed_after_stage1_response(kind: Kind, state: State, previous_state) -> bool:
    """A complaint closed after its stage 1 response: closing does not take away the resident's
    right to ask for stage 2 (6.10), so it may still go there."""
    return (
        Kind(kind) is Kind.COMPLAINT
        and State(state) is State.CLOSED
        and previous_state is not None
        and previous_state != ""
        and State(previous_state) is State.STAGE1_RESPONDED
    )


def allowed_actions(kind: Kind, state: State, previous_state: State | None = None) -> frozenset[Action]:
    """The actions the table allows (empty for a state the kind never has). ``previous_state``:
    where a closed case was before, so a complaint closed after its stage 1 response offers
    stage 2."""
    allowed = frozenset(_TABLE.get((Kind(kind), State(state)), {}))
    if _closed_after_stage1_response(kind, state, previous_state):
        allowed |= {Action.REQUEST_STAGE2}
    return allowed


def stage_of(state: State) -> int | None:
    """1 or 2 for a complaint in a stage, None otherwise."""
    value = State(state).value
    return 1 if value.startswith("stage1_") else 2 if value.startswith("stage2_") else None


#: The states of each stage of a complaint (the queue's "Stage" filter, the stage copied onto
#: an open case's theme rows). Every one of them is an open state.
STAGE_STATES: dict[int, tuple[State, ...]] = {
    1: (State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED, State.STAGE1_RESPONDED),
    2: (State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED, State.STAGE2_RESPONDED),
}


def is_open(state: State) -> bool:
    """Refused, withdrawn and closed cases are not open; every other state is."""
    return State(state) not in _CLOSED_STATES


def deadline_field(state: State) -> str | None:
    """Which stage deadline comes next: waiting for acknowledgement, or for a response."""
    state = State(state)
    if state in (State.STAGE1_LOGGED, State.STAGE2_REQUESTED):
        return "acknowledge_by"
    if state in (State.STAGE1_ACKNOWLEDGED, State.STAGE2_ACKNOWLEDGED):
        return "respond_by"
    return None


def _refusal(kind: Kind, state: State, action: Action) -> RuleViolation:
    """Why ``action`` is not allowed, in plain words, citing the Code where it decides it."""
    what = f"You cannot {ACTION_LABELS[action]}: the {KIND_LABELS[kind]} is {STATE_LABELS[state]}."
    if (kind, state) not in _TABLE:
        return RuleViolation(f"A {KIND_LABELS[kind]} is never {STATE_LABELS[state]}.")
    if action is Action.LOG:
        return RuleViolation(f"The {KIND_LABELS[kind]} has already been logged.")
    if state in _CLOSED_STATES:
        return RuleViolation(f"{what} Reopen it first.")
    if kind is not Kind.COMPLAINT:
        if action is Action.CONVERT_TO_COMPLAINT:  # only a compliment gets here
            return RuleViolation(f"{what} Only a service request can lead to a complaint.")
        return RuleViolation(what)
    if action is Action.CONVERT_TO_COMPLAINT:
        return RuleViolation("It is already a complaint.")
    if action is Action.REQUEST_STAGE2:
        if stage_of(state) == 2:
            return RuleViolation(
                f"{what} There are only two stages, and stage 2 is the landlord's final "
                "response; after it the resident may go to the Ombudsman.",
                provision="5.2",
            )
        return RuleViolation(
            f"{what} The resident may escalate once the stage 1 response has been issued.",
            provision="6.10",
        )
    if action is Action.RESPOND and state in (State.STAGE1_LOGGED, State.STAGE2_REQUESTED):
        provision = "6.2" if state is State.STAGE1_LOGGED else "6.11"
        return RuleViolation(f"{what} Acknowledge, define and log it first.", provision=provision)
    if action is Action.ADD_RELATED_ISSUE and stage_of(state) == 2:
        return RuleViolation(f"{what} Log the new issue as a new complaint.", provision="6.8")
    if action is Action.REFUSE:
        return RuleViolation(
            f"{what} A complaint can only be refused when it arrives, or when the request to "
            "escalate it arrives."
        )
    return RuleViolation(what)


def next_state(
    kind: Kind, state: State, action: Action, *, previous_state: State | None = None
) -> State:
    """The state ``action`` leads to, or RuleViolation when the table does not allow it.

    REOPEN needs ``previous_state``, the state the case was in before it was refused,
    withdrawn or closed, and returns it. Reopening a refusal therefore goes back to stage 1
    logged, or to stage 2 requested if it was the escalation that was refused (5.11). When only
    one state can have led to the closed one (service requests, compliments) it may be omitted.
    """
    kind, state, action = Kind(kind), State(state), Action(action)
    if action is Action.REQUEST_STAGE2 and _closed_after_stage1_response(kind, state, previous_state):
        return State.STAGE2_REQUESTED
    moves = _TABLE.get((kind, state), {})
    if action not in moves:
        raise _refusal(kind, state, action)
    target = moves[action]
    if target is not None:
        return target
    # REOPEN: back to where the case was.
    came_from = _CAME_FROM[(kind, state)]
    if previous_state is None:
        if len(came_from) == 1:
            return next(iter(came_from))
        raise RuleViolation(
            f"To reopen a {KIND_LABELS[kind]} that is {STATE_LABELS[state]}, say which state "
            "it was in before.",
            field="previous_state",
        )
    previous_state = State(previous_state)
    if previous_state not in came_from:
        raise RuleViolation(
            f"A {KIND_LABELS[kind]} that is {STATE_LABELS[state]} cannot have been "
            f"{STATE_LABELS[previous_state]} just before, so it cannot be reopened to that.",
            field="previous_state",
        )
    return previous_state


def overall_decision(point_decisions: Iterable[Decision]) -> Decision:
    """One decision for the complaint from the decision on each point of its definition.

    "Landlords must address all points raised in the complaint definition and provide clear
    reasons for any decisions" (6.7): so there must be at least one point. All upheld is
    upheld, none upheld is not upheld, and any mixture (or any partly upheld point) is partly
    upheld.
    """
    decisions = {Decision(d) for d in point_decisions}
    if not decisions:
        raise RuleViolation(
            "Record a decision on every point of the complaint; there are none.",
            provision="6.7",
            field="points",
        )
    if len(decisions) == 1:
        return decisions.pop()
    return Decision.PARTLY_UPHELD
