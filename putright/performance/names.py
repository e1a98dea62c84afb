"""Residents found by part of their name from an index of the name's trigrams, not by reading
every resident (docs/performance.md, "The queue").

A search for part of a name ("mith" in "Anna Smith") is `LIKE '%MITH%'`, which no B-tree index
answers: both databases read every resident's name (at 200,000 residents 50-70 ms on SQLite,
80-110 ms on PostgreSQL). An index of every three letters of each name answers it:

- PostgreSQL: a GIN index of `UPPER(name)` with pg_trgm's operator class. The search's own
  `UPPER(name) LIKE '%…%'` (search.py) is answered from it; nothing else changes. pg_trgm ships
  with PostgreSQL and is a trusted extension (a database owner may create it); where it cannot
  be created the migration says so and the search reads every name, as before.
- SQLite: an FTS5 table with the trigram tokenizer (`resident_name_trigrams`, rowid the
  resident's id, its own copy of the name), kept by three triggers on the residents table.
  The search asks it `name LIKE '%…%'` (case-insensitive, as the tokenizer folds case). FTS5
  cannot use the index for a LIKE with an ESCAPE clause, so text with `%`, `_` or `\\` in it
  reads every name instead (search.py).

A name changed or a resident removed (anonymising included) leaves its old trigrams in SQLite's
FTS5 segments, marked deleted, until the segments are merged: the worker's hourly
`name_trigrams` job merges them (`purge`: 0.3 s at 200,000 names after changes, nothing to do
otherwise), so an anonymised name does not outlive its row there by more than an hour.
(PostgreSQL's GIN index loses dead entries when the table is vacuumed, as the table does.)

PostgreSQL estimates how many names a search matches from the statistics ANALYZE gathers of the
index's expression, `UPPER(name)`: a text most names have ("esiden" in every benchmark name) is
then answered by reading the table until the search's 1,000 residents are found (0.4 ms), a rare
one from the index. Until the residents table is analysed after the index is made, the index has
no statistics: the planner expected 64 matches of any six letters and built a bitmap of all
200,000 names first (19-48 ms). Nothing analysed it again (a residents table changes little, so
neither autovacuum nor the worker's statistics job saw a reason), so `ensure` analyses it when it
makes the index, and performance migration 0018 once for databases that have the index already.

`ensure` (called by `schema.ensure` after every migrate) puts back the table, triggers or index
if missing and then copies every name again: a migration that rebuilds the residents table on
SQLite drops its triggers, and renames made meanwhile would otherwise be missed.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger("putright.performance")

TABLE = "resident_name_trigrams"
PG_INDEX = "resident_name_trigrams"
#: SQLite: the FTS5 index's own storage, whose bytes depend on the order names were written in and
#: on merges, not only on the names (`{TABLE}_content` holds the names themselves).
INDEX_TABLES = (f"{TABLE}_data", f"{TABLE}_idx")

#: SQLite: the triggers keeping the copy (name, SQL).
TRIGGERS = [
    ("resident_name_trigrams_insert",
     f"CREATE TRIGGER IF NOT EXISTS resident_name_trigrams_insert AFTER INSERT ON residents_resident "
     f"BEGIN INSERT INTO {TABLE} (rowid, name) VALUES (NEW.id, NEW.name); END"),
    ("resident_name_trigrams_update",
     f"CREATE TRIGGER IF NOT EXISTS resident_name_trigrams_update AFTER UPDATE OF id, name ON residents_resident "
     f"BEGIN DELETE FROM {TABLE} WHERE rowid = OLD.id; INSERT INTO {TABLE} (rowid, name) VALUES (NEW.id, NEW.name); END"),
    ("resident_name_trigrams_delete",
     f"CREATE TRIGGER IF NOT EXISTS resident_name_trigrams_delete AFTER DELETE ON residents_resident "
     f"BEGIN DELETE FROM {TABLE} WHERE rowid = OLD.id; END"),
]


def _sqlite_missing(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND name LIKE 'resident_name_trigrams_%%')", [TABLE])
    return ({TABLE} | {name for name, _ in TRIGGERS}) - {row[0] for row in cursor.fetchall()}


def ensure(connection) -> list[str]:
    """Make what is missing (and fill the copy again when anything was): the names made."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            missing = _sqlite_missing(cursor)
            if not missing:
                return []
            cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, tokenize = 'trigram')")
            for _name, sql in TRIGGERS:
                cursor.execute(sql)
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"INSERT INTO {TABLE} (rowid, name) SELECT id, name FROM residents_resident")
        return sorted(missing)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return []
            try:
                with transaction.atomic(using=connection.alias):  # a savepoint: a refusal leaves the migration going
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception as error:  # not installed, or not allowed: the search reads every name
                log.warning("pg_trgm could not be created: a search by part of a name reads every resident",
                            extra={"error": str(error)})
                return []
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON residents_resident USING gin (UPPER(name) gin_trgm_ops)")
        analyze(connection)  # the index's statistics: without them every text looks rare (above)
        return [PG_INDEX]
    return []


def drop(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, _sql in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def purge() -> dict:
    """The worker's hourly job (SQLite): merge the trigram table's segments, dropping the entries
    of names changed or removed since. Idempotent and safe to stop: a merge commits at once."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return {"merged": False}
    with connection.cursor() as cursor:
        if TABLE in _sqlite_missing(cursor):
            return {"merged": False}
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")
    return {"merged": True}


def analyze(connection) -> None:
    """PostgreSQL: the residents table analysed, so the trigram index's expression has statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE residents_resident")
