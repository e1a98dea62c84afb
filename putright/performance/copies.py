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

`cases_case.extended_open` is TRUE while a stage of the case awaits its response by a date an
agreed extension moved (`queue_table.extended_stages`), and empty otherwise. The queue's
"Extended" filter read every open case to find the few thousand of them (10-20 ms of SQL at a
million cases); with the mark on the case, an index of open extended cases in the queue's order
(performance migration 0007) gives a page by reading 25 entries, and its total by counting them.
Triggers on the stages set it; one on the case puts it right if a save writes it back stale.

`cases_case_themes.case_open` is TRUE while the row's case is open, and empty otherwise: the
queue's theme filter reads the theme's few thousand open cases from an index of these rows
(performance migration 0008), where it visited every open case (or every case the theme was ever
given to) to look its themes up. The same rows also carry, while the case is open, its stage,
next deadline and handler (and, always, the date it was received): a page of a theme (and a stage,
and a handler) by deadline is then 25 entries of an index of them in the queue's order
(performance migration 0013), where each of the theme's open cases was looked up and all sorted.
"""

from __future__ import annotations

from putright.performance import stagemarks, triggers
from putright.rules import lifecycle

NAME_OF = "(SELECT name FROM residents_resident WHERE id = {row}.resident_id)"

# (name, table) of every trigger here.
TRIGGERS = [
    ("copy_resident_name_case_insert", "cases_case"),
    ("copy_resident_name_case_update", "cases_case"),
    ("copy_resident_name_resident_update", "residents_resident"),
]
FUNCTIONS = ["copy_resident_name_case", "copy_resident_name_resident"]

#: TRUE if the case has a stage awaiting its response by an extended date, else NULL (the same
#: test as the partial index stage_open_extended, so each probe is one of its entries).
EXTENDED_OF = ("(SELECT TRUE FROM cases_stage WHERE case_id = {case} AND responded_on IS NULL "
               "AND NOT (respond_by = code_respond_by) LIMIT 1)")
EXTENDED_TRIGGERS = [
    ("copy_extended_stage_insert", "cases_stage"),
    ("copy_extended_stage_update", "cases_stage"),
    ("copy_extended_stage_delete", "cases_stage"),
    ("copy_extended_case_insert", "cases_case"),
    ("copy_extended_case_update", "cases_case"),
]
EXTENDED_FUNCTIONS = ["copy_extended_stage", "copy_extended_case"]
TRIGGERS += EXTENDED_TRIGGERS
FUNCTIONS += EXTENDED_FUNCTIONS

THEME_TRIGGERS = [
    ("copy_case_open_theme_insert", "cases_case_themes"),
    ("copy_case_open_theme_update", "cases_case_themes"),
    ("copy_case_open_case_update", "cases_case"),
]
THEME_FUNCTIONS = ["copy_case_open_theme", "copy_case_open_case"]
TRIGGERS += THEME_TRIGGERS
FUNCTIONS += THEME_FUNCTIONS

#: The theme rows' copies of their case's place in the queue: its stage (1 or 2; empty outside a
#: stage), next deadline and handler while it is open, empty once closed; and the date it was
#: received.
STAGE_STATES = {stage: [state.value for state in states] for stage, states in lifecycle.STAGE_STATES.items()}


def order_of(case: str, *, named: bool = False) -> str:
    """The copies (ORDER_COLUMNS) from the case row `case` (c, NEW)."""
    stages = " ".join(f"WHEN {case}.state IN ({', '.join(repr(s) for s in states)}) THEN {stage}"
                      for stage, states in STAGE_STATES.items())
    stage, deadline, handler, received = ((" AS case_stage", " AS case_deadline", " AS case_handler", " AS received_on")
                                          if named else ("", "", "", ""))
    return (f"CASE WHEN {case}.is_open THEN CASE {stages} END END{stage}, "
            f"CASE WHEN {case}.is_open THEN {case}.next_deadline_by END{deadline}, "
            f"CASE WHEN {case}.is_open THEN {case}.handler_id END{handler}, {case}.received_on{received}")


ORDER_COLUMNS = "case_stage, case_deadline, case_handler, received_on"
ORDER_TRIGGERS = [
    ("copy_theme_order_theme_insert", "cases_case_themes"),
    ("copy_theme_order_theme_update", "cases_case_themes"),
    ("copy_theme_order_case_update", "cases_case"),
]
ORDER_FUNCTIONS = ["copy_theme_order_theme", "copy_theme_order_case"]
TRIGGERS += ORDER_TRIGGERS
FUNCTIONS += ORDER_FUNCTIONS
#: What a change to the case must touch its theme rows for (the columns the copies are made of).
ORDER_SOURCES = ["state", "is_open", "next_deadline_by", "handler_id", "received_on"]


def _order_differs(row: str, case: str, differs: str) -> str:
    copies = [c.strip() for c in ORDER_COLUMNS.split(",")]
    return f"({', '.join(f'{row}.{c}' for c in copies)}) {differs} ({order_of(case)})"


def _order_sqlite() -> list[str]:
    theme_insert, theme_update, case_update = (name for name, _ in ORDER_TRIGGERS)
    fix = (f"WHEN EXISTS (SELECT 1 FROM cases_case c WHERE c.id = NEW.case_id AND {_order_differs('NEW', 'c', 'IS NOT')}) "
           f"BEGIN UPDATE cases_case_themes SET ({ORDER_COLUMNS}) = (SELECT {order_of('c')} FROM cases_case c WHERE c.id = NEW.case_id) "
           f"WHERE id = NEW.id; END")
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ORDER_SOURCES)
    return [
        f"CREATE TRIGGER {theme_insert} AFTER INSERT ON cases_case_themes FOR EACH ROW {fix}",
        # A save from a model instance writes the copies back as it read them: put them right again.
        f"CREATE TRIGGER {theme_update} AFTER UPDATE OF case_id, {ORDER_COLUMNS} ON cases_case_themes FOR EACH ROW {fix}",
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF {', '.join(ORDER_SOURCES)} ON cases_case FOR EACH ROW WHEN {changed} "
        f"BEGIN UPDATE cases_case_themes SET ({ORDER_COLUMNS}) = ({order_of('NEW')}) "
        f"WHERE case_id = NEW.id AND {_order_differs('cases_case_themes', 'NEW', 'IS NOT')}; END",
    ]


def _order_postgresql() -> list[str]:
    theme_insert, theme_update, case_update = (name for name, _ in ORDER_TRIGGERS)
    theme_function, case_function = ORDER_FUNCTIONS
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ORDER_SOURCES)
    return [
        f"CREATE OR REPLACE FUNCTION {theme_function}() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE copied record; BEGIN "
        f"SELECT {order_of('c', named=True)} INTO copied FROM cases_case c WHERE c.id = NEW.case_id; "
        f"IF FOUND THEN NEW.case_stage := copied.case_stage; NEW.case_deadline := copied.case_deadline; "
        f"NEW.case_handler := copied.case_handler; END IF; "
        # A row given without its date received stays refused (the reports' copy: CaseTheme.defaults_for).
        f"IF FOUND AND NEW.received_on IS NOT NULL THEN NEW.received_on := copied.received_on; END IF; "
        f"RETURN NEW; END $$",
        f"CREATE OR REPLACE FUNCTION {case_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE cases_case_themes SET ({ORDER_COLUMNS}) = ({order_of('NEW')}) "
        f"WHERE case_id = NEW.id AND {_order_differs('cases_case_themes', 'NEW', 'IS DISTINCT FROM')}; RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in ORDER_TRIGGERS),
        f"CREATE TRIGGER {theme_insert} BEFORE INSERT ON cases_case_themes FOR EACH ROW EXECUTE FUNCTION {theme_function}()",
        f"CREATE TRIGGER {theme_update} BEFORE UPDATE OF case_id, {ORDER_COLUMNS} ON cases_case_themes FOR EACH ROW "
        f"EXECUTE FUNCTION {theme_function}()",
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF {', '.join(ORDER_SOURCES)} ON cases_case FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION {case_function}()",
    ]


def _theme_sqlite() -> list[str]:
    # The same mark as a stage's (putright.performance.stagemarks), on the case themes.
    return stagemarks.open_mark_sqlite("cases_case_themes", THEME_TRIGGERS)


def _theme_postgresql() -> list[str]:
    return stagemarks.open_mark_postgresql("cases_case_themes", THEME_TRIGGERS, THEME_FUNCTIONS)


def _set_extended(case: str, differs: str) -> str:
    extended = EXTENDED_OF.format(case=case)
    return f"UPDATE cases_case SET extended_open = {extended} WHERE id = {case} AND extended_open {differs} {extended}"


def _extended_sqlite() -> list[str]:
    stage_insert, stage_update, stage_delete, case_insert, case_update = (name for name, _ in EXTENDED_TRIGGERS)
    new, old = _set_extended("NEW.case_id", "IS NOT"), _set_extended("OLD.case_id", "IS NOT")
    fix = f"WHEN NEW.extended_open IS NOT {EXTENDED_OF.format(case='NEW.id')} BEGIN {_set_extended('NEW.id', 'IS NOT')}; END"
    return [
        f"CREATE TRIGGER {stage_insert} AFTER INSERT ON cases_stage FOR EACH ROW BEGIN {new}; END",
        f"CREATE TRIGGER {stage_update} AFTER UPDATE OF case_id, responded_on, respond_by, code_respond_by ON cases_stage "
        f"FOR EACH ROW BEGIN {new}; {old}; END",
        f"CREATE TRIGGER {stage_delete} AFTER DELETE ON cases_stage FOR EACH ROW BEGIN {old}; END",
        f"CREATE TRIGGER {case_insert} AFTER INSERT ON cases_case FOR EACH ROW {fix}",
        # A save from a model instance writes the column back as it read it: put it right again.
        f"CREATE TRIGGER {case_update} AFTER UPDATE OF extended_open ON cases_case FOR EACH ROW {fix}",
    ]


def _extended_postgresql() -> list[str]:
    stage_insert, stage_update, stage_delete, case_insert, case_update = (name for name, _ in EXTENDED_TRIGGERS)
    stage_function, case_function = EXTENDED_FUNCTIONS
    return [
        f"CREATE OR REPLACE FUNCTION {stage_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_set_extended('OLD.case_id', 'IS DISTINCT FROM')}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_set_extended('NEW.case_id', 'IS DISTINCT FROM')}; END IF; "
        f"RETURN NULL; END $$",
        f"CREATE OR REPLACE FUNCTION {case_function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.extended_open := {EXTENDED_OF.format(case='NEW.id')}; RETURN NEW; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in EXTENDED_TRIGGERS),
        f"CREATE TRIGGER {stage_insert} AFTER INSERT ON cases_stage FOR EACH ROW EXECUTE FUNCTION {stage_function}()",
        f"CREATE TRIGGER {stage_update} AFTER UPDATE OF case_id, responded_on, respond_by, code_respond_by ON cases_stage "
        f"FOR EACH ROW EXECUTE FUNCTION {stage_function}()",
        f"CREATE TRIGGER {stage_delete} AFTER DELETE ON cases_stage FOR EACH ROW EXECUTE FUNCTION {stage_function}()",
        f"CREATE TRIGGER {case_insert} BEFORE INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {case_function}()",
        f"CREATE TRIGGER {case_update} BEFORE UPDATE OF extended_open ON cases_case FOR EACH ROW EXECUTE FUNCTION {case_function}()",
    ]


def sqlite_statements() -> list[str]:
    insert, update, renamed = (name for name, _ in TRIGGERS[:3])
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
        *_extended_sqlite(),
        *_theme_sqlite(),
        *_order_sqlite(),
    ]


def postgresql_statements() -> list[str]:
    insert, update, renamed = (name for name, _ in TRIGGERS[:3])
    case_function, resident_function = FUNCTIONS[:2]
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
        *_extended_postgresql(),
        *_theme_postgresql(),
        *_order_postgresql(),
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, FUNCTIONS)


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


def refill_sql(vendor: str) -> str:
    """Correct every copy that differs (after a migration ran without the triggers)."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return (f"UPDATE cases_case SET resident_name = {NAME_OF.format(row='cases_case')} "
            f"WHERE resident_name {differs} {NAME_OF.format(row='cases_case')}")


