"""SQL the ORM writes once per process, run again with other values: the one way PutRight keeps
compiled queries (docs/performance.md, "Compiled queries").

At a million cases a page's SQL takes microseconds; what costs is the ORM building and compiling
each query on every request, about half a millisecond apiece (more on PostgreSQL), ten times the
database's own time. So a query a page asks on every request is built once with *stand-in*
values, its SQL and parameters are kept under a key naming everything else they depend on
(`once`), and each run puts the real values where the stand-ins were (`bind`). Only SQL is ever
kept, never a row or a count. Two shapes use it:

- `Compiled`, a query with arguments (the case page's): the key is the query and the database,
  the stand-ins are sentinels of each argument's type (an int, a str, a date or a datetime), and the rows
  come back as the ORM gives them:

      STAGES = Compiled(lambda case_id: Stage.objects.filter(case_id=case_id).order_by("number"))
      STAGES.models(case.pk)       # Stage instances, as list(queryset) gives them
      ROWS.rows(case.pk)           # tuples, as list(queryset.values_list(...)) gives them

  The rows go through the same converters and the models through the same `from_db` and
  select_related populators as the ORM's own iterables, so what comes back is what
  `list(queryset)` returns (`performance/tests/test_compiled.py`). Its shape must not depend
  on its values (no `__in` a list of varying length, no branch on a value): the function is
  called once. Prefetching and `.only()`/`.defer()` are not supported.
- `counting.compiled_once(key, build)`, a set of counts (the queue's): the caller's key names
  the day, the user, the scope; a value that changes every request (the moment now) is built
  from a stand-in and bound with `Counts.bound`.

On PostgreSQL compiled queries are also prepared by the server, and several go in one round trip
(`together`, `answered`), with SQL written elsewhere or compiled for the request (`Read`) and
writes (`Write`) among them: the case page's statements after the case, the queue's after the
session and the user.
"""

from __future__ import annotations

import datetime as dt
import inspect
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

from putright.performance.prepared import cursor as prepared_cursor

# Stand-ins no real row holds: negative keys, a string no reference has, a date no case has.
_INT = -7_340_000_001
_STR = "\x00putright-compiled-{}"
_DATE = dt.date(1001, 1, 1)
_MOMENT = dt.datetime(1001, 1, 1, tzinfo=dt.timezone.utc)


