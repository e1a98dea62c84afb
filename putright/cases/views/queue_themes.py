"""A theme's open cases in the queue by a sort the theme rows are not kept in (by resident,
reference, state, latest deadline first; docs/performance.md, "Theme filter, any other sort").

The theme's open cases are the index of open case themes' entries (`case_theme_open`: theme,
case; kept by triggers, putright.performance.copies). A page of them is read from the sort's own
index of open cases (performance migration 0015), in order, each entry tested against the theme's
case ids, which are read once (a few thousand ids: a hash on PostgreSQL, a temporary index on
SQLite), stopping after the page: about 25 entries divided by the theme's share of the open cases
(a theme on one open case in thirteen: 330 entries). Before, each of the theme's open cases was
looked up by id and all of them sorted for every page.

- PostgreSQL joined the theme's ids to the cases and, taking the two as independent, expected
  137 of the 3,398 open cases of a theme at a million cases (3,234 theme rows times 45,000 open
  cases over a million ids): it then read the sort's index with two parallel workers, whose
  start cost 13 of the page's 14 ms, or sorted the theme's cases (30-47 ms). Written as
  `(id IN (…) OR FALSE)`, the IN is not made a join: it is a hashed subplan, tested on each entry
  of the sort's index, and the planner reads that index in order and stops after the page
  (0.7 ms), with or without statistics (it rates a subplan's test as true for half the rows).
  Only a query that pages (has a LIMIT) is written so: a count keeps the plain IN.
- SQLite looked each of the theme's cases up by id and sorted them (19-36 ms): the page's query
  names the sort's index (`INDEXED BY`, as every other filter of open cases does:
  putright.cases.views.queue_indexes), and SQLite tests each entry against the ids it read once.

The total is counted from the theme rows alone when nothing else filters the cases but a stage, a
handler or "My cases" (`counted_rows`): one range of `case_theme_open` (0.2 ms), not the theme's
cases looked up; with "including closed" and nothing else, the theme's every row. With a handler ("My cases" included) the theme's rows of that handler are few:
they are looked up and sorted, as before.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, Expression, ExpressionWrapper, F, Q, QuerySet

from putright.cases.models import Case
from putright.cases.views import queue_indexes
from putright.cases.views.queue_totals import NARROWING

#: The filters the theme rows carry (a stage, a handler) or that only choose whose cases.
ON_ROWS = ("theme", "stage", "handler")


class PagedIn(ExpressionWrapper):
    """A filter such as `Q(pk__in=rows)`, written `(… OR FALSE)` on PostgreSQL in a query that
    pages, so the planner keeps the IN a hashed subplan tested on each entry it reads in order
    (see the module's docstring) instead of a join it misjudges; as it is anywhere else."""

    def __init__(self, q: Q):
        super().__init__(q, output_field=BooleanField())

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        if connection.vendor == "postgresql" and compiler.query.is_sliced:
            return f"({sql} OR FALSE)", params
        return sql, params


class ThemeProbe(Expression):
    """SQLite: "the case has the theme" for a theme's cases of every state, where PostgreSQL joins
    the theme's rows. In a query that pages, `EXISTS` of the case's row of the theme (one probe of
    the unique index of (case, theme) for each entry of the sort's index read in order); in a
    count, `id IN` the theme's case ids (read once from `case_theme_received`, each case looked
    up by its id). Joined, SQLite read the sort's index in order and probed the theme rows the
    same way, but when its sampled statistics rated the sort's index at more entries than the
    theme rows (`case_state_order_desc`: 2.3 million against 2.0), it first built a Bloom filter of
    every theme row (1.5 million at a million cases) for its probes: "including closed" with a
    theme, latest state first, 145-160 ms a page, where the others took 0.1. A correlated
    subquery is no join, and gets no Bloom filter."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, theme):
        super().__init__()
        self.theme = getattr(theme, "pk", theme)

    def as_sql(self, compiler, connection):
        table = compiler.query.get_initial_alias()
        case = f'{compiler.quote_name_unless_alias(table)}."id"'
        if compiler.query.is_sliced:
            return (f'EXISTS (SELECT 1 FROM "cases_case_themes" theme_probe WHERE theme_probe."case_id" = {case} AND theme_probe."theme_id" = %s)',
                    [self.theme])
        return f'{case} IN (SELECT theme_probe."case_id" FROM "cases_case_themes" theme_probe WHERE theme_probe."theme_id" = %s)', [self.theme]


def every_state(qs: QuerySet, theme) -> QuerySet:
    """`qs` (a query of every case, or of a closed state's) narrowed to the theme's cases: the
    theme's rows joined on PostgreSQL (queue_keyset.joined_ids), `ThemeProbe` on SQLite."""
    if connections[qs.db].vendor == "sqlite":
        return qs.filter(ThemeProbe(theme))
    return qs.filter(themes=theme)


def open_rows(user, data) -> QuerySet:
    """The theme's rows whose case is open, narrowed to a stage and a handler (or the user's own)
    when asked: each row one case the page can show."""
    rows = Case.themes.through.objects.filter(theme=data["theme"], case_open=True)
    if data.get("stage"):
        rows = rows.filter(case_stage=int(data["stage"]))
    for handler in _handlers(user, data):
        rows = rows.filter(case_handler=handler)
    return rows


def _handlers(user, data) -> set[int]:
    return {data["handler"].pk if data.get("handler") else None, user.pk if data.get("cases") == "mine" else None} - {None}


def read_in_order(data: dict, sort: str) -> bool:
    """Whether a page of the theme's open cases is read from the sort's own index of open cases:
    the sort has one, no handler narrows the theme's rows to a few, and no search asks for
    columns the index's entries do not carry."""
    return sort in queue_indexes.ORDERS and not (data.get("handler") or data.get("cases") == "mine" or data.get("q"))


def theme_filter(user, data: dict, sort: str):
    """The theme's open cases as a filter of the cases' query (`filtered_cases`)."""
    among = Q(pk__in=open_rows(user, data).values("case_id"))
    return PagedIn(among) if read_in_order(data, sort) else among


def named(qs: QuerySet, data: dict, sort: str) -> QuerySet:
    """On SQLite, the page's query told to read the sort's index of open cases (the count is left
    to the planner: the theme's ids, each looked up)."""
    if not read_in_order(data, sort):
        return qs
    qs = qs._chain()
    alias = qs.query.get_initial_alias()
    table = queue_indexes._Named(qs.query.alias_map[alias].table_name, alias)
    table.paging = queue_indexes.ORDERS[sort]
    qs.query.alias_map[alias] = table
    return qs


def counted_rows(user, data: dict) -> QuerySet | None:
    """The theme rows that give the queue's total, when nothing but a stage, a handler or "My
    cases" narrows the theme's open cases (each row is one open case: the cases' own count would
    look each up); None otherwise."""
    if not data.get("theme"):
        return None
    if data.get("state") == "all":
        # Every case the theme was given to, open or closed: each its one row (75,000 for a theme
        # at a million cases: 2 ms on SQLite, 4-6 on PostgreSQL, where the cases joined took 70 and
        # 190). The rows carry no handler once their case is closed: with anything else, None.
        if data.get("cases") == "mine" or any(data.get(name) for name in NARROWING if name != "theme"):
            return None
        return Case.themes.through.objects.filter(theme=data["theme"])
    if data.get("state") or any(data.get(name) for name in NARROWING if name not in ON_ROWS):
        return None
    return open_rows(user, data)


#: The order of the theme rows' index (performance migration 0013): the deadline sort's terms,
#: on the case's copies (putright.performance.copies).
THEME_ORDER = [ExpressionWrapper(Q(case_deadline__isnull=True), output_field=BooleanField()).asc(), "case_deadline", "received_on", "case_id"]
#: The sorts a theme's rows are paged in, each its index's order (the sort's terms in `SORTS`, on
#: the theme rows): by deadline, and by date received either way (case_theme_open_received).
THEME_SORTS = {
    "deadline": THEME_ORDER,
    "received": ["received_on", "case_id"],
    "-received": [F("received_on").desc(), F("case_id").desc()],
}


def theme_rows(user, data):
    """The open cases of a theme (and a stage, and a handler or the user's own), by deadline or by
    date received: the theme's case rows from an index of open case themes in that order
    (case_theme_open_deadline, case_theme_open_stage_deadline, case_theme_open_handler_deadline,
    case_theme_open_received), each with its case's stage, deadline and handler copied by
    triggers. A page reads 25 index entries (a few more with a stage or handler by date) and the
    total counts one range of one, where the cases' own query looked up each of the theme's open
    cases and sorted them all. With "including closed" and nothing else, every case of the theme
    by date received (case_theme_received). None for any other filter or sort: `filtered_cases`
    answers those (the theme's open cases looked up by id)."""
    sort = data.get("sort", "deadline")  # queue.DEFAULT_SORT
    order = THEME_SORTS.get(sort)
    if not data.get("theme") or order is None:
        return None
    if data.get("state") == "all":
        # Every case of the theme, open or closed, by date received (case_theme_received: the
        # rows carry the date): where paging the sort's index of every case would read every case
        # received before the theme's first, for a theme given only to recent cases. Not with
        # another filter: the rows carry no handler, stage or deadline once their case is closed.
        if sort not in ("received", "-received") or counted_rows(user, data) is None:
            return None
        return Case.themes.through.objects.filter(theme=data["theme"]).order_by(*order)
    if data.get("state"):
        return None
    if any(data.get(name) for name in NARROWING if name not in ("theme", "stage", "handler")):
        return None
    handlers = {data["handler"].pk} if data.get("handler") else set()
    if data.get("cases") == "mine":
        handlers.add(user.pk)
    if len(handlers) > 1:  # someone else's cases among my own: none, as the cases' query finds
        return None
    rows = Case.themes.through.objects.filter(theme=data["theme"], case_open=True)
    if handlers:
        rows = rows.filter(case_handler=handlers.pop())
    if data.get("stage"):
        rows = rows.filter(case_stage=int(data["stage"]))
    rows = rows.order_by(*order)
    if sort != "deadline":
        # By date received: the open rows' index in that order, named on SQLite. Its statistics
        # (sampled, about 1,001 rows a theme in every index) rate it like the index of every case
        # theme by date received (case_theme_received, migration 0024), which SQLite then read
        # from the theme's first case ever received, closed ones too, to find 25 open at stage 2:
        # 4-5 ms of SQL a page at a million cases (test_plans.py plants those statistics).
        rows = queue_indexes.paged_from(rows, "case_theme_open_received")
    return rows
