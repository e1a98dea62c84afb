"""The handler's sort name copied onto the case by triggers, so the queue sorted by handler reads an index.

The queue's "sort by handler" orders by the handler's first name, then username (cases with no
handler last), then the id. Read through a join to the users, no index had that order: every page
read all of the filter's cases and sorted them (all open cases by handler: 80-300 ms on SQLite at a
million cases, 1.3 s for the slowest filter; "including closed" sorted a million rows).

`cases_case.handler_first_name` and `cases_case.handler_username` are the case's handler's
`first_name` and `username` (both empty without a handler), on every case, open or closed. Indexes
in the queue's order (performance migration 0019) then give a page by reading 25 entries.

Triggers, as for the resident's name (putright.performance.copies), so nothing can leave the copy
stale: a case logged, imported or re-allocated, a user renamed (every case of theirs), a stale model
instance saved, SQL typed by hand. They are listed with the tallies' triggers
(`triggers.trigger_names`), so migrations take them off and put them back the same way, and
`refill()` then corrects any copy that went stale meanwhile.
"""

from __future__ import annotations

from putright.performance import triggers

USERS = "accounts_user"
COLUMNS = ["handler_first_name", "handler_username"]
SOURCES = ["first_name", "username"]  # the user's columns, in the order of COLUMNS

TRIGGERS = [
    ("copy_handler_name_case_insert", "cases_case"),
    ("copy_handler_name_case_update", "cases_case"),
    ("copy_handler_name_user_update", USERS),
]
FUNCTIONS = ["copy_handler_name_case", "copy_handler_name_user"]


def of(row: str, column: str) -> str:
    """The user's column for the copy `column` of the case row `row` (NULL without a handler)."""
    source = SOURCES[COLUMNS.index(column)]
    return f"(SELECT {source} FROM {USERS} WHERE id = {row}.handler_id)"


def _stale(row: str, differs: str) -> str:
    return " OR ".join(f"{row}.{column} {differs} {of(row, column)}" for column in COLUMNS)


def _set(row: str) -> str:
    """SET clause of an UPDATE of cases_case making the copies right from the row `row`'s handler.
    Written one column at a time: a row-valued subquery gives no row (not NULLs) without a handler."""
    return ", ".join(f"{column} = {of(row, column)}" for column in COLUMNS)


def sqlite_statements() -> list[str]:
    insert, update, renamed = (name for name, _ in TRIGGERS)
    fix = f"WHEN {_stale('NEW', 'IS NOT')} BEGIN UPDATE cases_case SET {_set('NEW')} WHERE id = NEW.id; END"
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in SOURCES)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW {fix}",
        # A save from a model instance writes the columns back as it read them: put them right again.
        f"CREATE TRIGGER {update} AFTER UPDATE OF handler_id, {', '.join(COLUMNS)} ON cases_case FOR EACH ROW {fix}",
        f"CREATE TRIGGER {renamed} AFTER UPDATE OF {', '.join(SOURCES)} ON {USERS} FOR EACH ROW WHEN {changed} "
        f"BEGIN UPDATE cases_case SET {', '.join(f'{c} = NEW.{s}' for c, s in zip(COLUMNS, SOURCES))} WHERE handler_id = NEW.id; END",
    ]


def postgresql_statements() -> list[str]:
    insert, update, renamed = (name for name, _ in TRIGGERS)
    case_function, user_function = FUNCTIONS
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SOURCES)
    differs = " OR ".join(f"{c} IS DISTINCT FROM NEW.{s}" for c, s in zip(COLUMNS, SOURCES))
    assign = " ".join(f"NEW.{column} := {of('NEW', column)};" for column in COLUMNS)
    return [
        f"CREATE OR REPLACE FUNCTION {case_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{assign} RETURN NEW; END $$",
        f"CREATE OR REPLACE FUNCTION {user_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE cases_case SET {', '.join(f'{c} = NEW.{s}' for c, s in zip(COLUMNS, SOURCES))} "
        f"WHERE handler_id = NEW.id AND ({differs}); RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} BEFORE INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {case_function}()",
        f"CREATE TRIGGER {update} BEFORE UPDATE OF handler_id, {', '.join(COLUMNS)} ON cases_case FOR EACH ROW "
        f"EXECUTE FUNCTION {case_function}()",
        f"CREATE TRIGGER {renamed} AFTER UPDATE OF {', '.join(SOURCES)} ON {USERS} FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION {user_function}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, FUNCTIONS)


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


def refill_sql(vendor: str) -> list[str]:
    """Every copy made right, set-based: the cases with a handler from their users, then emptied
    where there is none. The migration that adds the columns fills them with the same statements."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    if vendor == "postgresql":  # one join, not a lookup per case per column
        fill = (f"UPDATE cases_case SET {', '.join(f'{c} = u.{s}' for c, s in zip(COLUMNS, SOURCES))} FROM {USERS} u "
                f"WHERE u.id = cases_case.handler_id AND ({' OR '.join(f'cases_case.{c} {differs} u.{s}' for c, s in zip(COLUMNS, SOURCES))})")
    else:
        fill = f"UPDATE cases_case SET {_set('cases_case')} WHERE handler_id IS NOT NULL AND ({_stale('cases_case', differs)})"
    empty = f"UPDATE cases_case SET {', '.join(f'{c} = NULL' for c in COLUMNS)} WHERE handler_id IS NULL AND ({' OR '.join(f'{c} IS NOT NULL' for c in COLUMNS)})"
    return [fill, empty]


def refill(connection) -> int:
    return triggers.run_all(connection, refill_sql(connection.vendor))


def drop(apps, schema_editor):
    """Migrating back past the migration that made the columns: take the triggers off first."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
