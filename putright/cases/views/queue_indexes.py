"""Which index answers a page of the queue's open cases, named on SQLite.

Every sort has a partial index of the open cases in its order whose entries
carry every column the filters test (performance migration 0015): a page of any filter of open
cases reads it in order, tests the filters on the entries and stops after the page (the handler's
sort: performance migration 0019, with one handler's cases after the handler). Each filter
has a small index of its own (`case_open_*_deadline`, `case_open_extended_deadline`) that
counts its cases.

PostgreSQL's statistics choose those. SQLite's do not: sampled (`analysis_limit`), they rate the
reports' index of every case by kind like the open cases' index by kind, and SQLite read every
complaint ever received to find the open ones (8 s a page at a million cases), or sorted a
stage's 19,000 open cases for a page of 25. So on SQLite the query names its index
(`INDEXED BY`): the sort's when it pages (it has a LIMIT), the filter's when it counts.
`test_plans.py` holds both, with statistics as at a million cases and at their most misleading.

Closed cases too ("including closed", a closed state): a stage or a due filter keeps to open
cases, as above; anything else pages the sort's index of every case (`EVERY_ORDERS`), where SQLite
read every complaint ever received from the reports' index and sorted them (0.5-5 s a page).
`test_closed_orders.py` holds them.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, Expression, QuerySet
from django.db.models.sql.datastructures import BaseTable

from putright.rules import lifecycle
from putright.rules.lifecycle import State

#: The index of open cases in each sort's order (both ways where it reads backwards).
ORDERS = {
    "deadline": "case_open_deadline_order",
    "-deadline": "case_open_deadline_order_desc",
    "received": "case_open_received_order",
    "-received": "case_open_received_order",
    "resident": "case_open_resident_order",
    "-resident": "case_open_resident_order_desc",
    "reference": "case_open_reference_order",
    "-reference": "case_open_reference_order",
    "state": "case_open_state_order",
    "-state": "case_open_state_order_desc",
    "handler": "case_open_handler_order",
    "-handler": "case_open_handler_order_desc",
}
#: One handler's open cases (a handler chosen, or "My cases") by handler: after the handler, in
#: that order (performance migration 0019), where everyone's index is read until it reaches theirs.
ONE_HANDLER = {"handler": "case_open_one_handler_order", "-handler": "case_open_one_handler_order_desc"}
def one_handler(data: dict) -> bool:
    """Whether the queue asks for one handler's cases: "My cases", or a handler chosen."""
    return data.get("cases") == "mine" or bool(data.get("handler"))


def _from_the_days(data: dict, sort: str) -> bool:
    """Whether a page of open cases due today (or one handler's due soon, or everyone's by date
    received, oldest first) is read, by a sort other
    than the deadline, from the range of the deadline's index those days make, and sorted (SQLite;
    `read_in_order`): a day's deadlines are a few hundred at a million cases (none on a Sunday),
    one handler's two working days' a few dozen, where the sort's own index read every open case
    to find them (45,000 entries: 3.2-3.8 ms of SQL warm, 11-24 cold, for "due today" on a
    Sunday; "My cases" due soon by resident 1.7 ms; by the days' range 0.02-0.09 ms). Everyone's
    due soon keeps the sort's index, its 500-1,000 cases filling a page within a few thousand
    entries (newest first, 0.03 ms; the range sorted 0.12), but by date received oldest first:
    the oldest open cases are the backlog, long past their deadlines, and the index was read
    through all of them (session 43, a million cases: 2.4 ms of SQL a page; by the range, 0.45)."""
    due = data.get("due")
    return sort.lstrip("-") != "deadline" and (due == "today" or (due == "soon" and (one_handler(data) or sort == "received")))


