"""One handler's cases by state, counted as they change, so a handler's queue with closed cases is not counted live.

"My cases" (or a chosen handler) with a closed state counted the handler's closed cases on every
page (41,000-47,000 index entries at a million cases: 9-15 ms of PostgreSQL's time), and with
"Any state, including closed" all their cases. Database triggers on cases_case add a row to
`performance_handlercasecount` (handler, state, open or not, +1) for every case with a handler
made, -1 when one is removed, and both when its handler, state or openness changes: rows are only
ever added, as for everyone's counts by kind and state (putright.performance.casecounts, decision
0011), so writers never wait on one another for a counter. Cases with no handler are not counted.
A count is the sum of the handler's rows; the worker's `handler_state_counts` job (every minute)
and an import fold them into one row a handler and state (a few hundred rows: handlers x states,
kept apart from everyone's so theirs stay a few hundred rows to add up, not one a handler too).
The sum is always exact: `test_handlerstates.py` holds it to a live COUNT after every kind of
change. The triggers are listed with the tallies' (so migrations take them off and put them
back), and `rebuild()` counts again whole when they come back.
"""

from __future__ import annotations

from django.db import connection as default_connection

from putright.performance import triggers
from putright.performance.casecounts import Kept, count_again, fold, sums_agree

TABLE = "performance_handlercasecount"
TRIGGERS = [
    ("count_handler_states_case_insert", "cases_case"),
    ("count_handler_states_case_update", "cases_case"),
    ("count_handler_states_case_delete", "cases_case"),
]
FUNCTION = "count_handler_states_case"
#: What each row is kept by, and the case's columns they are.
KEYS = "handler, state, is_open"
COLUMNS = "handler_id, state, is_open"
#: What moves a case from one handler's row to another (or into or out of the counts).
CHANGED = "NEW.{c} {differs} OLD.{c}"


def _add(row: str, delta: int) -> str:
    return (f"INSERT INTO {TABLE} ({KEYS}, delta) SELECT {row}.handler_id, {row}.state, {row}.is_open, {delta} "
            f"WHERE {row}.handler_id IS NOT NULL")


def _changed(differs: str) -> str:
    return " OR ".join(CHANGED.format(c=column, differs=differs) for column in COLUMNS.split(", "))


def sqlite_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW WHEN NEW.handler_id IS NOT NULL "
        f"BEGIN {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF {COLUMNS} ON cases_case FOR EACH ROW WHEN {_changed('IS NOT')} "
        f"BEGIN {_add('OLD', -1)}; {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW WHEN OLD.handler_id IS NOT NULL "
        f"BEGIN {_add('OLD', -1)}; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_add('NEW', 1)}; "
        f"ELSIF TG_OP = 'DELETE' THEN {_add('OLD', -1)}; "
        f"ELSIF {_changed('IS DISTINCT FROM')} THEN {_add('OLD', -1)}; {_add('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        # Only cases with a handler call the function when made or removed (an import's have none).
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW WHEN (NEW.handler_id IS NOT NULL) "
        f"EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF {COLUMNS} ON cases_case FOR EACH ROW "
        f"WHEN ({_changed('IS DISTINCT FROM')}) EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW WHEN (OLD.handler_id IS NOT NULL) "
        f"EXECUTE FUNCTION {FUNCTION}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, [FUNCTION])


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


LIVE = f"SELECT {COLUMNS}, COUNT(*) FROM cases_case WHERE handler_id IS NOT NULL GROUP BY {COLUMNS}"


def agree(connection=None) -> bool:
    """Whether the kept counts are each handler and state's live COUNT (one grouped read of the cases)."""
    return sums_agree(connection or default_connection, TABLE, KEYS, LIVE)


def rebuild(connection=None) -> None:
    """Count every handler's cases again from the cases (when the triggers come back after a
    migrate, or after a flush); counts that already agree are left as they are (a restore writes
    nothing)."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql") or agree(connection):
        return
    count_again(connection, TABLE, KEYS, LIVE)


def compact(connection=None) -> dict:
    """Fold each handler and state's rows into one (the worker's `handler_state_counts` job, every minute)."""
    return fold(connection or default_connection, TABLE, KEYS)


class KeptForHandler(Kept):
    """The number of the `handler`'s cases (a user's id) in `states` (every state if None), only
    the open ones (as `is_open` says) if `open`: for `count_each` to read with the page's other
    counts in its one query, as it reads everyone's."""

    def __init__(self, handler: int, states: list[str] | None = None, *, open: bool = False):
        super().__init__(states, open=open)
        self.handler = handler

    def as_sql(self) -> tuple[str, list]:
        return self.summed(TABLE, ["handler = %s"], [self.handler])


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
