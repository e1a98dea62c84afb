"""Columns copied onto the case by database triggers, so the queue can read an order from an index.

`cases_case.resident_name` is the name of the case's resident (NULL without one). The queue sorted
by resident joined every open case to its resident and sorted them all (130 ms at a million
cases); with the name on the case, an index of open cases (performance migration 0005) gives a
page by reading 25 entries.

Triggers, as for the tallies (putright.performance.triggers), so nothing can leave the copy
stale: a case logged, imported or given another resident, a resident renamed or anonymised, a
stale model instance saved, SQL typed by hand. They are listed with the tallies' triggers
(`triggers.trigger_names`), so migrations take them off and put them back the same way, and
`refill()` then corrects any copy that went stale meanwhile.
"""

from __future__ import annotations

NAME_OF = "(SELECT name FROM residents_resident WHERE id = {row}.resident_id)"

# (name, table) of every trigger here.
TRIGGERS = [
    ("copy_resident_name_case_insert", "cases_case"),
    ("copy_resident_name_case_update", "cases_case"),
    ("copy_resident_name_resident_update", "residents_resident"),
]
FUNCTIONS = ["copy_resident_name_case", "copy_resident_name_resident"]


def sqlite_statements() -> list[str]:
    insert, update, renamed = (name for name, _ in TRIGGERS)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW "
        f"WHEN NEW.resident_name IS NOT {NAME_OF.format(row='NEW')} "
        f"BEGIN UPDATE cases_case SET resident_name = {NAME_OF.format(row='NEW')} WHERE id = NEW.id; END",
        # A save from a model instance writes the column back as it read it: put it right again.
        f"CREATE TRIGGER {update} AFTER UPDATE OF resident_id, resident_name ON cases_case FOR EACH ROW "
        f"WHEN NEW.resident_name IS NOT {NAME_OF.format(row='NEW')} "
        f"BEGIN UPDATE cases_case SET resident_name = {NAME_OF.format(row='NEW')} WHERE id = NEW.id; END",
        f"CREATE TRIGGER {renamed} AFTER UPDATE OF name ON residents_resident FOR EACH ROW "
        f"WHEN NEW.name IS NOT OLD.name "
        f"BEGIN UPDATE cases_case SET resident_name = NEW.name WHERE resident_id = NEW.id; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, renamed = (name for name, _ in TRIGGERS)
    case_function, resident_function = FUNCTIONS
    return [
        f"CREATE OR REPLACE FUNCTION {case_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.resident_name := {NAME_OF.format(row='NEW')}; RETURN NEW; END $$",
        f"CREATE OR REPLACE FUNCTION {resident_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE cases_case SET resident_name = NEW.name WHERE resident_id = NEW.id AND resident_name IS DISTINCT FROM NEW.name; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} BEFORE INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {case_function}()",
        f"CREATE TRIGGER {update} BEFORE UPDATE OF resident_id, resident_name ON cases_case FOR EACH ROW "
        f"EXECUTE FUNCTION {case_function}()",
        f"CREATE TRIGGER {renamed} AFTER UPDATE OF name ON residents_resident FOR EACH ROW "
        f"WHEN (NEW.name IS DISTINCT FROM OLD.name) EXECUTE FUNCTION {resident_function}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
                *(f"DROP FUNCTION IF EXISTS {function}()" for function in FUNCTIONS)]
    return [f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS]


def statements(vendor: str) -> list[str]:
    return sqlite_statements() if vendor == "sqlite" else postgresql_statements() if vendor == "postgresql" else []


def refill_sql(vendor: str) -> str:
    """Correct every copy that differs (after a migration ran without the triggers)."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return (f"UPDATE cases_case SET resident_name = {NAME_OF.format(row='cases_case')} "
            f"WHERE resident_name {differs} {NAME_OF.format(row='cases_case')}")


def refill(connection) -> int:
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(refill_sql(connection.vendor))
        return cursor.rowcount


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first
    (SQLite checks every trigger against the schema when a table changes)."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
