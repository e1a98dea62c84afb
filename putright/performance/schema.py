"""The indexes, statistics and triggers made with plain SQL on the cases app's tables, put back if missing.

On SQLite, Django changes a column by making the table again (create, copy, drop, rename): the
indexes and triggers made with plain SQL (the reports app's covering indexes, this app's indexes
and the tallies' triggers) go with the old table, and nothing says so. The queue and the reports
would then be slow, and the kept counts silently stale. Worse, with the triggers in place such a
rebuild fails (SQLite then loses rows of the rebuilt table in the copy: seen with the rules' stage
columns). So before a `migrate` that has migrations to apply (pre_migrate) the triggers are taken
off, and after every `migrate` (post_migrate) `ensure()` puts back whatever is missing; since the
migrations' own changes went unnoticed, the tallies are then counted again whole.
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger("putright.performance")


def _indexes() -> list[tuple[str, str, str, str]]:
    """(name, table, columns, where) of every plain-SQL index, as its latest migration made it."""
    found: dict[str, tuple[str, str, str, str]] = {}
    for module, dropped in (
        ("putright.reports.migrations.0001_report_indexes", {"reports_remedy_created"}),
        ("putright.reports.migrations.0003_theme_remedy_indexes", set()),
        ("putright.reports.migrations.0004_late_entry_indexes", set()),
        ("putright.performance.migrations.0001_indexes", set()),
        ("putright.performance.migrations.0004_worklist_indexes", set()),
        ("putright.performance.migrations.0005_resident_order", set()),
        ("putright.performance.migrations.0007_extended_order", set()),
        ("putright.performance.migrations.0008_open_theme_index", set()),
        ("putright.performance.migrations.0009_received_order", set()),
        ("putright.performance.migrations.0013_theme_deadline_order", set()),
        ("putright.performance.migrations.0014_handler_deadline_counts", set()),
        ("putright.performance.migrations.0015_open_orders_with_filters", set()),
        ("putright.performance.migrations.0016_stage_update_owed_open", set()),
        ("putright.performance.migrations.0019_handler_order", set()),
        ("putright.performance.migrations.0023_one_handler_every_case", set()),
        ("putright.performance.migrations.0024_theme_received_order", set()),
        ("putright.performance.migrations.0027_ended_early_orders", set()),
        ("putright.performance.migrations.0031_open_no_deadline_state_order", set()),
    ):
        for row in importlib.import_module(module).INDEXES:
            name, table, columns, where = (*row, "")[:4]
            if name not in dropped:
                found[name] = (name, table, columns, where)
    responses = importlib.import_module("putright.performance.migrations.0003_responses_index_answered_only")
    found["reports_stage_responded"] = ("reports_stage_responded", "cases_stage", responses.COLUMNS, " WHERE responded_on IS NOT NULL")
    return list(found.values())


def _existing_indexes(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


def _statistics() -> list[tuple[str, str, str, str]]:
    """(name, kind, table, columns) of the columns' joint statistics on PostgreSQL."""
    state_is_open = importlib.import_module("putright.performance.migrations.0015_open_orders_with_filters").STATISTICS
    return [(state_is_open, "dependencies", "cases_case", "state, is_open"),
            *importlib.import_module("putright.performance.migrations.0033_open_extended_statistics").STATISTICS]