#: The filters whose columns are on those indexes' entries (the due filters: next deadline, extended).
ON_ENTRIES = ("cases", "kind", "stage", "state", "service_area", "handler", "due")
#: The index of every case, open or closed, in each sort's order ("including closed" or a closed
#: state): performance migrations 0001, 0005, 0015 and the handler's, and the columns' own (date received, the
#: unique reference; SQLite names them itself).
EVERY_ORDERS = {
    "deadline": "case_deadline_order",
    "-deadline": "case_deadline_order_desc",
    "received": "cases_case_received_on_5acab514",
    "-received": "cases_case_received_on_5acab514",
    "resident": "case_resident_order",
    "-resident": "case_resident_order_desc",
    "reference": "sqlite_autoindex_cases_case_1",
    "-reference": "sqlite_autoindex_cases_case_1",
    "state": "case_state_order",
    "-state": "case_state_order_desc",
    "handler": "case_handler_order",
    "-handler": "case_handler_order_desc",
}
#: The columns whose empty ones ("no deadline": most closed cases; "no resident") are read, deep in
#: their group, from an index of that group alone in the order of the sort's terms after it, on
#: PostgreSQL (queue_keyset.conditions' `apart`): `case_no_deadline_order` (date received, id) and
#: `case_no_deadline_state_order` (state, id), performance migration 0021, and the primary key
#: (no resident: by id). PostgreSQL matches `x IS NULL` to the sort's index's "is empty" term, not
#: to the column, so in the sort's own index the rest of the row was no range: "including closed"
#: page 20,000 by "Next" read the 500,000 entries before it (23-45 ms). SQLite reads the group as
#: a range of the sort's own index.
EMPTY_APART = frozenset({"next_deadline_by", "resident_name"})
#: The same for the open cases by resident (everyone's, no theme, not a few days' deadlines):
#: `case_open_no_resident_order` (id, the filters' columns included), performance migration 0030.
#: A "Next" page deep in the open cases with no resident (80% of them at the benchmark's scale)
#: read `case_open_resident_order` from the group's first entry: stage 2, page 196, 3,472 index
#: pages for 25 rows (3.1 ms).
OPEN_APART = frozenset({"resident_name"})
#: One handler's cases, open or closed (a handler chosen or "My cases", with "including closed" or a
#: closed state): after the handler, in each sort's order (performance migration 0023), where their
#: own index was read and sorted (SQLite) or the sort's index of every case read until a page of
#: theirs was found (PostgreSQL: by handler they are bunched in one place, 1.2 s). By handler, one
#: handler's cases are in the order of their ids (`one_handler_order`): SQLite's index of `handler_id`
#: ends in the id (PostgreSQL's own is `case_one_handler_id_order`).
ONE_HANDLER_EVERY = {
    "deadline": "case_one_handler_deadline_order",
    "-deadline": "case_one_handler_deadline_order_desc",
    "received": "case_one_handler_received_order",
    "-received": "case_one_handler_received_order",
    "resident": "case_one_handler_resident_order",
    "-resident": "case_one_handler_resident_order_desc",
    "reference": "case_one_handler_reference_order",
    "-reference": "case_one_handler_reference_order",
    "state": "case_one_handler_state_order",
    "-state": "case_one_handler_state_order_desc",
    "handler": "cases_case_handler_id_21cefe0d",
    "-handler": "cases_case_handler_id_21cefe0d",
}
#: A state a case ends early in (refused, withdrawn), of everyone's cases: the sort's index of
#: those cases alone (performance migration 0027), where the sort's index of every case was read
#: until a page of the state (and, say, a theme) was found: about 10,000 cases for "withdrawn" and
#: a theme, about 700 from these. By deadline, by date received (a closed case has no deadline:
#: `queue.query_sort`); by state, the index of every case by state, which has each state's apart.
ENDED_ORDERS = {
    "received": "case_ended_received_order",
    "-received": "case_ended_received_order",
    "resident": "case_ended_resident_order",
    "-resident": "case_ended_resident_order_desc",
    "reference": "case_ended_reference_order",
    "-reference": "case_ended_reference_order",
    "state": "case_state_order",
    "-state": "case_state_order_desc",
    "handler": "case_ended_handler_order",
    "-handler": "case_ended_handler_order_desc",
}
#: The filter's own index of every case, to count its cases (the narrowest first).
EVERY_COUNTED = (
    ("handler", "cases_case_handler_id_21cefe0d"),
    ("service_area", "cases_case_service_area_id_e660741f"),
    ("kind", "case_kind_received"),
)


def closed_state(data: dict) -> bool:
    """Whether the queue asks for one closed state (refused, withdrawn, closed)."""
    state = data.get("state")
    return bool(state) and state != "all" and not lifecycle.is_open(State(state))


#: The open cases with no next deadline, by state and then date received (performance migration
#: 0031): an open state with no deadlines, by deadline or date received (`open_state_without_deadlines`).
OPEN_NO_DEADLINE_ORDER = "case_open_no_deadline_state_order"


def open_state_without_deadlines(data: dict) -> bool:
    """Whether the queue asks for one open state whose cases have no next deadline (a service
    request open, a stage answered and not escalated: `lifecycle.deadline_field`), with neither a
    due filter nor a theme. By deadline, its cases are in the order of the date received (they are
    all in the "no deadline" group): `queue.query_sort` writes it so, `filtered_cases` says "no
    deadline", and both databases read the state's range of `OPEN_NO_DEADLINE_ORDER` in order.
    Before, PostgreSQL read the state's every entry of the index by state and sorted them ("open":
    15,619 entries, 2.6-2.8 ms of SQL with compact indexes), and SQLite the index by deadline past
    every open case with a deadline (23,000 entries)."""
    state = data.get("state")
    if not state or state == "all" or data.get("due") or data.get("theme"):
        return False
    return lifecycle.is_open(State(state)) and lifecycle.deadline_field(State(state)) is None


