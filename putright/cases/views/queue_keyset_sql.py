"""The SQL of a keyset page's ids (putright.cases.views.queue_keyset): written by the ORM once
per process for each shape of position, and run again with each link's values.

A "Next" or "Previous" page reads its ids as a few branches, each the queue's query with a
condition after the position and its own ORDER BY (`ids_sql`), and the ORM built and compiled
the whole query once per branch on every request: on SQLite, where most sorts are three or four
branches, 2-3 ms a middle page against the half a millisecond page 1 spends compiling its one
query. What the branches are depends only on the queue's query, the sort, the way and which of
the position's values are empty (`queue_keyset.conditions` tests nothing else of them); the
values themselves are only parameters. So the branches are built from stand-ins of the values
(`putright.performance.compiled.stand_in`) once per process for each such shape, their SQL kept
(`compiled.once`), and each link's values bound in their place (`compiled.bind`). The key is the
queue's own query as compiled (once for each queryset a page keeps: `_compiled_query`), its SQL
and parameters, so anything that changes the query changes the key.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import QuerySet

from putright.performance import compiled

from .queue_keyset import BEFORE, Branch, conditions, reversed_order

#: `page_ids`: no position can be read from these values (a column NULL with no "is empty" term).
NO_POSITION = None
#: `page_ids`: nothing after (before) the position.
NOTHING = ()
#: The kinds of value a stand-in can stand for (exactly these types: not a bool, an int's subclass).
_KINDS = (int, str, dt.date, dt.datetime)
#: Kept when the SQL cannot be kept for a shape (a stand-in did not reach the parameters as made).
_UNKEPT = "unkept"


@dataclass(frozen=True)
class Keyset:
    """A page read from a position: the way, the sort's keys, the position's sort values by
    column, `how` (`queue_keyset.conditions`' keyword arguments for the database) and how many
    rows after the position to skip first (a typed page started at its month: queue_jump).
    `nothing`: there is nothing after (before) the position."""

    way: str
    order_keys: list
    values: dict
    how: dict = field(default_factory=dict)
    skip: int = 0
    nothing: bool = False


def readable(order_keys: list, values: dict, way: str, **how):
    """NO_POSITION, NOTHING, or True: whether rows after the position can be read and whether
    there are any to read, as `conditions` says for these values (it depends only on which of
    them are empty: decided from stand-ins once per process for each shape)."""
    kinds = tuple(v is None for v in values.values())
    key = ("queue keyset readable", way, tuple(order_keys), tuple(values), kinds, *_how_key(how))

    def decide():
        branches = conditions(order_keys, {name: None if empty else 0 for name, empty in zip(values, kinds)}, way, **how)
        return NO_POSITION if branches is None else (NOTHING if not branches else True)

    return compiled.once(key, decide)


def page_ids(paged: QuerySet, order_keys: list, values: dict, way: str, size: int, skip: int = 0, **how):
    """The SQL and parameters of the `size` ids after (`way` AFTER) or before the position whose
    sort values are `values`, `skip` of them skipped first; NO_POSITION or NOTHING. `how`: the
    keyword arguments of `queue_keyset.conditions` (empty_alone, id_alone, apart, same_id)."""
    kinds = tuple(None if v is None else type(v) for v in values.values())
    if any(kind is not None and kind not in _KINDS for kind in kinds):
        return _page_ids(paged, order_keys, values, way, size, skip, **how)
    sql, params = _compiled_query(paged)
    key = ("queue keyset ids", paged.db, sql, tuple(params), way, tuple(order_keys), tuple(values), kinds, size, skip, *_how_key(how))
    if not compiled.hashable(key):
        return _page_ids(paged, order_keys, values, way, size, skip, **how)
    kept = compiled.once(key, lambda: _kept(paged, order_keys, list(values), kinds, way, size, skip, **how))
    if kept == _UNKEPT:
        return _page_ids(paged, order_keys, values, way, size, skip, **how)
    if kept is NO_POSITION or kept == NOTHING:
        return kept
    sql, params, stand_ins = kept
    connection = connections[paged.db]
    real = [compiled.adapted(connection, kind, v) for v, kind in zip(values.values(), kinds) if kind is not None]
    return sql, tuple(compiled.bind(params, dict(zip(stand_ins, real))))


#: The queue's query as compiled, by the queryset: a page's build is kept with its queryset
#: (queue_kept), so its "Next" pages compile it once, not each request (0.4 ms at a million cases).
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _compiled_query(paged: QuerySet) -> tuple[str, tuple]:
    found = _COMPILED.get(paged)
    if found is None:
        sql, params = paged.query.get_compiler(using=paged.db).as_sql()
        found = _COMPILED[paged] = (sql, tuple(params))
    return found


def _how_key(how: dict) -> tuple:
    """`conditions`' keyword arguments as part of a key (the joined ids by alias and column)."""
    return (how.get("empty_alone"), how.get("id_alone"), how.get("apart"),
            tuple((c.alias, c.target.column) for c in how.get("same_id", ())))


def _kept(paged: QuerySet, order_keys: list, names: list, kinds: tuple, way: str, size: int, skip: int, **how):
    """What `page_ids` keeps for a shape: the SQL and parameters built from stand-ins (`names`
    the values' columns, `kinds` their types, None for empty), with the stand-ins as the
    parameters hold them; NO_POSITION, NOTHING or _UNKEPT."""
    stand_ins = {name: None if kind is None else compiled.stand_in(kind, i) for i, (name, kind) in enumerate(zip(names, kinds))}
    found = _page_ids(paged, order_keys, stand_ins, way, size, skip, **how)
    if found is NO_POSITION or found == NOTHING:
        return found
    sql, params = found
    connection = connections[paged.db]
    held = [(name, compiled.adapted(connection, kind, stand_ins[name])) for name, kind in zip(names, kinds) if kind is not None]
    # A column the sort only tests for empty (the handler's id) gives no value to the SQL.
    compared = {key.name for key in order_keys if not key.empty}
    if any(name in compared and stand_in not in params for name, stand_in in held):
        return _UNKEPT  # a value the ORM wrote otherwise, or left out: compiled each request
    return sql, list(params), [stand_in for _, stand_in in held]


def _page_ids(paged: QuerySet, order_keys: list, values: dict, way: str, size: int, skip: int, **how):
    branches = conditions(order_keys, values, way, **how)
    if branches is None:
        return NO_POSITION
    if not branches:
        return NOTHING
    return ids_sql(paged, way, branches, size, skip)


def ids_sql(paged: QuerySet, way: str, branches: list[Branch], size: int, skip: int = 0) -> tuple[str, tuple]:
    """The SQL of the page's ids read from the position: each branch's rows in the order (the
    reverse order for BEFORE; its constant terms left out), `size` of them; several joined by
    UNION ALL (each its own ordered, limited read: on SQLite a compound's members cannot have
    their own LIMIT, so each is a subquery), nearest the position first, and `size` of all of
    them. Both databases read a UNION ALL's members in the order written and stop at its LIMIT
    (SQLite runs them one after another; PostgreSQL's Append likewise, as it is never parallel
    for reads this small), so a branch further on is not read once the nearer ones fill the
    page, and the page's rows are the nearest. Before, every branch was read: "including closed"
    with a kind, by state, read the 15,619 cases of the next state, none of them a complaint, for
    every page in the middle of the closed ones (12 ms on SQLite). test_queue_keyset.py holds the
    pages to the OFFSET's, across the branches' ends.

    `skip`: the page starts that many rows after the position (a page typed by its number, started
    at its month: putright.cases.views.queue_jump), a small OFFSET from there."""
    order = list(paged.query.order_by)
    parts = []
    params: list = []
    vendor = connections[paged.db].vendor
    # conditions() lists the branches from the first term on: the last holds the most terms equal,
    # so its rows come first after (before) the position.
    for branch in reversed(branches):
        terms = [term for i, term in enumerate(order) if i not in branch.constant]
        ordered = paged.filter(branch.where).order_by(*(reversed_order(terms) if way == BEFORE else terms))
        taken = ordered[skip : skip + size] if len(branches) == 1 else ordered[: skip + size]
        sql, p = taken.query.get_compiler(using=paged.db).as_sql()
        parts.append(sql if len(branches) == 1 else (f"SELECT * FROM ({sql})" if vendor == "sqlite" else f"({sql})"))
        params.extend(p)
    if len(parts) == 1:
        return parts[0], tuple(params)
    return " UNION ALL ".join(parts) + f" LIMIT {int(size)}" + (f" OFFSET {int(skip)}" if skip else ""), tuple(params)
