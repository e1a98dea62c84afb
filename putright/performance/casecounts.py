"""Cases by kind and state (and open or not), counted as they change, so the queue's largest totals are not counted live.

"Any state, including closed" counted every case ever recorded on every view (79 ms of
PostgreSQL's time at a million cases). Database triggers on cases_case add a row to
`performance_casecount` for every case made (+1 to its kind and state), removed (-1) or moved to
another kind or state or opened or closed (-1, +1): rows are only ever added, so writers never wait on one another for a counter.
A count is the sum of a state's rows; the worker's `case_counts` job (every minute) and an import
fold them into one row a kind and state. By kind too (performance migration 0017): a filter by
kind or stage alone (stage 1 is three states) counted 19,000-45,000 index entries of open cases a
page at a million cases, 3-6 ms of PostgreSQL's time. The sum is always exact: `test_casecounts.py` holds it to a live
COUNT after every kind of change. The triggers are listed with the tallies' (so migrations take
them off and put them back), and `rebuild()` counts again whole when they come back.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db import transaction

from putright.performance import triggers

TABLE = "performance_casecount"
TRIGGERS = [
    ("count_cases_case_insert", "cases_case"),
    ("count_cases_case_update", "cases_case"),
    ("count_cases_case_delete", "cases_case"),
]
FUNCTION = "count_cases_case"
#: What each row is kept by (the service area since performance migration 0022: a closed state with
#: an area counted the area's 84,000 cases, each looked up for its state: 250 ms on PostgreSQL).
KEYS = "kind, state, is_open, service_area_id"


def sqlite_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    add = f"INSERT INTO {TABLE} ({KEYS}, delta) VALUES"
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW BEGIN {add} ({_row('NEW')}, 1); END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF kind, state, is_open, service_area_id ON cases_case FOR EACH ROW "
        f"WHEN NEW.kind IS NOT OLD.kind OR NEW.state IS NOT OLD.state OR NEW.is_open IS NOT OLD.is_open "
        f"OR NEW.service_area_id IS NOT OLD.service_area_id "
        f"BEGIN {add} ({_row('OLD')}, -1), ({_row('NEW')}, 1); END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW BEGIN {add} ({_row('OLD')}, -1); END",
    ]


def _row(which: str) -> str:
    return ", ".join(f"{which}.{key}" for key in KEYS.split(", "))


def postgresql_statements() -> list[str]:
    insert, update, delete = (name for name, _ in TRIGGERS)
    add = f"INSERT INTO {TABLE} ({KEYS}, delta) VALUES"
    return [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {add} ({_row('NEW')}, 1); "
        f"ELSIF TG_OP = 'DELETE' THEN {add} ({_row('OLD')}, -1); "
        f"ELSIF NEW.kind IS DISTINCT FROM OLD.kind OR NEW.state IS DISTINCT FROM OLD.state "
        f"OR NEW.is_open IS DISTINCT FROM OLD.is_open OR NEW.service_area_id IS DISTINCT FROM OLD.service_area_id THEN "
        f"{add} ({_row('OLD')}, -1), ({_row('NEW')}, 1); END IF; "
        f"RETURN NULL; END $$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS),
        f"CREATE TRIGGER {insert} AFTER INSERT ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF kind, state, is_open, service_area_id ON cases_case FOR EACH ROW "
        f"EXECUTE FUNCTION {FUNCTION}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def drop_statements(vendor: str) -> list[str]:
    return triggers.drop_listed(vendor, TRIGGERS, [FUNCTION])


def statements(vendor: str) -> list[str]:
    return triggers.for_vendor(vendor, sqlite_statements, postgresql_statements)


def agree(connection=None) -> bool:
    """Whether the kept counts are each kind and state's live COUNT (one grouped read of the cases)."""
    return sums_agree(connection or default_connection, TABLE, KEYS, f"SELECT {KEYS}, COUNT(*) FROM cases_case GROUP BY {KEYS}")


def sums_agree(connection, table: str, keys: str, live: str) -> bool:
    """Whether `table`'s sums by `keys` are `live`'s counts (its keys and a count each, in the same
    order), key by key; `is_open` read as a boolean (SQLite gives 0 and 1). For every kept count."""
    names = [key.strip() for key in keys.split(",")]
    opened = names.index("is_open") if "is_open" in names else None

    def keyed(rows):
        return {tuple(bool(v) if i == opened else v for i, v in enumerate(row[:-1])): row[-1] for row in rows if row[-1]}

    with connection.cursor() as cursor:
        cursor.execute(live)
        counted = keyed(cursor.fetchall())
        cursor.execute(f"SELECT {keys}, SUM(delta) FROM {table} GROUP BY {keys}")
        kept = keyed(cursor.fetchall())
    return counted == kept


def rebuild(connection=None) -> None:
    """Count every kind and state again from the cases (when the triggers come back after a migrate, or
    after a flush). Counts that already agree are left as they are, so a migrate with nothing to
    do, or a restore, writes nothing (a restored database stays byte for byte its backup)."""
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if agree(connection):
        return
    count_again(connection, TABLE, KEYS, f"SELECT {KEYS}, COUNT(*) FROM cases_case GROUP BY {KEYS}")