def _ensure_statistics(connection, tables: set[str]) -> list[str]:
    """PostgreSQL: make the columns' joint statistics (performance migrations 0015 and 0033) that
    are missing, and fill them (a table with rows); their names."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxname FROM pg_statistic_ext WHERE stxnamespace = current_schema()::regnamespace")
        existing = {row[0] for row in cursor.fetchall()}
        made = [row for row in _statistics() if row[0] not in existing and row[2] in tables]
        for name, kind, table, columns in made:
            cursor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} ({kind}) ON {columns} FROM {table}")
        for table in sorted({row[2] for row in made}):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                cursor.execute(f"ANALYZE {table}")
    return [row[0] for row in made]


def _existing_triggers(connection) -> set[str]:
    from putright.performance.triggers import existing

    return set(existing(connection))


def missing_triggers(connection) -> set[str]:
    """The triggers PutRight makes that the database lacks, of those its tables allow. The
    database's triggers are read first: when none is missing (every refresh but after a table
    rebuild) the tables are not looked up (1.6 ms on PostgreSQL's catalogue)."""
    from putright.performance.triggers import named_tables

    present = _existing_triggers(connection)
    lacking = [(names, tables) for names, tables in named_tables(connection.vendor) if not set(names) <= present]
    if not lacking:
        return set()
    tables = set(connection.introspection.table_names())
    return {name for names, needed in lacking if needed <= tables for name in names} - present


def ensure(connection, *, indexes: bool = True) -> dict:
    """Put back the plain-SQL indexes and PostgreSQL's joint statistics (unless not ``indexes``)
    and the tallies' triggers that are missing."""
    from putright.performance import casecounts, copies, deadlinecounts, handlercopies, handlernames, handlerstates, stagemarks
    from putright.performance import receivedcounts, themecounts, triggers
    from putright.performance.models import TallyState

    if connection.vendor not in ("sqlite", "postgresql"):
        return {}
    tables = set(connection.introspection.table_names())
    if not {"cases_stage", "performance_tallystate"} <= tables:
        return {}  # not migrated this far yet
    existing = _existing_indexes(connection)
    made = []
    with connection.cursor() as cursor:
        for name, table, columns, where in _indexes() if indexes else []:
            if name not in existing and table in tables:
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}")
                made.append(name)
    if "residents_resident" in tables:
        from putright.performance import names

        made += names.ensure(connection)  # the names' trigrams (a search by part of a name)
    if indexes:  # statistics too: DDL, like an index
        made += _ensure_statistics(connection, tables)
    stale = triggers.drop_unmakeable(connection)  # migrated back before their tables
    lost = missing_triggers(connection)
    if lost:
        triggers.create_on(connection)
        copies.refill(connection)  # cases changed while the triggers were off keep a stale copy
        stagemarks.refill(connection)
        handlercopies.refill(connection)
        handlernames.refill(connection)
        casecounts.rebuild(connection)  # and went uncounted
        deadlinecounts.rebuild(connection)
        if "performance_handlercasecount" in tables:  # not when migrated back before them
            handlerstates.rebuild(connection)
            themecounts.rebuild(connection)
        if "performance_receivedcount" in tables:
            receivedcounts.rebuild(connection)
        TallyState.objects.using(connection.alias).filter(key="built").delete()  # counted again whole
    from putright.performance import revisions

    revisions.ensure(connection)  # a change made while the triggers were off, or a flush, went unseen
    if stale:
        log.info("dropped the triggers whose tables are not there (migrated back before them)", extra={"triggers": stale})
    if made or lost:
        log.info("made the plain-SQL indexes and triggers that were missing", extra={"indexes": made, "triggers": sorted(lost)})
    return {"indexes": made, "triggers": sorted(lost)}


def after_migrate(sender, using="default", plan=None, **kwargs):
    from django.db import connections

    from putright.performance import statistics

    connection = connections[using]
    done = ensure(connection)
    if not plan and not done.get("triggers") and "performance_casecount" in connection.introspection.table_names():
        # A flush (or a migrate with nothing to do): on SQLite a flush deletes the cases row by
        # row, the triggers counting each removal, and may have emptied the counts first.
        from putright.performance import casecounts, deadlinecounts, handlerstates, receivedcounts, themecounts

        casecounts.rebuild(connection)
        tables = set(connection.introspection.table_names())
        if "performance_deadlinecount" in tables:
            deadlinecounts.rebuild(connection)
        if "performance_handlercasecount" in tables:
            handlerstates.rebuild(connection)
            themecounts.rebuild(connection)
        if "performance_receivedcount" in tables:
            receivedcounts.rebuild(connection)
    if plan and connection.vendor == "sqlite":
        # Migrations may have made indexes: a new index without statistics loses to any other
        # in SQLite's plans (the worklist counts read every open case). Sampled: milliseconds.
        statistics.analyze()


def drop_triggers(connection) -> None:
    from putright.performance import triggers

    with connection.cursor() as cursor:
        for sql in triggers.drop_statements(connection.vendor):
            cursor.execute(sql)


def before_migrate(sender, using="default", plan=None, **kwargs):
    """Triggers off while migrations run (they are put back, and the counts made again, after)."""
    from django.db import connections

    from putright.performance.triggers import trigger_names

    connection = connections[using]
    if not plan or connection.vendor not in ("sqlite", "postgresql"):
        return
    if "cases_stage" in connection.introspection.table_names() and _existing_triggers(connection) & set(trigger_names()):
        drop_triggers(connection)


def drop_trigger_functions(connection) -> None:
    """PostgreSQL: the tallies' trigger functions (a restore drops the tables, and the dump makes
    the functions again)."""
    from putright.performance import casecounts, copies, deadlinecounts, handlercopies, handlernames, handlerstates, revisions, stagemarks
    from putright.performance import receivedcounts, themecounts
    from putright.performance.triggers import WATCHED

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in WATCHED:
            cursor.execute(f"DROP FUNCTION IF EXISTS tally_{table}_mark() CASCADE")
        for function in [*copies.FUNCTIONS, casecounts.FUNCTION, deadlinecounts.FUNCTION, *stagemarks.FUNCTIONS,
                         *handlercopies.FUNCTIONS, *handlernames.FUNCTIONS, revisions.FUNCTION, handlerstates.FUNCTION,
                         *themecounts.FUNCTIONS, receivedcounts.FUNCTION]:
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
