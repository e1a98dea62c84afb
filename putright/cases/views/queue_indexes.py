"""Which index answers a page of the queue's open cases, named on SQLite.

Every sort has a partial index of the open cases in its order whose entries
carry every column the filters test (performance migration 0015): a page of any filter of open
cases reads it in order, tests the filters on the entries and stops after the page (the handler's
sort: performance migration 0016, with one handler's cases after the handler). Each filter
has a small index of its own (`case_open_*_deadline`, `case_open_extended_deadline`) that
counts its cases.

PostgreSQL's statistics choose those. SQLite's do not: sampled (`analysis_limit`), they rate the
reports' index of every case by kind like the open cases' index by kind, and SQLite read every
complaint ever received to find the open ones (8 s a page at a million cases), or sorted a
stage's 19,000 open cases for a page of 25. So on SQLite the query names its index
(`INDEXED BY`): the sort's when it pages (it has a LIMIT), the filter's when it counts.
`test_plans.py` holds both, with statistics as at a million cases and at their most misleading.
"""

from __future__ import annotations

from django.db.models import QuerySet
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
#: that order (performance migration 0016), where everyone's index is read until it reaches theirs.
ONE_HANDLER = {"handler": "case_open_one_handler_order", "-handler": "case_open_one_handler_order_desc"}
#: The filters whose columns are on those indexes' entries (the due filters: next deadline, extended).
ON_ENTRIES = ("cases", "kind", "stage", "state", "service_area", "handler", "due")


def _counted_by(data: dict) -> str:
    """The filter's own index of open cases, to count them: the narrowest of the filters given."""
    due = data.get("due")
    if data.get("cases") == "mine" or data.get("handler"):
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

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        named = self.paging if compiler.query.is_sliced else self.counting
        if named and connection.vendor == "sqlite":
            sql += f" INDEXED BY {named}"
        return sql, params

    def relabeled_clone(self, change_map):
        clone = super().relabeled_clone(change_map)
        clone.paging, clone.counting = self.paging, self.counting
        return clone


def read_in_order(qs: QuerySet, data: dict, sort: str) -> QuerySet:
    """The open cases' query `qs` (filtered as `data` says, ordered by `sort`), told which
    indexes to read on SQLite; unchanged for a filter those indexes do not answer (a theme, a
    search, closed cases)."""
    state = data.get("state")
    if data.get("theme") or data.get("q") or (state and (state == "all" or not lifecycle.is_open(State(state)))):
        return qs  # not only open cases, or not only the filters on the entries
    if any(data.get(name) for name in data if name not in ON_ENTRIES and name not in ("sort", "q", "theme")):
        return qs  # a filter this does not know of
    qs = qs._chain()
    alias = qs.query.get_initial_alias()
    table = _Named(qs.query.alias_map[alias].table_name, alias)
    table.counting = _counted_by(data)
    table.paging = ORDERS.get(sort, "")
    one_handler = data.get("cases") == "mine" or data.get("handler")
    if data.get("due") == "extended" and sort == "deadline":
        table.paging = "case_open_extended_deadline"  # the extended cases alone, in that order
    elif one_handler and sort == "deadline":
        table.paging = "case_open_handler_deadline_order"  # one handler's, in that order (migration 0014)
    elif one_handler and sort in ONE_HANDLER:
        table.paging = ONE_HANDLER[sort]
    qs.query.alias_map[alias] = table
    return qs
