"""The queue's totals read from counts kept by database triggers, not counted live: by state
(putright.performance.casecounts) and open cases by deadline day (.deadlinecounts), for
everyone's cases with no other filter, a user's own open cases by deadline day, one handler's
cases by state (.handlerstates) and a theme's cases by state (.themecounts) (docs/performance.md,
the queue's table)."""

from __future__ import annotations

from putright.performance.casecounts import Kept
from putright.performance.deadlinecounts import KeptByDeadline
from putright.performance.handlerstates import KeptForHandler
from putright.performance.themecounts import KeptForTheme
from putright.rules import lifecycle
from putright.rules.due import soon_until
from putright.rules.lifecycle import State

#: Filters that, when all empty, leave only the state (and "All cases") to filter by.
NARROWING = ("q", "kind", "stage", "service_area", "theme", "handler", "due")
#: Filters the counts kept by kind, state and service area answer, with the state.
BY_KIND = ("kind", "stage", "service_area")
#: The states of each stage, by the queue's "Stage" filter's values (the rule: lifecycle.STAGE_STATES).
STAGE_STATES = {str(stage): list(states) for stage, states in lifecycle.STAGE_STATES.items()}


def kept_total(data, today, cal, user=None) -> Kept | None:
    """The total of a queue filtered by state alone, or by overdue, due today or due soon alone,
    everyone's cases: read from the counts kept by state (putright.performance.casecounts) or by
    deadline day (.deadlinecounts) instead of counting up to a million cases. The same for the
    `user`'s own open cases ("My cases"), alone or overdue, due today or due soon. Everyone's by
    kind or stage (with a state or not) from the counts kept by kind and state. One handler's
    ("My cases" or a chosen handler) with a state, or every state, from the counts kept by handler
    and state; a theme's every case ("including closed"), or its cases of a state, from the counts
    kept by theme and state."""
    state, due = data.get("state"), data.get("due")
    if data.get("theme"):
        return _kept_theme(data)
    if data.get("handler"):
        return _kept_handler(data, today, cal, user)
    if data.get("cases") == "mine" and user is not None and state not in ("", None) and not due:
        if not any(data.get(name) for name in NARROWING):
            return _kept_for(user.pk, state)
    if any(data.get(name) for name in NARROWING if name != "due" and name not in BY_KIND):
        return None
    if any(data.get(name) for name in BY_KIND):
        return _kept_by_kind(data) if not due and data.get("cases") == "all" else None
    if data.get("cases") == "mine" and user is not None and state in ("", None):
        return kept_due(today, cal, user.pk).get(due) if due else KeptByDeadline(handler=user.pk)
    if data.get("cases") != "all":
        return None
    if due:
        # The deadline filters count open cases whatever "Any" state says (filtered_cases).
        return kept_due(today, cal).get(due) if state in ("", "all", None) else None
    if state == "all":
        return Kept(None)
    if state:
        return Kept([state])
    return Kept(open=True)


def _kept_theme(data) -> Kept | None:
    """A theme's every case ("including closed") or its cases of one state, everyone's, with
    nothing else narrowing: as `filtered_cases` filters them (an open state: the open ones). A
    theme's open cases are one range of the index of open theme rows (queue_themes.counted_rows)."""
    state = data.get("state")
    if not state or data.get("cases") != "all" or any(data.get(name) for name in NARROWING if name != "theme"):
        return None
    theme = getattr(data["theme"], "pk", data["theme"])
    if state == "all":
        return KeptForTheme(theme)
    return KeptForTheme(theme, [state], open=lifecycle.is_open(State(state)))


def _kept_handler(data, today, cal, user) -> Kept | None:
    """A chosen handler's cases (open, of a state, or every state; overdue, due today or due soon),
    with "My cases" only if the handler is the user (someone else's among my own are none: counted
    live, as the cases' query finds)."""
    handler = getattr(data["handler"], "pk", data["handler"])
    if data.get("cases") == "mine" and (user is None or user.pk != handler):
        return None
    if any(data.get(name) for name in NARROWING if name not in ("handler", "due")):
        return None
    state, due = data.get("state"), data.get("due")
    if due:
        # The deadline filters count open cases whatever "Any" state says (filtered_cases).
        return kept_due(today, cal, handler).get(due) if state in ("", "all", None) else None
    return _kept_for(handler, state)


def _kept_for(handler: int, state: str | None) -> Kept:
    """The `handler`'s open cases (no state), cases of a `state` (an open state: open ones), or every case ("all")."""
    if state == "all":
        return KeptForHandler(handler)
    if not state:
        return KeptForHandler(handler, open=True)
    return KeptForHandler(handler, [state], open=lifecycle.is_open(State(state)))


def _kept_by_kind(data) -> Kept:
    """The cases of a kind, a stage, a service area or any of them together (and a state, or every
    state, or the open ones), as `filtered_cases` filters them: a stage is its states, an open
    state is also `is_open`."""
    state, stage = data.get("state"), data.get("stage")
    states = [str(s) for s in STAGE_STATES[stage]] if stage else None
    if state and state != "all":
        states = [state] if states is None or state in states else []
    area = data.get("service_area")
    return Kept(states, kind=data.get("kind") or None, area=getattr(area, "pk", area) or None,
                open=state != "all" and (not state or lifecycle.is_open(State(state))))


def kept_due(today, cal, handler: int | None = None) -> dict[str, KeptByDeadline]:
    """Everyone's open cases (or the `handler`'s own) overdue, due today and due soon (as the
    count and as the filter ask it: the filter includes today), from the counts kept by deadline day."""
    soon = soon_until(today, cal)
    return {
        "overdue": KeptByDeadline(before=today, handler=handler),
        "today": KeptByDeadline(since=today, until=today, handler=handler),
        "soon": KeptByDeadline(since=today, until=soon, handler=handler),
        "soon:count": KeptByDeadline(after=today, until=soon, handler=handler),
    }
