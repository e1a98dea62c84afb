"""A theme's cases by state, counted as they change, so a theme with closed cases is not counted live.

"Any state, including closed" with a theme counted the theme's every row of `cases_case_themes`
on every page (75,000 at a million cases: 2 ms on SQLite, 4-6 ms of PostgreSQL's time), and a
theme with a closed state looked up each of the theme's cases for its state (545 ms on SQLite).
Database triggers add a row to `performance_themecasecount` (theme, the case's state, open or
not, +1) when a case is given a theme, -1 when it is taken off, both when a theme row moves to
another theme or case, and for each theme of a case whose state or openness changes (-1 as it
was, +1 as it is). A case removed takes its themes off: its theme rows deleted first (Django's
cascade) are each counted off while the case is still there; a case removed first (by hand)
counts off the rows it still has, and those rows, deleted after it, find no case and write
nothing. Rows are only ever added, as for the counts by state (putright.performance.casecounts,
decision 0011). A count is the sum of its rows; the worker's `theme_counts` job (every minute)
and an import fold them into one row a theme and state (decision 0019). The sum is always exact:
`test_handler_theme_counts.py` holds it to a live COUNT after every kind of change. The triggers
are listed with the tallies' (so migrations take them off and put them back), and `rebuild()`
counts again whole when they come back.
"""

from __future__ import annotations

from django.db import connection as default_connection

from putright.performance import triggers
from putright.performance.casecounts import Kept, count_again, fold, sums_agree

TABLE = "performance_themecasecount"
TRIGGERS = [
    ("count_themes_case_themes_insert", "cases_case_themes"),
    ("count_themes_case_themes_update", "cases_case_themes"),
    ("count_themes_case_themes_delete", "cases_case_themes"),
    ("count_themes_case_update", "cases_case"),
    ("count_themes_case_delete", "cases_case"),
]
FUNCTIONS = ["count_themes_case_themes", "count_themes_case"]
KEYS = "theme, state, is_open"


def _row(row: str, delta: int) -> str:
    """The theme row's (OLD or NEW) count, with its case's state as it is now: nothing if the case
    is gone (removed before its theme rows: its removal took them off)."""
    return (f"INSERT INTO {TABLE} ({KEYS}, delta) SELECT {row}.theme_id, c.state, c.is_open, {delta} "
            f"FROM cases_case AS c WHERE c.id = {row}.case_id")


def _case(row: str, delta: int) -> str:
    """Every theme of the case (OLD or NEW), with the case's state as `row` has it."""
    return (f"INSERT INTO {TABLE} ({KEYS}, delta) SELECT t.theme_id, {row}.state, {row}.is_open, {delta} "
            f"FROM cases_case_themes AS t WHERE t.case_id = {row}.id")


MOVED = "NEW.theme_id {differs} OLD.theme_id OR NEW.case_id {differs} OLD.case_id"
CHANGED = "NEW.state {differs} OLD.state OR NEW.is_open {differs} OLD.is_open"


def sqlite_statements() -> list[str]:
    insert, update, delete, case_update, case_delete = (name for name, _ in TRIGGERS)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case_themes FOR EACH ROW BEGIN {_row('NEW', 1)}; END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF theme_id, case_id ON cases_case_themes FOR EACH ROW "
        f"WHEN {MOVED.format(differs='IS NOT')} BEGIN {_row('OLD', -1)}; {_row('NEW', 1)}; END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case_themes FOR EACH ROW BEGIN {_row('OLD', -1)}; END",
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF state, is_open ON cases_case FOR EACH ROW "
        f"WHEN {CHANGED.format(differs='IS NOT')} BEGIN {_case('OLD', -1)}; {_case('NEW', 1)}; END",
        f"CREATE TRIGGER {case_delete} AFTER DELETE ON cases_case FOR EACH ROW BEGIN {_case('OLD', -1)}; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, delete, case_update, case_delete = (name for name, _ in TRIGGERS)
    rows, cases = FUNCTIONS
    return [
        f"CREATE OR REPLACE FUNCTION {rows}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_row('OLD', -1)}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_row('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        f"CREATE OR REPLACE FUNCTION {cases}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_case('OLD', -1)}; "
        f"IF TG_OP = 'UPDATE' THEN {_case('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case_themes FOR EACH ROW EXECUTE FUNCTION {rows}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF theme_id, case_id ON cases_case_themes FOR EACH ROW "
        f"WHEN ({MOVED.format(differs='IS DISTINCT FROM')}) EXECUTE FUNCTION {rows}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case_themes FOR EACH ROW EXECUTE FUNCTION {rows}()",
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF state, is_open ON cases_case FOR EACH ROW "
        f"WHEN ({CHANGED.format(differs='IS DISTINCT FROM')}) EXECUTE FUNCTION {cases}()",
        f"CREATE TRIGGER {case_delete} AFTER DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION {cases}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, FUNCTIONS)


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


#: Each theme's cases by state (the theme rows joined to their cases: 1.5 million at a million cases).
LIVE = ("SELECT t.theme_id, c.state, c.is_open, COUNT(*) FROM cases_case_themes AS t "
        "JOIN cases_case AS c ON c.id = t.case_id GROUP BY t.theme_id, c.state, c.is_open")


def agree(connection=None) -> bool:
    """Whether the kept counts are each theme and state's live COUNT (one grouped read of the theme rows and their cases)."""
    return sums_agree(connection or default_connection, TABLE, KEYS, LIVE)


def rebuild(connection=None) -> None:
    """Count every theme's cases again (when the triggers come back after a migrate, or after a
    flush); counts that already agree are left as they are (a restore writes nothing)."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql") or agree(connection):
        return
    count_again(connection, TABLE, KEYS, LIVE)


def compact(connection=None) -> dict:
    """Fold each theme's rows into one (the worker's `theme_counts` job, every minute)."""
    return fold(connection or default_connection, TABLE, KEYS)


class KeptForTheme(Kept):
    """The number of cases given the `theme` (its id) in `states` (every state if None), only the
    open ones (as `is_open` says) if `open`: for `count_each` to read with the page's other counts
    in its one query."""

    def __init__(self, theme: int, states: list[str] | None = None, *, open: bool = False):
        super().__init__(states, open=open)
        self.theme = theme

    def as_sql(self) -> tuple[str, list]:
        return self.summed(TABLE, ["theme = %s"], [self.theme])


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