class Store:
    """Built things by key, the most recently used last, at most `keep` of them: what `once`
    keeps, and the queue's built queries (putright.cases.views.queue_kept)."""

    def __init__(self, keep: int):
        self.keep = keep
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def once(self, key: tuple, build: Callable[[], Any]) -> Any:
        """`build()`, called once for each `key` while it is kept (two callers at once may both
        build it: the same thing, kept once)."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        kept = build()
        with self._lock:
            self._kept[key] = kept
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return kept

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


#: Compiled SQL by key: one store for every page. A key names a day where the SQL depends on it,
#: so old ones fall out.
_kept = Store(256)
KEEP = _kept.keep


def once(key: tuple, build: Callable[[], Any]) -> Any:
    """`build()` (what a query's SQL was compiled into), called once per process for each `key`.
    Two calls with the same key must compile the same SQL with the same parameters: the key
    names everything they depend on other than the stand-ins `bind` replaces."""
    return _kept.once(key, build)


def forget() -> None:
    """Drop every kept compilation (tests; nothing else needs to: the keys name their inputs)."""
    _kept.forget()


def bind(params, values: dict) -> list:
    """The parameters of SQL compiled with stand-ins, each stand-in found in `values` replaced by
    its value there (as the database adapter takes it) and every other parameter as it was."""
    return [values.get(p, p) if hashable(p) else p for p in params]


def stand_in(kind: type, i: int):
    """The `i`-th stand-in of a kind of value (int, str, date or aware datetime): no two alike,
    and none a real row holds."""
    if kind is int:
        return _INT - i
    if kind is dt.datetime:
        return _MOMENT + dt.timedelta(seconds=i)
    if kind is str:
        return _STR.format(i)
    if kind is dt.date:
        return _DATE + dt.timedelta(days=i)
    raise TypeError(f"A compiled query's values are int, str, date or datetime, not {kind.__name__}.")


def adapted(connection, kind: type, value):
    """`value` (of `kind`) as the ORM hands it to the database adapter: dates and datetimes as
    the backend writes them (text on SQLite), the others as they are."""
    if kind is dt.date:
        return connection.ops.adapt_datefield_value(value)
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


@dataclass
class _Plan:
    sql: str
    params: list  # as compiled, the stand-ins adapted for the database among them
    stand_ins: list  # each argument's stand-in, adapted as in params
    converters: list
    select: list
    klass_info: dict | None
    annotation_col_map: dict | None
    columns: int


class Compiled:
    """One query's SQL, written by the ORM once per database and run again with other values."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type, planning: str = ""):
        """`build` returns the queryset for its arguments; `kinds` are their types (int, str,
        date or an aware datetime), int for each when not given; `planning` as `Read.planning`."""
        self.build = build
        self.planning = planning
        self.kinds = kinds or (int,) * len(inspect.signature(build).parameters)
        self._model = None

    def _sentinels(self) -> list:
        return [stand_in(kind, i) for i, kind in enumerate(self.kinds)]

    def _plan(self) -> tuple[str, _Plan]:
        if self._model is not None:  # its database known: the kept SQL, or compiled again
            alias = router.db_for_read(self._model)
            return alias, once((self, alias), lambda: self._compile(self.build(*self._sentinels())))
        queryset = self.build(*self._sentinels())
        self._model = queryset.model
        return queryset.db, once((self, queryset.db), lambda: self._compile(queryset))

    def _adapt(self, connection, values) -> list:
        return [adapted(connection, kind, v) for v, kind in zip(values, self.kinds)]

    def _compile(self, queryset) -> _Plan:
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        stand_ins = self._adapt(connections[alias], self._sentinels())
        if any(s not in params for s in stand_ins):
            raise ValueError("A compiled query must use each of its arguments as a value of the SQL.")
        columns = compiler.col_count
        fields = [s[0] for s in compiler.select[:columns]]
        return _Plan(
            sql=sql, params=list(params), stand_ins=stand_ins,
            converters=list(compiler.get_converters(fields).items()),
            select=compiler.select, klass_info=compiler.klass_info,
            annotation_col_map=compiler.annotation_col_map, columns=columns,
        )

    def _params(self, values) -> tuple[str, _Plan, list]:
        if len(values) != len(self.kinds):
            raise TypeError(f"This compiled query takes {len(self.kinds)} values, not {len(values)}.")
        alias, plan = self._plan()
        return alias, plan, bind(plan.params, dict(zip(plan.stand_ins, self._adapt(connections[alias], values))))

    def _convert(self, alias: str, plan: _Plan, rows: list) -> list:
        if not plan.converters:
            return rows
        return _converted(connections[alias], plan.converters, rows)

    def rows(self, *values) -> list[tuple]:
        """The rows of a values_list query, as tuples."""
        return together((self, "rows", values))[0]

    def models(self, *values) -> list:
        """Model instances, with what select_related joins in, as the ORM makes them."""
        return together((self, "models", values))[0]

    @staticmethod
    def _as_rows(alias: str, plan: _Plan, rows: list) -> list[tuple]:
        return [tuple(row[: plan.columns]) for row in rows]

    @staticmethod
    def _as_models(alias: str, plan: _Plan, rows: list) -> list:
        info = plan.klass_info
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in plan.select[start:end]]
        populators = get_related_populators(info, plan.select, alias)
        model = info["model"]
        out = []
        for row in rows:
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            if plan.annotation_col_map:
                for name, pos in plan.annotation_col_map.items():
                    setattr(obj, name, row[pos])
            out.append(obj)
        return out


@dataclass(frozen=True)
class Write:
    """A statement that changes something, sent with the reads in `together` (the case page's
    record of being read): plain SQL and its parameters, no rows."""

    sql: str
    params: tuple
    using: str = "default"