def ended_early(data: dict) -> bool:
    """Whether the queue asks for a state a case ends early in (refused, withdrawn) of everyone's
    cases (one handler's are read after the handler: `ONE_HANDLER_EVERY`)."""
    return data.get("state") in {state.value for state in lifecycle.ENDED_EARLY} and not one_handler(data)


class ClosedStateIs(Expression):
    """"The case is in this closed state" for any closed state but everyone's refused or withdrawn
    (`EndedEarly`), written out on PostgreSQL, not a parameter: "closed" is 88% of the cases and
    "refused" 4%, and PostgreSQL's plan for any values (decision 0021) guessed the same share for
    every state and read all of one handler's closed cases to sort them (77-83 ms a page). Written
    out, each state is a statement of its own whose plan for any values is the state's own, and
    the page need not be planned for its values every time (`CUSTOM`: 2-3 ms a page; decision
    0024). SQLite plans each statement as it comes: a parameter there, as before."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, state: str):
        super().__init__()
        self.state = State(state).value  # one of the states' own names: nothing else is written out

    @staticmethod
    def column(compiler) -> str:
        return f'{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}."state"'

    def as_sql(self, compiler, connection):
        if connection.vendor == "sqlite":
            return f"{self.column(compiler)} = %s", [self.state]
        return f"{self.column(compiler)} = '{self.state}'", []


class EndedEarly(ClosedStateIs):
    """"The case is in this state", for a state a case ends early in, written out, not a parameter,
    so that each database knows the indexes of the cases ended early (performance migration 0027)
    hold every case the query asks for, whatever its plan:

    - PostgreSQL's plan for any values (decision 0021) reads a partial index only if the query's
      own words imply its condition. With the state a parameter, it cannot; with "refused or
      withdrawn" written beside it, it took the two as independent, expected 3,000 withdrawn
      cases of 36,000 and sorted them all (35-55 ms a page).
    - SQLite reads a partial index only for a query that says its condition as it is written
      (`state IN ('refused', 'withdrawn')`), said here as well.

    Each state is one statement of its own, planned once."""

    def as_sql(self, compiler, connection):
        if connection.vendor != "sqlite":
            return super().as_sql(compiler, connection)
        column = self.column(compiler)
        states = ", ".join(f"'{state}'" for state in sorted(s.value for s in lifecycle.ENDED_EARLY))
        return f"({column} = '{self.state}' AND {column} IN ({states}))", []


def open_only(data: dict) -> bool:
    """Whether the queue's query keeps to open cases (`filtered_cases` says `is_open`): any open
    state, an open state, a stage (its states are open ones) or a due filter."""
    state = data.get("state")
    return not state or (state != "all" and lifecycle.is_open(State(state))) or bool(data.get("stage") or data.get("due"))


def _counted_by(data: dict) -> str:
    """The filter's own index of open cases, to count them: the narrowest of the filters given."""
    due = data.get("due")
    if closed_state(data):
        return "case_open_state_deadline"  # a closed state among open cases: none, found at once
    if one_handler(data):
        return "case_open_handler_deadline"
    if due == "extended":
        return "case_open_extended_deadline"
    if due:
        return "case_open_deadline"
    if data.get("state") or data.get("stage"):
        return "case_open_state_deadline"
    if data.get("service_area"):
        return "case_open_area_deadline"
    if data.get("kind"):
        return "case_open_kind_deadline"
    return "case_open_deadline"


class _Named(BaseTable):
    """The case table, `INDEXED BY` one index when the query pages and another when it does not."""

    paging = counting = ""
    every = False  # pages the sort's index of every case (read_in_order's every-case branch)
    apart: frozenset = frozenset()  # the empty groups read from their own index (`empty_apart`)

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        named = self.paging if compiler.query.is_sliced else self.counting
        if named and connection.vendor == "sqlite":
            sql += f" INDEXED BY {named}"
        return sql, params

    def relabeled_clone(self, change_map):
        clone = super().relabeled_clone(change_map)
        clone.paging, clone.counting, clone.every, clone.apart = self.paging, self.counting, self.every, self.apart
        return clone


