"""The queue's "Next" and "Previous" pages by keyset: read from where the last page ended, not
past an OFFSET (issue 19; decision 0016).

The queue shows only "Previous" and "Next" links, so a user reaches page 406 of the overdue
queue by following 405 "Next" links, and with an OFFSET each of those pages skipped every index
entry before it (PostgreSQL's overdue page 406: 19-21 ms; "including closed" middle pages up to
700 ms). A link now carries where its page starts from:

- `after=<case id>` ("Next": the last case of the page the link is on) or `before=<case id>`
  ("Previous": its first case), with `page=N` for the "Page N of M" label. Only the case's id:
  no sort value (a resident's name) goes in a URL, where access logs and browser history keep it.
- The page looks the case's sort values up by its primary key (one indexed read; on PostgreSQL
  a statement of its own before the page's pipeline, as what the page asks depends on them) and
  reads the rows strictly after (before) them in the sort's order: a row-value comparison on the
  sort's terms, `(a, b, id) > (x, y, z)`, which both databases answer from the sort's index read
  in order from that point (`queue_indexes`; test_keyset_plans.py).

The comparison is built from the case's actual values, term by term (`conditions`):

- An "is empty" term (`ExpressionWrapper(Q(x__isnull=True))`, or a column sorted `nulls_last`)
  is compared as the boolean it is; the nullable column after it is left out when the case's
  value is NULL (a NULL in a row comparison makes it unknown, and the cases with the same
  "is empty" are all NULL there).
- The terms are grouped into runs sorted the same way; a sort whose terms all go one way (every
  ascending sort, date received either way, the reference either way) is one comparison. One
  whose terms change direction (`-deadline`: no deadline stays last, the dates go down) is a
  comparison per run, each after the runs before it are equal: each read in order with its own
  LIMIT, joined by UNION ALL, and the page's rows statement sorts the few ids and takes the page.
- "Previous" reads the reverse order (every term the other way) and the page is put back in order.

When a link's case cannot give a position the page is read by the page number's OFFSET, as a
typed `?page=N` is (`queue_reads.read_page`): the case is not found (gone, or no longer one of a
theme's rows), the sort has a term this does not know, or the keyset page is short while the
total says it should be full (the case was closed, or its deadline moved, since the link was
written). A malformed `after`/`before` (not a whole number, both given) is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Expression, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import OrderBy

from putright.performance.compiled import Read, together

AFTER, BEFORE = "after", "before"


@dataclass(frozen=True)
class Position:
    """Where a page starts: after (or before) the case with this id."""

    way: str  # AFTER or BEFORE
    pk: int


def position(get) -> Position | None:
    """The position a link carries (`after=<id>` or `before=<id>`), or None: none given, both
    given, or not a whole number of a sensible size (ignored: the page number's page is read)."""
    after, before = get.get(AFTER), get.get(BEFORE)
    if (after is None) == (before is None):
        return None
    raw = (after if after is not None else before).strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or int(raw) < 1:
        return None
    return Position(AFTER if after is not None else BEFORE, int(raw))


@dataclass(frozen=True)
class Key:
    """One term of a sort as compared: a column, or whether it is empty ("null")."""

    name: str  # the column (a lookup path such as "handler__first_name")
    empty: bool  # True: the term is "`name` is empty" (False sorts before True)
    descending: bool
    term: int = 0  # which term of the ordering it is (a column sorted nulls_last is two keys)

    def expression(self):
        if self.empty:
            return ExpressionWrapper(Q(**{f"{self.name}__isnull": True}), output_field=BooleanField())
        return F(self.name)


def keys(order: list) -> list[Key] | None:
    """The terms of an ordering (as `SORTS`, `_descending` and `THEME_SORTS` write them) as keys,
    or None for a term of another shape (paged by OFFSET)."""
    out = []
    for i, term in enumerate(order):
        if isinstance(term, str):
            out.append(Key(term.lstrip("-"), False, term.startswith("-"), i))
            continue
        if isinstance(term, F):
            term = term.asc()
        if not isinstance(term, OrderBy):
            return None
        expression = term.expression
        if isinstance(expression, ExpressionWrapper):
            name = _empty_of(expression.expression)
            if name is None:
                return None
            out.append(Key(name, True, term.descending, i))
        elif isinstance(expression, F):
            if term.nulls_last or term.nulls_first:
                # Empty ones last (first): sorted as "is empty" ascending (descending), then the value.
                out.append(Key(expression.name, True, bool(term.nulls_first), i))
            out.append(Key(expression.name, False, term.descending, i))
        else:
            return None
    return out


def _empty_of(q) -> str | None:
    if isinstance(q, Q) and not q.negated and len(q.children) == 1 and isinstance(q.children[0], tuple):
        lookup, value = q.children[0]
        if lookup.endswith("__isnull") and value is True:
            return lookup[: -len("__isnull")]
    return None


def reversed_order(order: list) -> list:
    """The ordering read the other way: every term flipped (its empty ones at the other end)."""
    out = []
    for term in order:
        if isinstance(term, str):
            term = F(term.lstrip("-")).desc() if not term.startswith("-") else F(term[1:]).asc()
            out.append(term)
            continue
        if isinstance(term, F):
            term = term.asc()
        out.append(OrderBy(term.expression, descending=not term.descending,
                           nulls_first=True if term.nulls_last else None, nulls_last=True if term.nulls_first else None))
    return out


def cursor_values(found: QuerySet, order_keys: list[Key]) -> dict | None:
    """The sort values of the case `found` (a queryset of one row, looked up by primary key), by
    column name; None if it is not there. Prepared on PostgreSQL (the same SQL for every link of
    a sort: planned once per connection)."""
    names = list(dict.fromkeys(key.name for key in order_keys))
    rows = together(Read.of(found.order_by().values_list(*names)[:1], prepare=True))[0]
    return dict(zip(names, rows[0])) if rows else None


class RowCompare(Expression):
    """`(a, b, c) > (x, y, z)` (or `<`), `a > x` for one term: the columns' SQL as the ORM writes
    them (so they match the index's expressions), the values as parameters."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, left: list, right: list, op: str):
        super().__init__()
        self.left, self.right, self.op = list(left), list(right), op

    def get_source_expressions(self):
        return [*self.left, *self.right]

    def set_source_expressions(self, exprs):
        self.left, self.right = list(exprs[: len(self.left)]), list(exprs[len(self.left):])

    def as_sql(self, compiler, connection):
        sides = []
        params = []
        for side in (self.left, self.right):
            parts = []
            for expression in side:
                sql, p = compiler.compile(expression)
                parts.append(f"({sql})" if side is self.left else sql)
                params.extend(p)
            sides.append(parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")")
        return f"{sides[0]} {self.op} {sides[1]}", params


def _value(key: Key, values: dict):
    value = values[key.name]
    if key.empty:
        return Value(value is None, output_field=BooleanField())
    return Value(value)


class EmptyIs(Expression):
    """`(x IS NULL) = value`: the index's own boolean term held to a value. On PostgreSQL
    `(x IS NULL) IS TRUE` / `IS FALSE`, which it matches to an index on "(x IS NULL)" as an
    equality: `= false` it rewrites to `x IS NOT NULL`, a test of the column, and the index's
    order after that term was lost (it sorted the rows)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, value: bool):
        super().__init__()
        self.expression, self.value = expression, value

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"({sql}) = %s", [*params, self.value]

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"({sql}) IS {'TRUE' if self.value else 'FALSE'}", params


