"""Database triggers that note which months' tallies a change touched (performance migration
0002). Triggers, not code in the service functions, so that nothing can change the case tables
without it: the actions, the bulk import, a data migration, SQL typed by hand.

Each trigger writes the months of the dates a report counts by (a case's received and withdrawn
dates, each of its stages' requested, responded, acknowledged and ended dates) into
performance_tallydirtymonth. A change to one stage marks the months of every stage of its case,
since a stage 2 figure reads stage 1 (decisions changed at stage 2).
"""

import functools
import re

DIRTY = "performance_tallydirtymonth"

# The case tables, and the columns whose change can move a figure (UPDATE OF ...).
WATCHED = {
    "cases_case": ["kind", "tenure", "service_area_id", "received_on", "withdrawn_on"],
    "cases_stage": ["case_id", "number", "requested_on", "acknowledged_on", "acknowledge_by", "code_respond_by", "respond_by",
                    "responded_on", "decision", "ended_on", "acknowledgement_counts_late", "response_counts_late"],
    "cases_refusal": ["case_id", "stage_number", "refused_on"],
    "cases_extension": ["stage_id", "beyond_code_limit", "good_reason"],
    "cases_case_themes": ["case_id", "theme_id", "kind", "received_on"],
}


def _kinds(vendor: str) -> list[tuple[list[str], list[str]]]:
    """Each kind of trigger, as (its names, the statements that make it on `vendor`): the tallies'
    and those of each module keeping counts or copied columns."""
    from putright.performance import casecounts, copies, deadlinecounts, handlercopies, handlernames, handlerstates, receivedcounts, revisions
    from putright.performance import stagemarks, themecounts

    tallies = [f"tally_{table}_{event}" for table in WATCHED for event in ("insert", "update", "delete")]
    modules = (copies, casecounts, deadlinecounts, stagemarks, handlercopies, handlernames, revisions, handlerstates, themecounts,
               receivedcounts)
    return [(tallies, statements(vendor))] + [([n for n, _ in m.TRIGGERS], m.statements(vendor)) for m in modules]


#: A table's name as the triggers' SQL writes it: each app's tables start with its label.
_TABLE = re.compile(r"\b(?:performance|cases|accounts|residents)_[a-z0-9_]+\b")


def _can_make(sql: list[str], tables: set[str]) -> bool:
    """Whether every table `sql` names is there. Migrated back before a kept count's table (the
    performance app's 0026 undone, say), its triggers are not made: SQLite and PostgreSQL both
    take a trigger naming a missing table, and every change to a case then failed on it."""
    return set(_TABLE.findall(" ".join(sql))) <= tables


def trigger_names(connection=None) -> list[str]:
    """The tallies' triggers, and those keeping the counts and the copied columns
    (putright.performance.copies); given a connection, only those its tables allow (`_can_make`)."""
    if connection is None:
        return [name for names, _tables in named_tables("sqlite") for name in names]
    present = set(connection.introspection.table_names())
    return [name for names, tables in named_tables(connection.vendor) if tables <= present for name in names]


@functools.cache
def named_tables(vendor: str) -> list[tuple[list[str], frozenset[str]]]:
    """Each kind's trigger names and the tables its statements name, worked out once a process:
    writing every statement and reading the tables out of it cost 1-2 ms, and the tallies'
    refresh asks before every figure (putright.performance.schema.missing_triggers)."""
    return [(names, frozenset(_TABLE.findall(" ".join(sql)))) for names, sql in _kinds(vendor)]


def _case_dates(case_id: str) -> str:
    return (
        f"SELECT received_on AS d FROM cases_case WHERE id = {case_id} "
        f"UNION ALL SELECT withdrawn_on FROM cases_case WHERE id = {case_id} "
        f"UNION ALL SELECT requested_on FROM cases_stage WHERE case_id = {case_id} "
        f"UNION ALL SELECT acknowledged_on FROM cases_stage WHERE case_id = {case_id} "
        f"UNION ALL SELECT responded_on FROM cases_stage WHERE case_id = {case_id} "
        f"UNION ALL SELECT ended_on FROM cases_stage WHERE case_id = {case_id}"
    )


def _row_dates(table: str, row: str) -> list[str]:
    """The dates of the row itself (OLD or NEW), and its case's."""
    if table == "cases_case":
        return [f"SELECT {row}.received_on AS d", f"SELECT {row}.withdrawn_on", _case_dates(f"{row}.id")]
    if table == "cases_stage":
        own = [f"SELECT {row}.{c}" for c in ("requested_on", "acknowledged_on", "responded_on", "ended_on")]
        return [own[0] + " AS d", *own[1:], _case_dates(f"{row}.case_id")]
    if table == "cases_extension":
        return [_case_dates(f"(SELECT case_id FROM cases_stage WHERE id = {row}.stage_id)")]
    if table == "cases_case_themes":
        return [f"SELECT {row}.received_on AS d"]
    return [_case_dates(f"{row}.case_id")]  # cases_refusal