#: The cases with a stage awaiting its response by an extended date (from stage_open_extended).
EXTENDED_CASES = "SELECT case_id FROM cases_stage WHERE responded_on IS NULL AND NOT (respond_by = code_respond_by)"
#: The extended marks made right: set where missing, emptied where no longer true. Set-based from
#: the few extended stages, not a probe per case (a second or so at a million cases each migrate).
EXTENDED_REFILL = [
    f"UPDATE cases_case SET extended_open = TRUE WHERE id IN ({EXTENDED_CASES}) AND extended_open IS NOT TRUE",
    f"UPDATE cases_case SET extended_open = NULL WHERE extended_open IS NOT NULL AND (extended_open IS NOT TRUE OR id NOT IN ({EXTENDED_CASES}))",
]

OPEN_CASES = "SELECT id FROM cases_case WHERE is_open"
#: The themes' open marks made right, set-based (a scan of the case themes, each migrate).
THEME_REFILL = [
    f"UPDATE cases_case_themes SET case_open = TRUE WHERE case_id IN ({OPEN_CASES}) AND case_open IS NOT TRUE",
    f"UPDATE cases_case_themes SET case_open = NULL WHERE case_open IS NOT NULL AND (case_open IS NOT TRUE OR case_id NOT IN ({OPEN_CASES}))",
]