def paged_from(qs: QuerySet, index: str) -> QuerySet:
    """`qs`, told on SQLite to page `index` (`INDEXED BY` when it has a LIMIT; a count is left to
    the planner): for a query of another table than the cases' (a theme's rows)."""
    qs = qs._chain()
    alias = qs.query.get_initial_alias()
    table = _Named(qs.query.alias_map[alias].table_name, alias)
    table.paging = index
    qs.query.alias_map[alias] = table
    return qs


def empty_apart(qs: QuerySet) -> frozenset[str]:
    """The columns whose empty group a keyset page of `qs` reads from that group's own index:
    PostgreSQL, a query of every case (`EMPTY_APART`; not one handler's, not a theme's rows), or
    of everyone's open cases by resident (`OPEN_APART`)."""
    table = qs.query.alias_map.get(qs.query.base_table) if qs.query.alias_map else None
    if not isinstance(table, _Named) or connections[qs.db].vendor != "postgresql":
        return frozenset()
    return table.apart


def read_in_order(qs: QuerySet, data: dict, sort: str) -> QuerySet:
    """The queue's query `qs` (filtered as `data` says, ordered by `sort`), told which indexes to
    read on SQLite; unchanged for a filter those indexes do not answer (a theme, a search)."""
    if data.get("q") or (data.get("theme") and open_only(data)):
        return qs  # not only the filters on the entries (a theme's open cases: queue_themes)
    if any(data.get(name) for name in data if name not in ON_ENTRIES and name not in ("sort", "q", "theme")):
        return qs  # a filter this does not know of
    mine_or_one = one_handler(data)
    qs = one_handler_order(qs, sort) if mine_or_one and not open_only(data) else qs._chain()
    alias = qs.query.get_initial_alias()
    table = _Named(qs.query.alias_map[alias].table_name, alias)
    qs.query.alias_map[alias] = table
    if not open_only(data):
        # Every case, or a closed state's: the sort's index of every case pages (the filters
        # tested on each row it reaches: most cases are closed, so a page is found in the first
        # few hundred), and the filter's own index counts. SQLite's sampled statistics chose the
        # reports' index by kind and sorted every complaint (0.5-5 s a page).
        # But one handler's cases (a twentieth, and bunched by resident or date, all together by
        # handler): after the handler in the sort's order (ONE_HANDLER_EVERY).
        table.paging = (ONE_HANDLER_EVERY if mine_or_one else ENDED_ORDERS if ended_early(data) else EVERY_ORDERS).get(sort, "")
        # Every case's (a theme's tested on each): not one handler's, nor those ended early.
        table.every = not mine_or_one and not ended_early(data)
        table.apart = EMPTY_APART if table.every else frozenset()
        table.counting = next((name for key, name in EVERY_COUNTED if data.get(key) or (key == "handler" and data.get("cases") == "mine")),
                              "case_state_order" if closed_state(data) else "")
        if mine_or_one and closed_state(data):
            table.counting = "case_one_handler_state_order"  # the handler's cases in that state: one range
        if data.get("theme"):
            table.counting = ""  # the theme's cases, each looked up (or the theme rows counted: queue_themes)
        return qs
    table.counting = _counted_by(data)
    table.paging = ORDERS.get(sort, "")
    if not mine_or_one and sort.lstrip("-") == "resident" and not _from_the_days(data, sort):
        table.apart = OPEN_APART
    if _from_the_days(data, sort):
        table.paging = "case_open_deadline_order"  # a few days' deadlines, one range, sorted
    elif data.get("due") == "extended" and sort == "deadline":
        table.paging = "case_open_extended_deadline"  # the extended cases alone, in that order
    elif mine_or_one and sort == "deadline":
        table.paging = "case_open_handler_deadline_order"  # one handler's, in that order (migration 0014)
    elif mine_or_one and sort in ONE_HANDLER:
        table.paging = ONE_HANDLER[sort]
    elif open_state_without_deadlines(data) and sort.lstrip("-") == "received":
        table.paging = OPEN_NO_DEADLINE_ORDER  # the state's range, in that order (either way)
    if closed_state(data):
        table.paging = table.counting  # with a stage or a due filter: none, found at once
    return qs


def one_handler_order(qs: QuerySet, sort: str) -> QuerySet:
    """One handler's cases by handler, open and closed: in the order of their ids (either way).
    Their handler's first name and username, copied onto each (putright.performance.handlernames),
    are the same for every one of them, so `SORTS["handler"]` comes down to its last term, the id:
    the handler's index in id order reads a page (`ONE_HANDLER_EVERY`), where neither planner knew
    the names' terms were constant and PostgreSQL read everyone's cases by handler name until it
    reached theirs (1.2 s at a million cases). Any other sort: unchanged."""
    if sort.lstrip("-") != "handler":
        return qs
    return qs.order_by("-id" if sort.startswith("-") else "id")
