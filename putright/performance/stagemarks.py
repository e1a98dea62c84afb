"""Whether a stage's case is open, marked on the stage by triggers, so the queue's counts of updates owed read one table.

The queue counts, on every page, the stages owed an update (and of them the missed ones): a
stage awaiting its response whose next agreed update is due (putright.cases.worklists). Only
open cases count, and joining `cases_case` for its `is_open` cost PostgreSQL more to plan (its 30
indexes, 15 of them partial, weighed for each of the two counts: 0.33 ms of the counting query's
0.7 ms of planning at a million cases) than the few stages cost to count. `cases_stage.case_open`
is TRUE while the stage's case is open and empty otherwise, as `cases_case_themes.case_open` is
for the theme filter (putright.performance.copies; decision 0011): set when a stage is made or
moved to another case, put right when a save writes it back stale, and set on all of a case's
stages when the case is opened or closed. `refill()` corrects every mark after a migrate.
"""

from __future__ import annotations

from putright.performance import triggers

OPEN_OF = "(SELECT TRUE FROM cases_case WHERE id = {case} AND is_open)"
TRIGGERS = [
    ("mark_stage_case_open_insert", "cases_stage"),
    ("mark_stage_case_open_update", "cases_stage"),
    ("mark_stage_case_open_case_update", "cases_case"),
]
FUNCTIONS = ["mark_stage_case_open_stage", "mark_stage_case_open_case"]


def open_mark_sqlite(table: str, triggers: list[tuple[str, str]]) -> list[str]:
    """SQLite triggers keeping `table`.case_open (TRUE while the row's case is open, else empty):
    (row insert, row update, case update) named by `triggers`. Written for any table of a case's
    rows: the case themes' mark (putright.performance.copies) is made by these too."""
    row_insert, row_update, case_update = (name for name, _ in triggers)
    fix = (f"WHEN NEW.case_open IS NOT {OPEN_OF.format(case='NEW.case_id')} "
           f"BEGIN UPDATE {table} SET case_open = {OPEN_OF.format(case='NEW.case_id')} WHERE id = NEW.id; END")
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in triggers),
        f"CREATE TRIGGER {row_insert} AFTER INSERT ON {table} FOR EACH ROW {fix}",
        # A save from a model instance writes the column back as it read it: put it right again.
        f"CREATE TRIGGER {row_update} AFTER UPDATE OF case_id, case_open ON {table} FOR EACH ROW {fix}",
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF is_open ON cases_case FOR EACH ROW WHEN NEW.is_open IS NOT OLD.is_open "
        f"BEGIN UPDATE {table} SET case_open = {OPEN_OF.format(case='NEW.id')} WHERE case_id = NEW.id; END",
    ]


def open_mark_postgresql(table: str, triggers: list[tuple[str, str]], functions: list[str]) -> list[str]:
    """The same on PostgreSQL, with its two trigger `functions` (the row's, the case's)."""
    row_insert, row_update, case_update = (name for name, _ in triggers)
    row_function, case_function = functions
    return [
        f"CREATE OR REPLACE FUNCTION {row_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.case_open := {OPEN_OF.format(case='NEW.case_id')}; RETURN NEW; END $$",
        f"CREATE OR REPLACE FUNCTION {case_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE {table} SET case_open = CASE WHEN NEW.is_open THEN TRUE END "
        f"WHERE case_id = NEW.id AND case_open IS DISTINCT FROM (CASE WHEN NEW.is_open THEN TRUE END); RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {on}" for name, on in triggers),
        f"CREATE TRIGGER {row_insert} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {row_function}()",
        f"CREATE TRIGGER {row_update} BEFORE UPDATE OF case_id, case_open ON {table} FOR EACH ROW EXECUTE FUNCTION {row_function}()",
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF is_open ON cases_case FOR EACH ROW "
        f"WHEN (NEW.is_open IS DISTINCT FROM OLD.is_open) EXECUTE FUNCTION {case_function}()",
    ]


def sqlite_statements() -> list[str]:
    return open_mark_sqlite("cases_stage", TRIGGERS)


def postgresql_statements() -> list[str]:
    return open_mark_postgresql("cases_stage", TRIGGERS, FUNCTIONS)


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, FUNCTIONS)


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


OPEN_CASES = "SELECT id FROM cases_case WHERE is_open"


def open_mark_refill(table: str) -> list[str]:
    """`table`'s marks made right, set-based (the open cases' rows, and those marked: each migrate)."""
    return [
        f"UPDATE {table} SET case_open = TRUE WHERE case_id IN ({OPEN_CASES}) AND case_open IS NOT TRUE",
        f"UPDATE {table} SET case_open = NULL WHERE case_open IS NOT NULL AND (case_open IS NOT TRUE OR case_id NOT IN ({OPEN_CASES}))",
    ]


REFILL = open_mark_refill("cases_stage")


def refill(connection) -> int:
    return triggers.run_all(connection, REFILL)


def drop(apps, schema_editor):
    """Migrating back past the migration that made the column: take the triggers off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
