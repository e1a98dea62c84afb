"""The transition table, checked against every (kind, state, action) there is."""

from __future__ import annotations

import itertools

import pytest

from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import (
    Action,
    Decision,
    Kind,
    State,
    allowed_actions,
    deadline_field,
    initial_state,
    is_open,
    next_state,
    overall_decision,
    stage_of,
)

C, SR, CP = Kind.COMPLAINT, Kind.SERVICE_REQUEST, Kind.COMPLIMENT
S, A = State, Action
REOPEN = A.REOPEN

# Written out in full rather than derived from the code under test. For REOPEN the value is the
# set of states the case may be reopened to (the states it can have been in just before).
EXPECTED: dict[tuple[Kind, State], dict[Action, State | frozenset[State]]] = {
    (C, S.STAGE1_LOGGED): {
        A.ACKNOWLEDGE: S.STAGE1_ACKNOWLEDGED,
        A.EXTEND: S.STAGE1_LOGGED,
        A.REFUSE: S.REFUSED,
        A.WITHDRAW: S.WITHDRAWN,
        A.ADD_RELATED_ISSUE: S.STAGE1_LOGGED,
        A.ALLOCATE: S.STAGE1_LOGGED,
    },
    (C, S.STAGE1_ACKNOWLEDGED): {
        A.EXTEND: S.STAGE1_ACKNOWLEDGED,
        A.RESPOND: S.STAGE1_RESPONDED,
        A.WITHDRAW: S.WITHDRAWN,
        A.ADD_RELATED_ISSUE: S.STAGE1_ACKNOWLEDGED,
        A.ALLOCATE: S.STAGE1_ACKNOWLEDGED,
    },
    (C, S.STAGE1_RESPONDED): {
        A.REQUEST_STAGE2: S.STAGE2_REQUESTED,
        A.CLOSE: S.CLOSED,
        A.ADD_RELATED_ISSUE: S.STAGE1_RESPONDED,
        A.ALLOCATE: S.STAGE1_RESPONDED,
    },
    (C, S.STAGE2_REQUESTED): {
        A.ACKNOWLEDGE: S.STAGE2_ACKNOWLEDGED,
        A.EXTEND: S.STAGE2_REQUESTED,
        A.REFUSE: S.REFUSED,
        A.WITHDRAW: S.WITHDRAWN,
        A.ALLOCATE: S.STAGE2_REQUESTED,
    },
    (C, S.STAGE2_ACKNOWLEDGED): {
        A.EXTEND: S.STAGE2_ACKNOWLEDGED,
        A.RESPOND: S.STAGE2_RESPONDED,
        A.WITHDRAW: S.WITHDRAWN,
        A.ALLOCATE: S.STAGE2_ACKNOWLEDGED,
    },
    (C, S.STAGE2_RESPONDED): {A.CLOSE: S.CLOSED, A.ALLOCATE: S.STAGE2_RESPONDED},
    (C, S.REFUSED): {REOPEN: frozenset({S.STAGE1_LOGGED, S.STAGE2_REQUESTED})},
    (C, S.WITHDRAWN): {
        REOPEN: frozenset(
            {S.STAGE1_LOGGED, S.STAGE1_ACKNOWLEDGED, S.STAGE2_REQUESTED, S.STAGE2_ACKNOWLEDGED}
        )
    },
    # Closing after the stage 1 response does not stop stage 2: only a case closed from there may
    # escalate straight away (the set: what it reaches for the previous states that allow it).
    (C, S.CLOSED): {REOPEN: frozenset({S.STAGE1_RESPONDED, S.STAGE2_RESPONDED}), A.REQUEST_STAGE2: frozenset({S.STAGE2_REQUESTED})},
    (SR, S.OPEN): {
        A.CONVERT_TO_COMPLAINT: S.OPEN,
        A.CLOSE: S.CLOSED,
        A.WITHDRAW: S.WITHDRAWN,
        A.ALLOCATE: S.OPEN,
    },
    (SR, S.CLOSED): {REOPEN: frozenset({S.OPEN})},
    (SR, S.WITHDRAWN): {REOPEN: frozenset({S.OPEN})},
    (CP, S.OPEN): {A.CLOSE: S.CLOSED, A.WITHDRAW: S.WITHDRAWN, A.ALLOCATE: S.OPEN},
    (CP, S.CLOSED): {REOPEN: frozenset({S.OPEN})},
    (CP, S.WITHDRAWN): {REOPEN: frozenset({S.OPEN})},
}


