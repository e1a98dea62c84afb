"""Every case by the month it was received, with a deadline or without, counted as it changes, so
a page typed by its number deep in "including closed" starts at its month (putright.cases.views.queue_jump).

The queue's pager offers "Previous" and "Next", each carrying where its page starts; a page number
typed into the address (or a bookmark of one) has no such position, and was read past an OFFSET:
page 20,000 of "including closed" at a million cases skipped 500,000 index entries (61-88 ms on
PostgreSQL). Database triggers on cases_case add a row to `performance_receivedcount` (the first
day of the month received, whether the case has a deadline, +1) for every case made, -1 for one
removed, and both when its date received changes or it gains or loses a deadline: rows are only
ever added, as for the counts by state (putright.performance.casecounts, decision 0011), so
writers never wait on one another for a counter. A month's cases are the sum of its rows; the
worker's `received_counts` job (every minute) and an import fold them into one row a month and
deadline or not (242 rows at a million cases received over ten years). By month, not by day:
the running totals of 7,300 days took SQLite 4.8 ms, of 242 months 0.16 ms, and a month's cases
are few enough to skip (decision 0023). The sum is always exact: `test_receivedcounts.py` holds
it to a live COUNT after every kind of change. The triggers are listed with the tallies' (so
migrations take them off and put them back), and `rebuild()` counts again whole when they come back.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection as default_connection

from putright.performance import months, triggers
from putright.performance.casecounts import count_again, fold

TABLE = "performance_receivedcount"
TRIGGERS = [
    ("count_received_case_insert", "cases_case"),
    ("count_received_case_update", "cases_case"),
    ("count_received_case_delete", "cases_case"),
]
FUNCTION = "count_received_case"
KEYS = "month, dated"
#: What moves a case from one row to another: its date received, or its deadline come or gone.
MOVED = "NEW.received_on {differs} OLD.received_on OR (NEW.next_deadline_by IS NULL) <> (OLD.next_deadline_by IS NULL)"


def _adder(vendor: str):
    def add(row: str, delta: int) -> str:
        month = months.month_start(vendor, f"{row}.received_on")
        return f"INSERT INTO {TABLE} ({KEYS}, delta) VALUES ({month}, {row}.next_deadline_by IS NOT NULL, {delta})"
    return add


def sqlite_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    _add = _adder("sqlite")
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW BEGIN {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF received_on, next_deadline_by ON cases_case FOR EACH ROW "
        f"WHEN {MOVED.format(differs='IS NOT')} BEGIN {_add('OLD', -1)}; {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW BEGIN {_add('OLD', -1)}; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    _add = _adder("postgresql")
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_add('NEW', 1)}; "
        f"ELSIF TG_OP = 'DELETE' THEN {_add('OLD', -1)}; "
        f"ELSE {_add('OLD', -1)}; {_add('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        # Only a change that moves the case calls the function (a deadline moving to another day does not).
        f"CREATE TRIGGER {update} AFTER UPDATE OF received_on, next_deadline_by ON cases_case FOR EACH ROW "
        f"WHEN ({MOVED.format(differs='IS DISTINCT FROM')}) EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, [FUNCTION])


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


def live(vendor: str) -> str:
    """Every case counted by month received and deadline or not, as the triggers count them."""
    return f"SELECT {months.month_start(vendor, 'received_on')}, next_deadline_by IS NOT NULL, COUNT(*) FROM cases_case GROUP BY 1, 2"


def agree(connection=None) -> bool:
    """Whether the kept counts are each month's live COUNT (one grouped read of the cases). Read
    as dates and booleans: SQLite gives the kept columns so, and the live expressions as text and 0 or 1."""
    connection = connection or default_connection

    def read(cursor, sql: str) -> dict:
        cursor.execute(sql)
        return {(months.as_date(month), bool(dated)): n for month, dated, n in cursor.fetchall() if n}

    with connection.cursor() as cursor:
        return read(cursor, live(connection.vendor)) == read(cursor, f"SELECT {KEYS}, SUM(delta) FROM {TABLE} GROUP BY {KEYS}")


def rebuild(connection=None) -> None:
    """Count every month again from the cases (when the triggers come back after a migrate, or
    after a flush); counts that already agree are left as they are (a restore writes nothing)."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql") or agree(connection):
        return
    count_again(connection, TABLE, KEYS, live(connection.vendor))


def compact(connection=None) -> dict:
    """Fold each month's rows into one, with a deadline and without (the worker's `received_counts`
    job, every minute, and after an import)."""
    return fold(connection or default_connection, TABLE, KEYS)


def month_of(offset: int, *, descending: bool, undated: bool, using: str = "default") -> tuple[dt.date, int] | None:
    """The month received (its first day) whose cases hold the case `offset` places from the first
    (0: the first), with the months in order (newest first if `descending`), and how many cases
    come before that month's: the cases without a deadline only if `undated`, after every case
    with one (the order of "including closed" by deadline). None if `offset` is past the last
    case, or among the cases with a deadline. One statement: the months' running totals, read
    from the index of the counts."""
    where = "WHERE NOT dated" if undated else ""
    # The cases with a deadline come first by deadline: the undated months' totals start after them.
    first = f"(SELECT COALESCE(SUM(delta), 0) FROM {TABLE} WHERE dated)" if undated else "0"
    return months.holding(using, f"SELECT month, SUM(delta) AS n FROM {TABLE} {where} GROUP BY month", [], offset,
                          descending=descending, first=first)


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
