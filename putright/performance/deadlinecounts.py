"""Open cases by deadline day, counted as they change, so the queue's deadline counts are not counted live.

Every queue page shows how many of everyone's open cases are overdue, due today and due soon. At a
million cases the overdue count read about 20,000 index entries on every page (2.5-4 ms of
PostgreSQL's time, most of the page's SQL). Database triggers on cases_case add a row to
`performance_deadlinecount` (the day, +1) whenever an open case with a deadline is made, (the day,
-1) when one is removed or closed, and both when its `next_deadline_by` moves: rows are only ever
added, as for the counts by state (putright.performance.casecounts, decision 0011). A count is the
sum of the rows of its days; the worker's `deadline_counts` job (every minute) and an import fold
them into one row a day, and the days over a year ago into one (296 rows at a million cases, where
the overdue count read 20,000 index entries).
The sum is always exact: `test_deadlinecounts.py` holds it to a live COUNT after every kind of
change. The triggers are listed with the tallies' (so migrations take them off and put them
back), and `rebuild()` counts again whole when they come back.

A handler's own ("My cases", where a handler lands) are kept the same way, by the same triggers, in
`performance_handlerdeadlinecount` (handler, day, delta): every open case with a handler, on its
deadline day or on no day (no deadline), so that the handler's open cases are the sum of their
rows and their overdue, due today and due soon the sum of a range of days. Re-allocating a case
moves its +1 from one handler's rows to the other's. Everyone's rows are kept apart, so their
counts still add up a few hundred rows, not one per handler and day (decision 0014).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection as default_connection
from django.db import connections
from django.utils import timezone

from putright.performance import months, triggers
from putright.performance.casecounts import Kept, count_again, fold

TABLE = "performance_deadlinecount"
TRIGGERS = [
    ("count_deadlines_case_insert", "cases_case"),
    ("count_deadlines_case_update", "cases_case"),
    ("count_deadlines_case_delete", "cases_case"),
]
FUNCTION = "count_deadlines_case"
#: An open case with a deadline is counted (on its deadline day); any other is not.
COUNTED = "{row}.is_open AND {row}.next_deadline_by IS NOT NULL"


#: A handler's: an open case with a handler is counted for them (on its deadline day, or no day).
MINE_TABLE = "performance_handlerdeadlinecount"
MINE_COUNTED = "{row}.is_open AND {row}.handler_id IS NOT NULL"
#: What moves a case between everyone's days, and between a handler's.
MOVED = "NEW.is_open {differs} OLD.is_open OR NEW.next_deadline_by {differs} OLD.next_deadline_by"
REALLOCATED = "NEW.handler_id {differs} OLD.handler_id"


def _add(row: str, delta: int, when: str = "") -> str:
    return (f"INSERT INTO {TABLE} (day, delta) SELECT {row}.next_deadline_by, {delta} "
            f"WHERE {COUNTED.format(row=row)}{f' AND ({when})' if when else ''}")


def _add_mine(row: str, delta: int) -> str:
    return (f"INSERT INTO {MINE_TABLE} (handler, day, delta) SELECT {row}.handler_id, {row}.next_deadline_by, {delta} "
            f"WHERE {MINE_COUNTED.format(row=row)}")


def sqlite_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    moved = MOVED.format(differs="IS NOT")
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW BEGIN {_add('NEW', 1)}; {_add_mine('NEW', 1)}; END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF is_open, next_deadline_by, handler_id ON cases_case FOR EACH ROW "
        f"WHEN {moved} OR {REALLOCATED.format(differs='IS NOT')} "
        f"BEGIN {_add('OLD', -1, moved)}; {_add('NEW', 1, moved)}; {_add_mine('OLD', -1)}; {_add_mine('NEW', 1)}; END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW BEGIN {_add('OLD', -1)}; {_add_mine('OLD', -1)}; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_add('NEW', 1)}; {_add_mine('NEW', 1)}; "
        f"ELSIF TG_OP = 'DELETE' THEN {_add('OLD', -1)}; {_add_mine('OLD', -1)}; "
        f"ELSE IF {MOVED.format(differs='IS DISTINCT FROM')} THEN {_add('OLD', -1)}; {_add('NEW', 1)}; END IF; "
        f"IF {MOVED.format(differs='IS DISTINCT FROM')} OR {REALLOCATED.format(differs='IS DISTINCT FROM')} THEN "
        f"{_add_mine('OLD', -1)}; {_add_mine('NEW', 1)}; END IF; END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF is_open, next_deadline_by, handler_id ON cases_case FOR EACH ROW "
        f"EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, [FUNCTION])


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


#: Days more than this long before the day they are folded on are folded into one row a month,
#: dated the month's first day: at a million cases most open cases overdue are years overdue (2,553
#: days kept, 2,258 of them over a year ago), and every page adds up all of them. Only "before
#: today" ever reads those days, so the counts stay exact for any clock up to a year behind the one
#: that folded them; by month, not into one row (until session 32), a typed page of the overdue
#: cases can start at its month (`month_of`; decision 0023).
FOLD_AFTER = dt.timedelta(days=366)
#: The one row an earlier fold made of every day over a year ago: no month of its own.
LONG_AGO = dt.date(1, 1, 1)


def _folded(column: str, vendor: str) -> str:
    """A day as kept after a fold: days before the parameter become their month's first day."""
    return f"CASE WHEN {column} < %s THEN {months.month_start(vendor, column)} ELSE {column} END"


