"""The case's handler copied onto the rows of a handler's worklist counts by triggers, so "My cases" counts without joining the cases.

A handler's queue ("My cases", where a handler lands) counts on every page the stages owed an
update (and of them the missed ones), the outstanding actions overdue and the remedies overdue of
their own cases (putright.cases.worklists). Each of the four joined `cases_case` for its handler:
PostgreSQL weighed the case table's 30 indexes to plan each join, and SQLite looked each row's
case up. With the handler on the row, each count is one range of a small partial index of its own
table (performance migration 0014), as everyone's are (decision 0011 lists the copies).

`case_handler` is the case's handler:
- on a stage, while its case is open (empty once closed, as `case_open` is): the updates owed are
  counted for open cases only, and the fill writes the open cases' stages, not every stage;
- on an outstanding action or a remedy, while it is not completed: those are counted whether the
  case is open or not, until done.

Set when a row is made, moved to another case or completed (or reopened), put right when a save
writes it back stale, and set on all of a case's rows when the case is re-allocated (or opened or
closed). `refill()` corrects every copy after a migrate.
"""

from __future__ import annotations

from putright.performance import triggers

#: (table, when the row carries the handler: SQL over the row {row} and its case {case}, the
#: row's columns that change it, the case's columns that change it)
TABLES = [
    ("cases_stage", "{case}.is_open", ["case_id", "case_handler"], ["handler_id", "is_open"]),
    ("cases_outstandingaction", "{row}.completed_on IS NULL", ["case_id", "case_handler", "completed_on"], ["handler_id"]),
    ("cases_remedy", "{row}.completed_on IS NULL", ["case_id", "case_handler", "completed_on"], ["handler_id"]),
]
CASE_SOURCES = ["handler_id", "is_open"]


def _short(table: str) -> str:
    return table.removeprefix("cases_")


TRIGGERS = [(f"copy_handler_{_short(t)}_{event}", t) for t, *_ in TABLES for event in ("insert", "update")]
TRIGGERS += [("copy_handler_case_update", "cases_case")]
FUNCTIONS = [f"copy_handler_{_short(t)}" for t, *_ in TABLES] + ["copy_handler_case"]


def of_row(table: str, row: str) -> str:
    """The copy a row of `table` should carry, looked up from its case."""
    when = next(w for t, w, *_ in TABLES if t == table)
    return f"(SELECT CASE WHEN {when.format(row=row, case='c')} THEN c.handler_id END FROM cases_case c WHERE c.id = {row}.case_id)"


def of_case(table: str, case: str) -> str:
    """The copy `table`'s rows of the case row `case` should carry (inside an UPDATE of `table`)."""
    when = next(w for t, w, *_ in TABLES if t == table)
    return f"CASE WHEN {when.format(row=table, case=case)} THEN {case}.handler_id END"


def _case_changed(differs: str) -> str:
    return " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in CASE_SOURCES)


def _set_on_case(table: str, differs: str) -> str:
    return f"UPDATE {table} SET case_handler = {of_case(table, 'NEW')} WHERE case_id = NEW.id AND case_handler {differs} {of_case(table, 'NEW')}"


def sqlite_statements() -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS]
    for table, _, row_columns, _ in TABLES:
        fix = (f"WHEN NEW.case_handler IS NOT {of_row(table, 'NEW')} "
               f"BEGIN UPDATE {table} SET case_handler = {of_row(table, 'NEW')} WHERE id = NEW.id; END")
        out += [
            f"CREATE TRIGGER copy_handler_{_short(table)}_insert AFTER INSERT ON {table} FOR EACH ROW {fix}",
            # A save from a model instance writes the column back as it read it: put it right again.
            f"CREATE TRIGGER copy_handler_{_short(table)}_update AFTER UPDATE OF {', '.join(row_columns)} ON {table} FOR EACH ROW {fix}",
        ]
    body = "; ".join(_set_on_case(table, "IS NOT") for table, *_ in TABLES)
    out.append(f"CREATE TRIGGER copy_handler_case_update AFTER UPDATE OF {', '.join(CASE_SOURCES)} ON cases_case FOR EACH ROW "
               f"WHEN {_case_changed('IS NOT')} BEGIN {body}; END")
    return out


def postgresql_statements() -> list[str]:
    out = []
    for table, *_ in TABLES:
        out.append(f"CREATE OR REPLACE FUNCTION copy_handler_{_short(table)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"NEW.case_handler := {of_row(table, 'NEW')}; RETURN NEW; END $$")
    body = "; ".join(_set_on_case(table, "IS DISTINCT FROM") for table, *_ in TABLES)
    out.append(f"CREATE OR REPLACE FUNCTION copy_handler_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$")
    out += [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS]
    for table, _, row_columns, _ in TABLES:
        function = f"copy_handler_{_short(table)}"
        out += [
            f"CREATE TRIGGER {function}_insert BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {function}_update BEFORE UPDATE OF {', '.join(row_columns)} ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {function}()",
        ]
    out.append(f"CREATE TRIGGER copy_handler_case_update AFTER UPDATE OF {', '.join(CASE_SOURCES)} ON cases_case FOR EACH ROW "
               f"WHEN ({_case_changed('IS DISTINCT FROM')}) EXECUTE FUNCTION copy_handler_case()")
    return out


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, FUNCTIONS)


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


#: The rows that may carry a copy (the open cases' stages; the actions and remedies not completed).
CANDIDATES = {
    "cases_stage": "case_id IN (SELECT id FROM cases_case WHERE is_open)",
    "cases_outstandingaction": "completed_on IS NULL",
    "cases_remedy": "completed_on IS NULL",
}


def refill_sql(vendor: str) -> list[str]:
    """Every copy made right, set-based: the rows that may carry one from their cases (a few
    tens of thousands at a million cases), then emptied on the others (a scan of each table)."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    out = []
    for table, where in CANDIDATES.items():
        out += [
            f"UPDATE {table} SET case_handler = {of_row(table, table)} WHERE {where} AND case_handler {differs} {of_row(table, table)}",
            f"UPDATE {table} SET case_handler = NULL WHERE case_handler IS NOT NULL AND NOT ({where})",
        ]
    return out


def refill(connection) -> int:
    return triggers.run_all(connection, refill_sql(connection.vendor))


def drop(apps, schema_editor):
    """Migrating back past the migration that made the columns: take the triggers off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