#: What a month already marked gets from another write. PostgreSQL: the row is locked and not
#: written. ON CONFLICT DO UPDATE locks the row it finds even when its WHERE is false, so the writer
#: holds the month until it commits and a refresh (which deletes the marked months) waits for it,
#: and its change is counted. Updating the row, as before, wrote a new version of it on every
#: write: an import marks the same hundred months hundreds of thousands of times in one
#: transaction, and each mark walked the versions written before it (all still live to the
#: transaction), so an import into PostgreSQL took time in the square of its rows (100,000
#: cases: over 15 minutes). SQLite has one writer at a time: nothing to hold.
ALREADY_MARKED = {"sqlite": "DO NOTHING", "postgresql": f"DO UPDATE SET touched = {DIRTY}.touched WHERE FALSE"}


def _insert(month_of: str, dates: list[str], vendor: str) -> str:
    return (
        f"INSERT INTO {DIRTY} (month, touched) SELECT DISTINCT {month_of}, 1 FROM ({' UNION ALL '.join(dates)}) AS dates "
        f"WHERE d IS NOT NULL ON CONFLICT (month) {ALREADY_MARKED[vendor]}"
    )


def sqlite_statements() -> list[str]:
    out = []
    month = "date(d, 'start of month')"
    for table, columns in WATCHED.items():
        for event, rows in (("INSERT", ["NEW"]), (f"UPDATE OF {', '.join(columns)}", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            name = f"tally_{table}_{event.split()[0].lower()}"
            body = "; ".join(_insert(month, _row_dates(table, row), "sqlite") for row in rows)
            out.append(f"DROP TRIGGER IF EXISTS {name}")
            out.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body}; END")
    return out


def postgresql_statements() -> list[str]:
    out = []
    month = "date_trunc('month', d)::date"
    for table, columns in WATCHED.items():
        function = f"tally_{table}_mark"
        old = _insert(month, _row_dates(table, "OLD"), "postgresql")
        new = _insert(month, _row_dates(table, "NEW"), "postgresql")
        out.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {old}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {new}; END IF; "
            f"RETURN NULL; END $$"
        )
        for event in ("INSERT", f"UPDATE OF {', '.join(columns)}", "DELETE"):
            name = f"tally_{table}_{event.split()[0].lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            out.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    return out


def drop_statements(vendor: str) -> list[str]:
    out = []
    for table in WATCHED:
        for event in ("insert", "update", "delete"):
            name = f"tally_{table}_{event}"
            out.append(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if vendor == "postgresql" else ""))
        if vendor == "postgresql":
            out.append(f"DROP FUNCTION IF EXISTS tally_{table}_mark()")
    from putright.performance import casecounts, copies, deadlinecounts, handlercopies, handlernames, handlerstates, receivedcounts, revisions
    from putright.performance import stagemarks, themecounts

    return (out + copies.drop_statements(vendor) + casecounts.drop_statements(vendor) + deadlinecounts.drop_statements(vendor)
            + stagemarks.drop_statements(vendor) + handlercopies.drop_statements(vendor) + handlernames.drop_statements(vendor)
            + revisions.drop_statements(vendor) + handlerstates.drop_statements(vendor) + themecounts.drop_statements(vendor)
            + receivedcounts.drop_statements(vendor))


def statements(vendor: str) -> list[str]:
    return for_vendor(vendor, sqlite_statements, postgresql_statements)


def for_vendor(vendor: str, sqlite, postgresql) -> list[str]:
    """The statements `sqlite()` or `postgresql()` write for `vendor`; none for another database."""
    return sqlite() if vendor == "sqlite" else postgresql() if vendor == "postgresql" else []


def drop_listed(vendor: str, triggers, functions=()) -> list[str]:
    """DROP statements for `triggers` ((name, table) pairs) and, on PostgreSQL, the `functions`
    they call: for the kept counts' and copies' modules, which list their own."""
    if vendor == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in triggers),
                *(f"DROP FUNCTION IF EXISTS {function}()" for function in functions)]
    return [f"DROP TRIGGER IF EXISTS {name}" for name, _ in triggers]


def run_all(connection, statements) -> int:
    """Run `statements` (the copies' set-based refills); the rows they changed, added up."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    changed = 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            changed += cursor.rowcount
    return changed


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def drop_unmakeable(connection) -> list[str]:
    """Drop the triggers whose tables are not there (`_can_make`), left by a version that made them
    before a migration back: the names of those there were."""
    tables = set(connection.introspection.table_names())
    unmakeable = {name for names, sql in _kinds(connection.vendor) if not _can_make(sql, tables) for name in names}
    there = {name: table for name, table in existing(connection).items() if name in unmakeable}
    with connection.cursor() as cursor:
        for name, table in there.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if connection.vendor == "postgresql" else ""))
    return sorted(there)


def existing(connection) -> dict[str, str]:
    """The database's triggers (but PostgreSQL's own internal ones): name -> table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
        return dict(cursor.fetchall())


def create_on(connection) -> None:
    """The same, and the triggers of the copied columns and the kept counts (putright.performance
    .copies, .casecounts, …), outside a migration: putright.performance.schema puts lost triggers
    back. Only those whose tables are there (`_can_make`)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for _names, sql in _kinds(connection.vendor):
            if _can_make(sql, tables):
                for statement in sql:
                    cursor.execute(statement)


def drop(apps, schema_editor):
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