def _since(today: dt.date | None) -> dt.date:
    """The first day kept by itself when folding on `today`."""
    return (today or timezone.localdate()) - FOLD_AFTER


def _live(vendor: str) -> str:
    folded = _folded("next_deadline_by", vendor)
    return f"SELECT {folded}, COUNT(*) FROM cases_case WHERE {COUNTED.format(row='cases_case')} GROUP BY 1"


def _live_mine(vendor: str) -> str:
    """Each handler's open cases by deadline day (no day: no deadline), from the partial index of open cases by handler."""
    folded = _folded("next_deadline_by", vendor)
    return f"SELECT handler_id, {folded}, COUNT(*) FROM cases_case WHERE {MINE_COUNTED.format(row='cases_case')} GROUP BY 1, 2"


def _day(value) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _agree(cursor, live: str, kept: str, params: list) -> bool:
    cursor.execute(live, params)
    counted = {(*(row[:-2]), _day(row[-2])): row[-1] for row in cursor.fetchall()}
    cursor.execute(kept, params)
    return counted == {(*(row[:-2]), _day(row[-2])): row[-1] for row in cursor.fetchall() if row[-1]}


def agree(connection=None, today: dt.date | None = None) -> bool:
    """Whether the kept counts are each day's live COUNT of open cases (one grouped read of the
    partial index of open cases by deadline), the days over a year ago by month; and each
    handler's the same for their own open cases."""
    connection = connection or default_connection
    params = [_since(today)]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        return (_agree(cursor, _live(vendor), f"SELECT {_folded('day', vendor)}, SUM(delta) FROM {TABLE} GROUP BY 1", params)
                and _agree(cursor, _live_mine(vendor), f"SELECT handler, {_folded('day', vendor)}, SUM(delta) FROM {MINE_TABLE} GROUP BY 1, 2",
                           params))


def rebuild(connection=None) -> None:
    """Count every day again from the cases (when the triggers come back after a migrate, or
    after a flush). Counts that already agree are left as they are, so a migrate with nothing to
    do, or a restore, writes nothing."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if agree(connection):
        return
    params = [_since(None)]
    count_again(connection, TABLE, "day", _live(connection.vendor), params)
    count_again(connection, MINE_TABLE, "handler, day", _live_mine(connection.vendor), params)


def compact(connection=None) -> dict:
    """Fold each day's rows into one, and the days over a year ago into one row a month, dropping
    days that add up to nothing (the worker's `deadline_counts` job, every minute, and after an
    import); each handler's the same."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return {}
    params = [_since(None)]
    folded = fold(connection, TABLE, "day", _folded("day", connection.vendor), params)
    mine = fold(connection, MINE_TABLE, "handler, day", f"handler, {_folded('day', connection.vendor)}", params)
    return {"rows": folded.get("rows", 0), "handler_rows": mine.get("rows", 0)} if folded or mine else {}


def month_of(offset: int, *, before: dt.date, descending: bool, using: str = "default") -> tuple[dt.date, int] | None:
    """The month (its first day) whose everyone's open cases due before `before` (overdue: before
    today) hold the case `offset` places from the first, by deadline (latest first if
    `descending`), and how many such cases are due before that month (after it, latest first).
    None past the last, or where an earlier fold's one row (LONG_AGO) holds every day over a year
    ago (counted again by month at the next migrate). One statement (`months.holding`)."""
    vendor = connections[using].vendor
    found = months.holding(using, f"SELECT {months.month_start(vendor, 'day')} AS month, SUM(delta) AS n FROM {TABLE} "
                                  f"WHERE day < %s GROUP BY 1", [before], offset, descending=descending)
    return None if found is None or found[0] == LONG_AGO else found


class KeptByDeadline(Kept):
    """The number of open cases whose next deadline is after `after` (if given) and before
    `before` (if given), or on or after `since` and on or before `until`: for `count_each` to
    read with the page's other counts in its one query, as it reads the counts by state.

    With a `handler` (a user's id), that handler's open cases only; and with no bounds, all of
    them, with a deadline or without."""

    def __init__(self, *, before: dt.date | None = None, since: dt.date | None = None, after: dt.date | None = None,
                 until: dt.date | None = None, handler: int | None = None):
        super().__init__(None)
        self.bounds = [(op, day) for op, day in (("<", before), (">=", since), (">", after), ("<=", until)) if day is not None]
        self.handler = handler

    def as_sql(self) -> tuple[str, list]:
        where = [f"day {op} %s" for op, _ in self.bounds]
        params = [day for _, day in self.bounds]
        if self.handler is not None:
            where.insert(0, "handler = %s")
            params.insert(0, self.handler)
        table = TABLE if self.handler is None else MINE_TABLE
        return f"(SELECT COALESCE(SUM(delta), 0) FROM {table} WHERE {' AND '.join(where) or 'TRUE'})", params


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