def _equals(key: Key, value: bool) -> EmptyIs:
    return EmptyIs(key.expression(), value)


@dataclass(frozen=True)
class Branch:
    """One part of the rows after a position: its condition, and the terms of the ordering it
    holds equal (left out of its ORDER BY: SQLite sorted the rows of an index range whose
    "is empty" term was held equal instead of reading them in order)."""

    where: Q
    constant: frozenset[int]


def conditions(order_keys: list[Key], values: dict, way: str, *, empty_alone: bool = True, id_alone: bool = False,
               apart: frozenset[str] = frozenset(), same_id: tuple = ()) -> list[Branch] | None:
    """The rows strictly after (`way` AFTER) or before the cursor whose column values are `values`,
    in the order `order_keys`, as branches whose rows follow each other in that order: each a run
    of terms sorted the same way, compared as one row, after the runs before it held equal. An
    "is empty" term is a run of its own (`empty_alone`: on SQLite, where a row comparison led by
    it was no range of the index on "(x IS NULL), x, …" and an equality is) or leads the run
    after it (PostgreSQL: one range of that index, where an equality and a comparison of the
    rest made it expect one row and sort the filter's every case after the position). None when a
    column without an "is empty" term before it is NULL for the cursor (nothing to compare).

    `id_alone`: the id (the table's rowid) after other terms is a run of its own (SQLite, whose
    range for a row comparison stops before the rowid: `(a, b, id) > (x, y, z)` read every entry
    with a = x and b = y, and by handler that is every case of the handler, 47,000; held equal,
    `a = x AND b = y AND id > z` is a range). Not after a column the sort tests for empty (its
    groups are a day's or a name's few cases).

    `apart`: the columns whose empty ones have an index of their own in the order of the terms after
    (PostgreSQL, every case: `queue_indexes.empty_apart`). Their empty group is written `x IS NULL`
    alone, with x's terms left out of the branch's order, so that index reads it as a range:
    PostgreSQL matches `x IS NULL` to the sort's index's boolean first term, not to the column,
    so in the sort's own index the rest of the row was no range and a page deep in the group
    read every entry of the group before it (the middle of "including closed": 500,000).

    `same_id`: columns the query joins equal to the id (a theme's rows, "including closed":
    `joined_ids`). A comparison of the id alone (the whole branch ordered by the id: inside the
    "no resident" group, a closed state's "no deadline" group, one handler's cases by handler) is
    said of them too, so that a merge join on the id starts both sides at the position: PostgreSQL
    carries an equality across a join, never a comparison, and read the theme's rows from its first
    case to the position (the middle of "including closed" with a theme by resident: 27,000 theme
    rows, 25-30 ms; said of both, 30 rows)."""
    present = []
    emptied = set()
    for key in order_keys:
        if key.empty:
            if values[key.name] is None:
                emptied.add(key.name)
        elif values[key.name] is None:
            if key.name not in emptied:
                return None
            continue  # NULL for the cursor and for every row its "is empty" term finds equal
        present.append(key)
    runs: list[list[Key]] = []
    tested = {key.name for key in order_keys if key.empty}
    for key in present:
        last = runs[-1][-1] if runs else None
        # An "is empty" term leads a run only with its own column after it (the cursor's not NULL).
        joins = last is not None and not key.empty and (not last.empty or (not empty_alone and last.name == key.name))
        # (Not after a column the sort tests for empty: SQLite puts its value held equal into that
        # test, "(x IS NULL) = ?" is then no range of the index's first term, and each few rows
        # of one deadline and day were sorted.)
        joins = joins and not (id_alone and key.name == "id" and not any(k.name in tested for k in runs[-1]))
        if joins and last.descending == key.descending:
            runs[-1].append(key)
        else:
            runs.append([key])
    out = []
    equal, held = Q(), set()

    def constant(more: set) -> frozenset:
        # The terms held equal: left out of the branch's ORDER BY. Not a column NULL for the
        # cursor: an index of "(x IS NULL), x, …" gives the order with it (all NULL) in it.
        done = held | more
        return frozenset(k.term for k in order_keys if all(o in done for o in order_keys if o.term == k.term))

    def column_of(key: Key) -> set:
        return {k for k in order_keys if k.name == key.name}

    for run in runs:
        going_up = (not run[0].descending) == (way == AFTER)
        if run[0].empty and len(run) == 1:
            # After "has a value" comes "is empty" (ascending), and nothing after "is empty".
            empty = values[run[0].name] is None
            if going_up != empty:  # ascending from "has a value", or descending from "is empty"
                if not empty and run[0].name in apart:  # the whole empty group, from its own index
                    out.append(Branch(equal & Q(**{f"{run[0].name}__isnull": True}), constant(column_of(run[0]))))
                else:
                    out.append(Branch(equal & Q(_equals(run[0], not empty)), constant({run[0]})))
        else:
            compare = Q(RowCompare([k.expression() for k in run], [_value(k, values) for k in run], ">" if going_up else "<"))
            if [k.name for k in run] == ["id"]:
                for column in same_id:
                    compare &= Q(RowCompare([column], [_value(run[0], values)], ">" if going_up else "<"))
            out.append(Branch(equal & compare, constant(set())))
        for key in run:
            if key.empty and values[key.name] is None and key.name in apart:
                # Empty: the group's own index, in the order of the terms after (x's left out).
                equal &= Q(**{f"{key.name}__isnull": True})
                held |= column_of(key)
            elif key.empty and values[key.name] is None:
                # Empty, and the column itself NULL: an index of "(x IS NULL), x, …" reads the
                # rest of the row as a range after it.
                equal &= Q(_equals(key, True)) & Q(**{f"{key.name}__isnull": True})
            else:
                equal &= Q(_equals(key, values[key.name] is None) if key.empty else Q(**{key.name: values[key.name]}))
            held.add(key)
    return out


def joined_ids(qs: QuerySet) -> tuple:
    """The columns `qs` joins equal to the case's id, for `conditions`' `same_id`: the theme rows'
    `case_id` where the query joins a theme's rows (every state's cases of a theme:
    `queue.filtered_cases`). PostgreSQL only: SQLite reads the sort's index named and probes the
    theme rows case by case (queue_indexes), and keeps its statements."""
    if connections[qs.db].vendor != "postgresql":
        return ()
    from django.db.models.expressions import Col

    from putright.cases.models import Case

    through = Case.themes.through
    case = through._meta.get_field("case")
    return tuple(Col(alias, case) for alias, join in qs.query.alias_map.items()
                 if join.table_name == through._meta.db_table and getattr(join, "join_cols", None) == (("id", case.column),))
