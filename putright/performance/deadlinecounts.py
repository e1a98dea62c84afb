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

"Mine" stays a live COUNT: a handler's open cases are a small partial index (case_open_handler_deadline).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection as default_connection
from django.utils import timezone

from putright.performance import triggers
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


def _add(row: str, delta: int) -> str:
    return f"INSERT INTO {TABLE} (day, delta) SELECT {row}.next_deadline_by, {delta} WHERE {COUNTED.format(row=row)}"


def sqlite_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW BEGIN {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF is_open, next_deadline_by ON cases_case FOR EACH ROW "
        f"WHEN NEW.is_open IS NOT OLD.is_open OR NEW.next_deadline_by IS NOT OLD.next_deadline_by "
        f"BEGIN {_add('OLD', -1)}; {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW BEGIN {_add('OLD', -1)}; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_add('NEW', 1)}; "
        f"ELSIF TG_OP = 'DELETE' THEN {_add('OLD', -1)}; "
        f"ELSIF NEW.is_open IS DISTINCT FROM OLD.is_open OR NEW.next_deadline_by IS DISTINCT FROM OLD.next_deadline_by THEN "
        f"{_add('OLD', -1)}; {_add('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF is_open, next_deadline_by ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, [FUNCTION])


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


#: Days more than this long before the day they are folded on are folded into one row dated
#: LONG_AGO: at a million cases most open cases overdue are years overdue (2,553 days kept, 2,258 of
#: them over a year ago), and every page adds up all of them. Only "before today" ever reads those
#: days, so the counts stay exact for any clock up to a year behind the one that folded them.
FOLD_AFTER = dt.timedelta(days=366)
LONG_AGO = dt.date(1, 1, 1)


def _folded(column: str) -> str:
    """A day as kept after a fold: days before the first parameter become the second."""
    return f"CASE WHEN {column} < %s THEN %s ELSE {column} END"


def _since(today: dt.date | None) -> dt.date:
    """The first day kept by itself when folding on `today`."""
    return (today or timezone.localdate()) - FOLD_AFTER


LIVE = f"SELECT {_folded('next_deadline_by')}, COUNT(*) FROM cases_case WHERE {COUNTED.format(row='cases_case')} GROUP BY 1"


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def agree(connection=None, today: dt.date | None = None) -> bool:
    """Whether the kept counts are each day's live COUNT of open cases (one grouped read of the
    partial index of open cases by deadline), the days over a year ago as one."""
    connection = connection or default_connection
    since = _since(today)
    with connection.cursor() as cursor:
        cursor.execute(LIVE, [since, LONG_AGO])
        live = {_day(day): n for day, n in cursor.fetchall()}
        cursor.execute(f"SELECT {_folded('day')}, SUM(delta) FROM {TABLE} GROUP BY 1", [since, LONG_AGO])
        kept = {_day(day): n for day, n in cursor.fetchall() if n}
    return live == kept


def rebuild(connection=None) -> None:
    """Count every day again from the cases (when the triggers come back after a migrate, or
    after a flush). Counts that already agree are left as they are, so a migrate with nothing to
    do, or a restore, writes nothing."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if agree(connection):
        return
    since = _since(None)
    count_again(connection, TABLE, "day", LIVE, [since, LONG_AGO])


def compact(connection=None) -> dict:
    """Fold each day's rows into one, and the days over a year ago into one row (LONG_AGO),
    dropping days that add up to nothing (the worker's `deadline_counts` job, every minute, and
    after an import)."""
    return fold(connection or default_connection, TABLE, "day", _folded("day"), [_since(None), LONG_AGO])


class KeptByDeadline(Kept):
    """The number of open cases whose next deadline is after `after` (if given) and before
    `before` (if given), or on or after `since` and on or before `until`: for `count_each` to
    read with the page's other counts in its one query, as it reads the counts by state."""

    def __init__(self, *, before: dt.date | None = None, since: dt.date | None = None, after: dt.date | None = None,
                 until: dt.date | None = None):
        super().__init__(None)
        self.bounds = [(op, day) for op, day in (("<", before), (">=", since), (">", after), ("<=", until)) if day is not None]

    def as_sql(self) -> tuple[str, list]:
        where = " AND ".join(f"day {op} %s" for op, _ in self.bounds) or "TRUE"
        return f"(SELECT COALESCE(SUM(delta), 0) FROM {TABLE} WHERE {where})", [day for _, day in self.bounds]


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