def _outcome(kind: Kind, state: State, action: Action) -> State | frozenset[State] | str:
    """What next_state does: the state reached, the states REOPEN may return to, or "refused"."""
    reached: set[State] = set()
    refused = 0
    for previous in (None, *State):
        try:
            reached.add(next_state(kind, state, action, previous_state=previous))
        except RuleViolation as err:
            assert err.message
            refused += 1
    if not reached:
        return "refused"
    if action is A.REOPEN or (kind, state, action) == (C, S.CLOSED, A.REQUEST_STAGE2):
        return frozenset(reached)
    assert refused == 0 and len(reached) == 1  # previous_state only matters when reopening
    return reached.pop()


def test_every_combination_of_kind_state_and_action() -> None:
    everything = list(itertools.product(Kind, State, Action))
    actual = {(k, s, a): _outcome(k, s, a) for k, s, a in everything}
    expected = {(k, s, a): EXPECTED.get((k, s), {}).get(a, "refused") for k, s, a in everything}
    assert actual == expected
    for kind, state in itertools.product(Kind, State):
        expected_actions = frozenset(EXPECTED.get((kind, state), {})) - ({A.REQUEST_STAGE2} if (kind, state) == (C, S.CLOSED) else set())
        assert allowed_actions(kind, state) == expected_actions


def test_a_complaint_closed_after_its_stage_1_response_may_still_go_to_stage_2() -> None:
    assert A.REQUEST_STAGE2 in allowed_actions(C, S.CLOSED, S.STAGE1_RESPONDED)
    assert next_state(C, S.CLOSED, A.REQUEST_STAGE2, previous_state=S.STAGE1_RESPONDED) is S.STAGE2_REQUESTED
    assert A.REQUEST_STAGE2 not in allowed_actions(C, S.CLOSED, S.STAGE2_RESPONDED)  # only two stages
    with pytest.raises(RuleViolation):
        next_state(C, S.CLOSED, A.REQUEST_STAGE2, previous_state=S.STAGE2_RESPONDED)


def test_reopen_refuses_a_state_the_case_cannot_have_been_in() -> None:
    with pytest.raises(RuleViolation) as caught:
        next_state(C, S.REFUSED, A.REOPEN, previous_state=S.STAGE1_ACKNOWLEDGED)
    assert caught.value.field == "previous_state"


@pytest.mark.parametrize(
    ("kind", "state", "previous", "expected"),
    [
        (C, S.REFUSED, S.STAGE1_LOGGED, S.STAGE1_LOGGED),
        (C, S.REFUSED, S.STAGE2_REQUESTED, S.STAGE2_REQUESTED),  # a refused escalation (5.11)
        (C, S.CLOSED, S.STAGE1_RESPONDED, S.STAGE1_RESPONDED),  # the resident may now escalate
        (C, S.WITHDRAWN, S.STAGE2_ACKNOWLEDGED, S.STAGE2_ACKNOWLEDGED),
        (SR, S.CLOSED, None, S.OPEN),  # only one state leads here, so it may be left out
        (CP, S.CLOSED, S.OPEN, S.OPEN),
    ],
)
def test_reopen(kind: Kind, state: State, previous: State | None, expected: State) -> None:
    assert next_state(kind, state, A.REOPEN, previous_state=previous) is expected


def test_reopening_a_complaint_needs_the_previous_state() -> None:
    with pytest.raises(RuleViolation) as caught:
        next_state(C, S.CLOSED, A.REOPEN)
    assert caught.value.field == "previous_state"