@dataclass(frozen=True)
class Read:
    """A statement whose rows are wanted, sent with the others in `together`: SQL written elsewhere
    (the queue's counts, its filters' options) or a queryset compiled for this request
    (`Read.of`). Its result is the rows as the database adapter gives them, or what `convert`
    makes of them. `prepare`: the server plans it once per connection (SQL asked again and
    again, as a compiled query's); False for SQL that changes from request to request."""

    sql: str
    params: tuple
    using: str = "default"
    prepare: bool = True
    convert: Callable[[list], Any] | None = None
    #: PostgreSQL: how the server plans it (`PLANNING`). "" leaves it to PostgreSQL: a plan made for
    #: the values on each of a prepared statement's first five executions, then its plan for any
    #: values (the "generic" plan) kept if that does not look dearer. `GENERIC`: the plan for any
    #: values from the first execution, for a statement whose generic plan is known to be right.
    #: `CUSTOM`: a plan for the values every time, for one whose values decide the plan (a closed
    #: state: one closed state has 88% of the cases, another 4%).
    planning: str = ""

    @classmethod
    def of(cls, queryset: QuerySet, *, prepare: bool = False) -> "Read":
        """A values_list queryset as one statement: its rows as tuples, through the same
        converters as `list(queryset)` (dates on SQLite, for instance). Its SQL is compiled here,
        once: for a query whose shape changes with the request (the queue's page of rows)."""
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        columns = compiler.col_count
        fields = [s[0] for s in compiler.select[:columns]]
        converters = list(compiler.get_converters(fields).items())
        connection = connections[alias]

        def convert(rows: list) -> list[tuple]:
            if converters:
                rows = _converted(connection, converters, rows)
            return [tuple(row[:columns]) for row in rows]

        return cls(sql, tuple(params), alias, prepare, convert)


def _converted(connection, converters: list, rows: list) -> list:
    converted = []
    for row in rows:
        row = list(row)
        for pos, (convs, expression) in converters:
            value = row[pos]
            for converter in convs:
                value = converter(value, expression, connection)
            row[pos] = value
        converted.append(row)
    return converted


#: Answers asked for ahead (`answered`), by (query, how, values): each a list of results not yet taken.
_answers: ContextVar[dict | None] = ContextVar("compiled_answers", default=None)


def _take(query: "Compiled", how: str, values: tuple):
    kept = _answers.get()
    if kept:
        waiting = kept.get((query, how, values))
        if waiting:
            return True, waiting.pop(0)
    return False, None


#: How a statement may be planned on PostgreSQL (`Read.planning`, `Compiled(planning=...)`).
GENERIC, CUSTOM = "generic", "custom"

#: What a run of statements planned one way is sent between on PostgreSQL: the setting that
#: decides how a prepared statement is planned, for those statements alone (set locally, it lasts
#: to the end of the pipeline's transaction; RESET puts it back at once, to the value the server
#: or the connection was configured with). Set with `set_config(..., true)`, not `SET LOCAL`: a
#: pipeline outside `atomic()` is a transaction, but not a transaction block, and `SET LOCAL` there
#: wrote "SET LOCAL can only be used in transaction blocks" to the server's log twice a queue page
#: (243,104 warnings in a benchmark's log) while working all the same. PostgreSQL keeps a
#: statement's plan for any values only if it looks no dearer than the plans made for the values
#: it was run with: where its estimate for those values is low and wrong (a few days' deadlines:
#: 18 cases expected where there are 221), it plans the statement again every request, for a plan
#: no better; where the values it happened to see first were typical, it keeps a plan for any
#: values that is wrong for others (a closed state of one handler's: 77 ms a page from the sixth
#: request, where a plan for "closed" reads 25 entries). Decision 0021.
#: And with no parallel workers (decision 0022): these statements read a page, or count a few
#: thousand index entries, and a worker's start cost more than that (a plan for any position of a
#: state's middle page started parallel workers to read 330 entries: 5 of its 7 ms; without, 2).
#: The parallel workers' setting cost a page nothing measurable (4.90 against 4.92 ms, 60 rounds,
#: as two statements more; since session 34 both settings are one statement, put back by two RESETs).
PLANNING = {
    mode: ((Write(f"SELECT set_config('plan_cache_mode', 'force_{mode}_plan', true), "
                  "set_config('max_parallel_workers_per_gather', '0', true)", ()),),
           (Write("RESET plan_cache_mode", ()), Write("RESET max_parallel_workers_per_gather", ())))
    for mode in (GENERIC, CUSTOM)
}


def _planned(prepared: list) -> list:
    """`prepared` (`together`'s statements, each (position, query, how, alias, ...)) with each run
    of statements planned one way between that way's two settings (`PLANNING`), where their
    database is PostgreSQL."""
    out, mode, alias_open = [], "", None

    def settings(writes: tuple, alias: str) -> list[tuple]:
        return [(None, write, None, alias, None, write.sql, list(write.params)) for write in writes]

    for entry in prepared:
        query, alias = entry[1], entry[3]
        wanted = getattr(query, "planning", "") if connections[alias].vendor == "postgresql" else ""
        if mode and (wanted != mode or alias != alias_open):
            out += settings(PLANNING[mode][1], alias_open)
            mode = ""
        if wanted and not mode:
            out += settings(PLANNING[wanted][0], alias)
            mode, alias_open = wanted, alias
        out.append(entry)
    if mode:
        out += settings(PLANNING[mode][1], alias_open)
    return out