def count_again(connection, table: str, keys: str, live: str, params=()) -> None:
    """Replace the rows of `table` with `live`'s (its `keys` and a count each): one snapshot."""
    count = f"INSERT INTO {table} ({keys}, delta) {live}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, one snapshot: a change committed meanwhile keeps its own row.
            cursor.execute(f"WITH gone AS (DELETE FROM {table}) {count}", list(params))
        else:  # SQLite: one writer at a time
            with transaction.atomic(using=connection.alias):
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute(count, list(params))


def compact(connection=None) -> dict:
    """Fold each kind and state's rows into one (the worker's `case_counts` job, every minute)."""
    return fold(connection or default_connection, TABLE, KEYS)


def fold(connection, table: str, keys: str, values: str | None = None, params=()) -> dict:
    """Fold the +1/-1 rows of `table` into one row for each value of its `keys` (dropping those
    that add up to nothing); rows added meanwhile stay as they are. `values`: what each row is
    folded under, if not its keys themselves (SQL for each key, with `params`)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return {}
    values = values or keys
    by = ", ".join(str(n + 1) for n in range(keys.count(",") + 1))
    with connection.cursor() as cursor:
        # Already one row a key: write nothing (a table rewritten every minute is a table to vacuum).
        cursor.execute(f"SELECT 1 FROM (SELECT {values}, COUNT(*) AS n, SUM(delta) AS total FROM {table} GROUP BY {by}) AS kept "
                       f"WHERE n > 1 OR total = 0 LIMIT 1", list(params))
        if cursor.fetchone() is None:
            return {"rows": 0, **shrink(connection, table)}
        if connection.vendor == "postgresql":
            # The rows summed are exactly the rows deleted; rows added meanwhile stay.
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} RETURNING {keys}, delta) "
                f"INSERT INTO {table} ({keys}, delta) SELECT {values}, SUM(delta) FROM gone "
                f"GROUP BY {by} HAVING SUM(delta) <> 0", list(params)
            )
            return {"rows": cursor.rowcount, **shrink(connection, table)}
        with transaction.atomic(using=connection.alias):
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            last = cursor.fetchone()[0]
            if last is None:
                return {"rows": 0}
            cursor.execute(f"SELECT {values}, SUM(delta) FROM {table} WHERE id <= %s GROUP BY {by}", [*params, last])
            sums = [row for row in cursor.fetchall() if row[-1]]
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last])
            marks = ", ".join(["%s"] * (keys.count(",") + 2))
            cursor.executemany(f"INSERT INTO {table} ({keys}, delta) VALUES ({marks})", sums)
            return {"rows": len(sums)}


#: A kept table this big is mostly the space of rows folded away (folded, one holds a few thousand
#: rows at most: well under a megabyte).
BLOATED_BYTES = 8 * 1024 * 1024


def shrink(connection, table: str) -> dict:
    """PostgreSQL, outside a transaction: write `table` again, small, when it is BLOATED_BYTES or
    more. A bulk write (an import, a million cases closed by hand) leaves a +1/-1 row a case, and
    once folded their space stays in the table: every page's total read it all. After a fresh
    million-case build the counts by state were 130 MB for their 180 rows, and "all open" took
    84 ms on PostgreSQL where the folded rows alone take a fraction of one. VACUUM FULL holds the
    table against writers while it copies the live rows (a case changed meanwhile waits for it,
    a fraction of a second, once); a plain VACUUM frees the space but keeps the pages."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [table])
        if cursor.fetchone()[0] < BLOATED_BYTES:
            return {}
        cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
    return {"shrunk": table}


class Kept:
    """The number of cases in `states` (every state if None) of `kind` (every kind if None), in
    service area `area` (every area if None), only the open ones (as `is_open` says) if `open`,
    for `count_each` to read with the page's other counts in its one query."""

    def __init__(self, states: list[str] | None = None, *, open: bool = False, kind: str | None = None, area: int | None = None):
        self.states = sorted(states) if states is not None else None
        self.open = open
        self.kind = kind
        self.area = area

    def as_sql(self) -> tuple[str, list]:
        where, params = [], []
        if self.kind is not None:
            where.append("kind = %s")
            params.append(self.kind)
        if self.area is not None:
            where.append("service_area_id = %s")
            params.append(self.area)
        return self.summed(TABLE, where, params)

    def summed(self, table: str, where: list[str], params: list) -> tuple[str, list]:
        """The sum of `table`'s rows that meet `where` (with `params`), only the open ones if
        `open`, in `states` if given: for the kept counts by state of everyone, a handler or a
        theme (putright.performance.handlerstates, .themecounts)."""
        if self.open:
            where = [*where, "is_open"]
        if self.states is not None:
            if not self.states:
                return "0", []
            where = [*where, f"state IN ({', '.join(['%s'] * len(self.states))})"]
            params = [*params, *self.states]
        return f"(SELECT COALESCE(SUM(delta), 0) FROM {table}{' WHERE ' + ' AND '.join(where) if where else ''})", params


def drop(apps, schema_editor):
    """Migrating back past the migration that made what the triggers write: take them off first
    (SQLite checks every trigger against the schema when a table changes)."""
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)
