"""A theme's cases, open or closed, counted as they change, so "including closed" with a theme is not counted live.

"Any state, including closed" with a theme counted the theme's every row of `cases_case_themes`
on every page (75,000 at a million cases: 2 ms on SQLite, 4-6 ms of PostgreSQL's time; before,
its cases joined: 70 and 190 ms). Database triggers on the case themes add a row to
`performance_themecasecount` (the theme, +1) when a case is given a theme, (the theme, -1) when
it is taken off (a case removed takes its themes with it, each row deleted), and both when a row
moves to another theme: rows are only ever added, as for the counts by state
(putright.performance.casecounts, decision 0011). A theme's count is the sum of its rows; the
worker's `theme_counts` job (every minute) and an import fold them into one row a theme.
Only the theme's total is kept: a theme with a state (open or closed) is counted from its rows or
its cases as before (decision 0019). The sum is always exact: `test_themecounts.py` holds it to a
live COUNT after every kind of change. The triggers are listed with the tallies' (so migrations
take them off and put them back), and `rebuild()` counts again whole when they come back.
"""

from __future__ import annotations

from django.db import connection as default_connection

from putright.performance import triggers
from putright.performance.casecounts import Kept, count_again, fold

TABLE = "performance_themecasecount"
TRIGGERS = [
    ("count_themes_case_themes_insert", "cases_case_themes"),
    ("count_themes_case_themes_update", "cases_case_themes"),
    ("count_themes_case_themes_delete", "cases_case_themes"),
]
FUNCTION = "count_themes_case_themes"


def _add(row: str, delta: int) -> str:
    return f"INSERT INTO {TABLE} (theme, delta) VALUES ({row}.theme_id, {delta})"


def sqlite_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case_themes FOR EACH ROW BEGIN {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF theme_id ON cases_case_themes FOR EACH ROW "
        f"WHEN NEW.theme_id IS NOT OLD.theme_id BEGIN {_add('OLD', -1)}; {_add('NEW', 1)}; END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case_themes FOR EACH ROW BEGIN {_add('OLD', -1)}; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_add('OLD', -1)}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_add('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case_themes FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF theme_id ON cases_case_themes FOR EACH ROW "
        f"WHEN (NEW.theme_id IS DISTINCT FROM OLD.theme_id) EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case_themes FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, [FUNCTION])


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


#: Each theme's rows, from the index of the theme rows by theme (case_theme_received).
LIVE = "SELECT theme_id, COUNT(*) FROM cases_case_themes GROUP BY theme_id"


def agree(connection=None) -> bool:
    """Whether the kept counts are each theme's live COUNT of rows (one grouped read of an index)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(LIVE)
        live = dict(cursor.fetchall())
        cursor.execute(f"SELECT theme, SUM(delta) FROM {TABLE} GROUP BY theme")
        kept = {theme: n for theme, n in cursor.fetchall() if n}
    return live == kept


def rebuild(connection=None) -> None:
    """Count every theme's cases again (when the triggers come back after a migrate, or after a
    flush); counts that already agree are left as they are (a restore writes nothing)."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql") or agree(connection):
        return
    count_again(connection, TABLE, "theme", LIVE)


def compact(connection=None) -> dict:
    """Fold each theme's rows into one (the worker's `theme_counts` job, every minute)."""
    return fold(connection or default_connection, TABLE, "theme")


class KeptForTheme(Kept):
    """The number of cases given the `theme` (its id), open or closed: for `count_each` to read
    with the page's other counts in its one query."""

    def __init__(self, theme: int):
        super().__init__(None)
        self.theme = theme

    def as_sql(self) -> tuple[str, list]:
        return f"(SELECT COALESCE(SUM(delta), 0) FROM {TABLE} WHERE theme = %s)", [self.theme]


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
