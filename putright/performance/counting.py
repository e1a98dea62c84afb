"""Several COUNTs in one round trip to the database, and their SQL written once.

A page that shows a handful of small counts from different tables (the queue's worklist
banners: Ombudsman orders, reviews, hazards) made one query each. Each count here is the same
SQL as ``queryset.count()`` would send, as a scalar subquery of one SELECT, so the database does
the same work and the page makes one query instead of ten.

Building and compiling the querysets of those counts (about fifteen on the queue) cost more of the
queue page's time than the database spent answering them (issue 19: 3-7 ms a request). Their SQL
depends only on a few inputs (the day, the user, the scope), so `compiled_once` keeps the
compiled SQL per process under a key naming those inputs, and a request only binds parameters:
PutRight's one way of keeping compiled SQL (putright.performance.compiled: `once`, `bind`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from putright.performance import compiled as kept_sql


@dataclass(frozen=True)
class Counts:
    """Counts ready to run: for each name, its SQL, its parameters and whether it is a queryset's
    rows to count (or a count already, kept by triggers); None: it counts nothing."""

    using: str
    parts: dict[str, tuple[str, tuple, bool] | None] = field(default_factory=dict)

    def bound(self, values: dict) -> Counts:
        """The same counts with each stand-in parameter found in `values` replaced by its value
        there (compiled.bind)."""
        if not values:
            return self
        parts = {name: None if part is None else (part[0], tuple(kept_sql.bind(part[1], values)), part[2])
                 for name, part in self.parts.items()}
        return Counts(self.using, parts)


def compile_counts(querysets: dict[str, QuerySet]) -> Counts:
    """The SQL of ``queryset.count()`` for each queryset (all on one database). A value may also
    be a count kept by triggers (`putright.performance.casecounts.Kept`)."""
    from putright.performance.casecounts import Kept

    using = next((qs.db for qs in querysets.values() if not isinstance(qs, Kept)), "default")
    parts: dict[str, tuple[str, tuple, bool] | None] = {}
    for name, qs in querysets.items():
        if isinstance(qs, Kept):  # a count kept by triggers: its rows added up
            sql, params = qs.as_sql()
            parts[name] = (sql, tuple(params), False)
            continue
        if qs.db != using:
            raise ValueError("count_each: every queryset must use the same database")
        if qs.query.is_sliced:
            raise ValueError(f"count_each: {name} is sliced; count the whole queryset")
        try:
            sql, params = qs.order_by().values("pk").query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # .none(), or a filter that can match nothing
            parts[name] = None
            continue
        parts[name] = (sql, tuple(params), True)
    return Counts(using, parts)


@dataclass(frozen=True)
class Asked:
    """Counts as one statement (`read`, for `compiled.together`: the queue sends it with its
    other reads) and how to read its one row back (`answer`)."""

    read: kept_sql.Read | None  # None: nothing to ask the database (every count empty)
    order: tuple[str, ...]
    empty: frozenset
    same: dict

    def answer(self, rows: list | None) -> dict[str, int]:
        """``{name: count}`` from the statement's rows."""
        counted = iter(rows[0] if rows else ())
        out: dict[str, int] = {}
        for name in self.order:
            out[name] = 0 if name in self.empty else out[self.same[name]] if name in self.same else int(next(counted))
        return out


def ask(*compiled: Counts) -> Asked:
    """Every count of every `Counts` as one SELECT of scalar subqueries. A count whose SQL and
    parameters are the same as an earlier one's is counted once (the queue's total is often one
    of its deadline counts). On PostgreSQL prepared once per connection, as compiled queries are:
    the counts' SQL is the same every request for a scope and a filter, and planning its dozen
    subqueries cost more than running them."""
    usings = {c.using for c in compiled if any(part is not None and part[2] for part in c.parts.values())}
    if len(usings) > 1:
        raise ValueError("count_each: every queryset must use the same database")
    using = usings.pop() if usings else (compiled[0].using if compiled else "default")
    connection = connections[using]
    sqls, params, empty = [], [], set()
    same: dict[str, str] = {}  # name -> the earlier name with the very same query
    seen: dict[tuple, str] = {}
    order: list[str] = []
    for c in compiled:
        for name, part in c.parts.items():
            if name in order:
                raise ValueError(f"count_each: {name} is counted twice")
            order.append(name)
            if part is None:
                empty.add(name)
                continue
            sql, part_params, of_queryset = part
            key = (sql, part_params) if all(kept_sql.hashable(p) for p in part_params) else None
            if key is not None and key in seen:
                same[name] = seen[key]
                continue
            if key is not None:
                seen[key] = name
            if of_queryset:  # a queryset's rows, counted
                sql = f"(SELECT COUNT(*) FROM ({sql}) {connection.ops.quote_name(f'counted_{len(sqls)}')})"
            sqls.append(sql)
            params.extend(part_params)
    read = kept_sql.Read("SELECT " + ", ".join(sqls), tuple(params), using) if sqls else None
    return Asked(read, tuple(order), frozenset(empty), same)


def run(*compiled: Counts) -> dict[str, int]:
    """``{name: count}`` for every count of every `Counts`, in one query (`ask`)."""
    asked = ask(*compiled)
    return asked.answer(kept_sql.together(asked.read)[0] if asked.read is not None else None)


def count_each(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """``{name: queryset.count()}`` for every queryset, in one query (all on one database). A
    value may also be a count kept by triggers (`putright.performance.casecounts.Kept`)."""
    if not querysets:
        return {}
    return run(compile_counts(querysets))


def compiled_once(key: tuple, build: Callable[[], dict[str, QuerySet]]) -> Counts:
    """``compile_counts(build())``, built and compiled once per process for each `key`
    (compiled.once, the store every compiled query shares).

    The key must name everything the querysets' SQL and parameters depend on (the day, the
    user, the dates a calendar gives, the database alias): two calls with the same key must build
    the same SQL with the same parameters. A parameter that changes every request (the moment
    now) is built from a stand-in and replaced with `Counts.bound`. Tests compare what is kept
    with what a fresh build gives (test_counting.py)."""
    return kept_sql.once(("counts", *key), lambda: compile_counts(build()))


def forget() -> None:
    """Drop every kept compilation (tests; nothing else needs to: the keys name their inputs)."""
    kept_sql.forget()