@pytest.mark.parametrize(
    ("state", "action", "provision"),
    [
        (S.STAGE2_REQUESTED, A.REQUEST_STAGE2, "5.2"),  # asking for a stage 3
        (S.STAGE2_RESPONDED, A.REQUEST_STAGE2, "5.2"),
        (S.STAGE1_LOGGED, A.REQUEST_STAGE2, "6.10"),  # no stage 1 response yet
        (S.STAGE1_ACKNOWLEDGED, A.REQUEST_STAGE2, "6.10"),
        (S.STAGE1_LOGGED, A.RESPOND, "6.2"),
        (S.STAGE2_REQUESTED, A.RESPOND, "6.11"),
        (S.STAGE2_ACKNOWLEDGED, A.ADD_RELATED_ISSUE, "6.8"),
    ],
)
def test_refusals_cite_the_code(state: State, action: Action, provision: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        next_state(C, state, action)
    assert caught.value.provision == provision
    assert str(caught.value).endswith(f"(Code {provision})")


def test_refusal_message_is_plain_words() -> None:
    with pytest.raises(RuleViolation) as caught:
        next_state(C, S.CLOSED, A.RESPOND)
    assert caught.value.message == "You cannot respond: the complaint is closed. Reopen it first."


def test_values_are_stable_strings() -> None:
    assert [s.value for s in State] == [
        "stage1_logged",
        "stage1_acknowledged",
        "stage1_responded",
        "stage2_requested",
        "stage2_acknowledged",
        "stage2_responded",
        "open",
        "refused",
        "withdrawn",
        "closed",
    ]
    assert Action("request_stage2") is A.REQUEST_STAGE2
    assert Kind("service_request") is SR
    assert str(State.CLOSED) == "closed"  # a StrEnum: stored and compared as plain text


def test_initial_state() -> None:
    assert [initial_state(k) for k in Kind] == [S.STAGE1_LOGGED, S.OPEN, S.OPEN]


@pytest.mark.parametrize(
    ("state", "stage", "open_", "field"),
    [
        (S.STAGE1_LOGGED, 1, True, "acknowledge_by"),
        (S.STAGE1_ACKNOWLEDGED, 1, True, "respond_by"),
        (S.STAGE1_RESPONDED, 1, True, None),
        (S.STAGE2_REQUESTED, 2, True, "acknowledge_by"),
        (S.STAGE2_ACKNOWLEDGED, 2, True, "respond_by"),
        (S.STAGE2_RESPONDED, 2, True, None),
        (S.OPEN, None, True, None),
        (S.REFUSED, None, False, None),
        (S.WITHDRAWN, None, False, None),
        (S.CLOSED, None, False, None),
    ],
)
def test_state_facts(state: State, stage: int | None, open_: bool, field: str | None) -> None:
    assert (stage_of(state), is_open(state), deadline_field(state)) == (stage, open_, field)


U, P, N = Decision.UPHELD, Decision.PARTLY_UPHELD, Decision.NOT_UPHELD


@pytest.mark.parametrize(
    ("points", "overall"),
    [
        ([U], U),
        ([U, U, U], U),
        ([N], N),
        ([N, N], N),
        ([U, N], P),
        ([P], P),
        ([U, P], P),
        ([N, P, U], P),
    ],
)
def test_overall_decision(points: list[Decision], overall: Decision) -> None:
    assert overall_decision(points) is overall
    assert overall_decision(iter(points)) is overall  # any iterable


def test_overall_decision_needs_every_point() -> None:
    with pytest.raises(RuleViolation) as caught:
        overall_decision([])
    assert (caught.value.provision, caught.value.field) == ("6.7", "points")


def test_each_stage_is_its_open_complaint_states():
    """The queue's "Stage" filter reads open cases' indexes on the strength of this (a stage says
    is_open), and the theme rows' copied stage is worked out from it."""
    from putright.rules.lifecycle import STAGE_STATES, State, is_open

    assert all(is_open(state) for states in STAGE_STATES.values() for state in states)
    assert {state for states in STAGE_STATES.values() for state in states} == {s for s in State if s.value.startswith("stage")}
    assert [s.value[5] for s in STAGE_STATES[1]] == ["1"] * 3 and [s.value[5] for s in STAGE_STATES[2]] == ["2"] * 3