#: The theme rows' copies made right, set-based: those of the open cases' rows from their cases
#: (through the index of open cases), then emptied on the rows of cases closed (a scan of the case
#: themes, as above, each migrate). A closed case's received_on is not looked at again: nothing
#: changes it once the case is logged, and the queue reads only the open cases' rows.
ORDER_REFILL = [
    f"UPDATE cases_case_themes SET ({ORDER_COLUMNS}) = (SELECT {order_of('c')} FROM cases_case c WHERE c.id = cases_case_themes.case_id) "
    f"WHERE case_id IN ({OPEN_CASES}) AND EXISTS (SELECT 1 FROM cases_case c WHERE c.id = cases_case_themes.case_id "
    f"AND {_order_differs('cases_case_themes', 'c', '{differs}')})",
    "UPDATE cases_case_themes SET case_stage = NULL, case_deadline = NULL, case_handler = NULL "
    "WHERE (case_stage IS NOT NULL OR case_deadline IS NOT NULL OR case_handler IS NOT NULL) AND case_open IS NULL",
]


def order_refill(vendor: str) -> list[str]:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return [sql.replace("{differs}", differs) for sql in ORDER_REFILL]


def refill(connection) -> int:
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(refill_sql(connection.vendor))
        changed = cursor.rowcount
        for sql in [*EXTENDED_REFILL, *THEME_REFILL, *order_refill(connection.vendor)]:
            cursor.execute(sql)
            changed += cursor.rowcount
        return changed


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first
    (SQLite checks every trigger against the schema when a table changes)."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