def together(*calls) -> list:
    """Several compiled queries at once, each given as (query, "models" or "rows", its values),
    a `Read` or a `Write`: their results in the same order (None for a write). On PostgreSQL
    they go in one pipeline, one round trip for all (psycopg's pipeline mode), run in the order
    given and committed together (a write and the reads after it succeed or fail as one); on
    SQLite, one after another. A query `answered` already asked with the same values is not
    asked again. A `Read` or `Compiled` with a `planning` is planned that way on PostgreSQL."""
    out: list = [None] * len(calls)
    prepared = []  # (position, the Compiled, Read or Write, how, alias, plan, sql, params)
    for i, call in enumerate(calls):
        if isinstance(call, (Write, Read)):
            prepared.append((i, call, None, call.using, None, call.sql, list(call.params)))
            continue
        query, how, values = call
        values = tuple(values)
        found, answer = _take(query, how, values)
        if found:
            out[i] = answer
            continue
        alias, plan, params = query._params(values)
        prepared.append((i, query, how, alias, plan, plan.sql, params))
    prepared = _planned(prepared)
    aliases = {alias for _i, _q, _h, alias, _p, _s, _params in prepared}
    fetched = []
    if len(prepared) > 1 and len(aliases) == 1 and connections[next(iter(aliases))].vendor == "postgresql":
        connection = connections[next(iter(aliases))]
        connection.ensure_connection()
        cursors = []
        try:
            # Leaving the block sends the statements and a Sync, and reads every result: one round
            # trip (a sync() inside it as well would be a second).
            with connection.connection.pipeline():
                for _i, query, _how, _alias, _plan, sql, params in prepared:
                    cursor = prepared_cursor(connection, prepare=getattr(query, "prepare", True))
                    cursors.append(cursor)
                    cursor.execute(sql, params)
            fetched = [None if isinstance(query, Write) else cursor.fetchall() for cursor, (_i, query, *_rest) in zip(cursors, prepared)]
        finally:
            for cursor in cursors:
                cursor.close()
    else:
        for _i, query, _how, alias, _plan, sql, params in prepared:
            with prepared_cursor(connections[alias], prepare=getattr(query, "prepare", True)) as cursor:
                cursor.execute(sql, params)
                fetched.append(None if isinstance(query, Write) else cursor.fetchall())
    for (i, query, how, alias, plan, _sql, _params), rows in zip(prepared, fetched):
        if isinstance(query, Write):
            continue
        if isinstance(query, Read):
            out[i] = rows if query.convert is None else query.convert(rows)
            continue
        rows = query._convert(alias, plan, rows)
        out[i] = query._as_models(alias, plan, rows) if how == "models" else query._as_rows(alias, plan, rows)
    return out


@contextmanager
def answered(*calls):
    """Ask these (as `together` takes them) now, in one round trip, and for the rest of the block
    let each query's next ask with the same values (`rows`, `models`, `together`) take its answer
    instead of going to the database. For a page whose parts each ask their own question (the
    case page's template tags): the page gathers them without the parts changing. Each answer is
    taken once; an ask with other values, or a second one, goes to the database as before.
    Yields the results, in order."""
    results = together(*calls)
    kept: dict = {}
    for call, result in zip(calls, results):
        if not isinstance(call, (Write, Read)):
            query, how, values = call
            kept.setdefault((query, how, tuple(values)), []).append(result)
    token = _answers.set(kept)
    try:
        yield results
    finally:
        _answers.reset(token)


def attach(instance, relation: str, objects: list) -> None:
    """Keep `objects` as `instance`'s prefetched `relation`: `instance.relation.all()` then
    returns them without a query, as prefetch_related leaves it."""
    manager = getattr(instance, relation)
    # The name the related manager looks its prefetched rows up by: a many-to-many manager's own,
    # else (the reverse of a foreign key) the foreign key's cache name.
    name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    field = getattr(manager, "field", None)
    if field is not None and not getattr(manager, "prefetch_cache_name", None):
        for obj in objects:  # each child's own parent, as prefetch_related sets it
            field.set_cached_value(obj, instance)
    queryset = QuerySet(model=manager.model)
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
