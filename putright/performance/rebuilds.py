"""Indexes rebuilt once they are mostly empty pages: nobody has to remember `REINDEX`.

Cases enter the partial indexes of open cases (`case_open_*`, `case_theme_open*`) when they are
opened and leave them when they are closed. A b-tree reuses a leaf page only once it is wholly
empty and never merges half-empty ones, so such an index keeps the size it had at its fullest.
At a million cases (bulk import, then 955,000 cases closed, then autovacuum)
`case_open_state_order` had 16,049 pages (125 MB) for 46,916 entries, 5% full: a rebuilt one
has 514. The queue's pages read the sort's index in order, and read every half-empty page on
the way: rebuilding the 21 worst took the pages that range-scan them from 29 ms to 2.6 ms of SQL.

So PostgreSQL's hourly `index_rebuilds` job (`rebuild_bloated`) estimates from the catalog how
many pages each b-tree of PutRight's tables needs for the entries it holds, and rebuilds with
`REINDEX INDEX CONCURRENTLY` those more than BLOAT_FACTOR times bigger (readers and writers
carry on meanwhile). The estimate needs no extension: `pgstattuple`'s functions are for
superusers and members of `pg_stat_scan_tables`, which a landlord's database role is not. SQLite
rebalances a b-tree page as it empties and reuses freed pages anywhere in the file: 95% of a
partial index's rows moved out left it at a tenth of its pages, half full. Nothing to do there.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.db import connection

log = logging.getLogger("putright.performance")

#: Indexes smaller than this (1 MB) are left alone: reading one costs next to nothing.
MIN_PAGES = 128
#: An index is rebuilt when it has more than this many times the pages its entries need. Four
#: is clear of the estimate's error (an index just rebuilt was estimated at 0.86-1.2 times its
#: size at a million cases; more where many entries share a key, never less) and of a b-tree's
#: ordinary slack (pages split half full, entries of updated rows awaiting vacuum), and far short
#: of the open cases' indexes at a million cases (17-34 times). The indexes of every case after
#: 955,000 of a million were closed at once stood at 1.8-4.7 times: the worst two are rebuilt.
BLOAT_FACTOR = 4
#: The job starts no new rebuild after this many seconds, and says there is more to do: the
#: worker runs its other jobs (the outbox among them) and then comes straight back.
BUDGET_SECONDS = 60
#: An index is not rebuilt while another transaction this old uses its table (`busy`).
BUSY_SECONDS = 10

#: What an interrupted `REINDEX INDEX CONCURRENTLY` leaves: the new index, invalid, named after
#: the old one with this suffix (and a number, if the name was taken). Matched in SQL.
LEFTOVER_NAME = r"_ccnew[0-9]*$"
#: A b-tree entry: its header (the row's address and the entry's length) and, in the page's
#: header, its line pointer. A page's own header and the b-tree's trailer are not for entries.
ENTRY_HEADER, LINE_POINTER, PAGE_HEADER, BTREE_TRAILER = 8, 4, 24, 16
#: A rebuild leaves a tenth of each leaf page free (the default fill factor) and three tenths of
#: each page above the leaves.
LEAF_FILL, INTERNAL_FILL = 90, 70
#: Bytes assumed for a column of variable width with no statistics (an expression never analysed).
UNKNOWN_WIDTH = 32
ALIGNMENT = {"c": 1, "s": 2, "i": 4, "d": 8}


@dataclass(frozen=True)
class Estimate:
    index: str
    table: str
    pages: int  # as the statistics say (taken with `entries`)
    entries: int
    needed: int  # pages the entries would fill, rebuilt

    @property
    def bloat(self) -> float:
        return self.pages / self.needed


def _align(offset: int, to: int) -> int:
    return (offset + to - 1) // to * to


def entry_bytes(columns: list[tuple[int, str, int | None]]) -> int:
    """The bytes an entry takes on a leaf page, from each indexed column's (length, alignment,
    average width): fixed-length values aligned as their type says, a short variable-length one
    (under 127 bytes) unaligned with a one-byte header, as PostgreSQL stores them."""
    offset = ENTRY_HEADER
    for length, align, width in columns:
        if length > 0:
            offset = _align(offset, ALIGNMENT.get(align, 8)) + length
            continue
        width = UNKNOWN_WIDTH if width is None else width
        if width >= 127:
            offset = _align(offset, ALIGNMENT.get(align, 4))
        offset += width
    return _align(offset, 8) + LINE_POINTER


def pages_needed(entries: float, width: int, fillfactor: int = LEAF_FILL, block: int = 8192) -> int:
    """The pages a b-tree of ``entries`` entries of ``width`` bytes has when just rebuilt: its
    leaves filled to ``fillfactor``, the levels above to INTERNAL_FILL, and its metapage."""

    def per_page(fill: int) -> int:
        return max(1, (block - PAGE_HEADER - BTREE_TRAILER - block * (100 - fill) // 100) // width)

    level = max(1, math.ceil(entries / per_page(fillfactor)))
    total = level
    while level > 1:
        level = math.ceil(level / per_page(INTERNAL_FILL))
        total += level
    return total + 1


#: Each valid b-tree of the named tables in the current schema, with the size and entries its
#: statistics give (taken together, by the last VACUUM, ANALYZE or rebuild) and, column by
#: column, its type's length and alignment and the average width ANALYZE measured: the table
#: column's, or for an expression the index's own (gathered when its table is analysed).
#: `reltuples` is -1 for an index never vacuumed or analysed: nothing to go on.
_INDEXES = """
WITH widths AS MATERIALIZED (  -- once: joined as a view, pg_stats was read again for each column (1.2 s)
  SELECT tablename, attname, avg_width FROM pg_stats WHERE schemaname = current_schema()
)
SELECT ic.relname, tc.relname, ic.relpages, ic.reltuples,
       COALESCE((SELECT option_value::int FROM pg_options_to_table(ic.reloptions)
                 WHERE option_name = 'fillfactor'), %(leaf_fill)s),
       current_setting('block_size')::int,
       array_agg(ia.attlen ORDER BY k.n), array_agg(ia.attalign::text ORDER BY k.n),
       array_agg(CASE WHEN k.attnum > 0 THEN st.avg_width ELSE si.avg_width END ORDER BY k.n)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.n
LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = k.attnum AND k.attnum > 0
LEFT JOIN widths st ON st.tablename = tc.relname AND st.attname = ta.attname
LEFT JOIN widths si ON k.attnum = 0 AND si.tablename = ic.relname AND si.attname = ia.attname
WHERE tc.relnamespace = current_schema()::regnamespace AND tc.relname = ANY(%(tables)s) AND am.amname = 'btree'
  AND i.indisvalid AND i.indisready AND i.indislive AND ic.reltuples >= 0 AND ic.relpages >= %(min_pages)s
GROUP BY ic.oid, tc.relname
"""


def estimates(tables: list[str] | None = None, min_pages: int = 0) -> list[Estimate]:
    """Every b-tree of ``tables`` (default: PutRight's) of at least ``min_pages`` pages, with the
    pages its entries would need if it were rebuilt now."""
    tables = _our_tables() if tables is None else tables
    with connection.cursor() as cursor:
        cursor.execute(_INDEXES, {"tables": tables, "min_pages": min_pages, "leaf_fill": LEAF_FILL})
        rows = cursor.fetchall()
    return [
        Estimate(index, table, pages, int(entries),
                 pages_needed(entries, entry_bytes(list(zip(lengths, aligns, widths))), fill, block))
        for index, table, pages, entries, fill, block, lengths, aligns, widths in rows
    ]


def bloated(tables: list[str] | None = None) -> list[Estimate]:
    """The indexes to rebuild: at least MIN_PAGES pages, and more than BLOAT_FACTOR times the
    pages they need. Most pages to gain first."""
    found = [e for e in estimates(tables, MIN_PAGES) if e.pages > BLOAT_FACTOR * e.needed]
    return sorted(found, key=lambda e: e.needed - e.pages)


def _our_tables() -> list[str]:
    """PutRight's tables (its models', Django's and its many-to-many tables). Not every table of
    the schema: a database shared with another application has indexes that are not ours to
    rebuild, and may belong to a role that we are not (REINDEX would fail every hour)."""
    return sorted(connection.introspection.django_table_names())


def _pages(cursor, index: str) -> int:
    cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
                   [connection.ops.quote_name(index)])
    return cursor.fetchone()[0]


def drop_leftovers(tables: list[str]) -> int:
    """Drop what interrupted rebuilds left: the invalid `*_ccnew` indexes of ``tables``. Nothing
    reads them, but every write to the table still writes their entries. Nothing else is
    dropped, an invalid index of any other name included (someone's CREATE INDEX CONCURRENTLY
    that failed is theirs to look at). A rebuild interrupted after its swap leaves the old index,
    invalid, as `*_ccold` (the new one is in place): that is logged as a warning for the
    database's administrator to drop, not dropped. Returns how many were dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ic.relname, ic.relname ~ %s FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
            "JOIN pg_class tc ON tc.oid = i.indrelid "
            "WHERE NOT i.indisvalid AND tc.relnamespace = current_schema()::regnamespace "
            "AND tc.relname = ANY(%s) AND ic.relname ~ %s ORDER BY 1",
            [LEFTOVER_NAME, tables, r"_cc(new|old)[0-9]*$"])
        found = cursor.fetchall()
        dropped = 0
        for name, new in found:
            if not new:
                log.warning("invalid index left by an interrupted rebuild: %s (DROP INDEX CONCURRENTLY it)", name,
                            extra={"index": name})
                continue
            try:
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {connection.ops.quote_name(name)}")
            except Exception:
                log.exception("leftover index not dropped: %s", name, extra={"index": name})
                continue
            log.info("leftover index dropped: %s", name, extra={"index": name})
            dropped += 1
    return dropped


def busy(table: str) -> bool:
    """Whether another transaction begun more than BUSY_SECONDS ago holds a lock on ``table``, or
    has a snapshot (it may read any table). REINDEX CONCURRENTLY waits for such a transaction
    to end, at several of its steps: an import or a long export would hold up the worker's other
    jobs meanwhile. And an import that analyses the tables it writes, inside its transaction
    (`upkeep.WhileImporting`), would then wait for the rebuild while the rebuild waits for it:
    PostgreSQL ends one of the two, maybe the import."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_stat_activity a WHERE a.datname = current_database() "
            "AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend' "
            "AND a.xact_start < clock_timestamp() - make_interval(secs => %s) "
            "AND (a.backend_xmin IS NOT NULL OR EXISTS ("
            "  SELECT FROM pg_locks l WHERE l.pid = a.pid AND l.relation = %s::regclass)))",
            [BUSY_SECONDS, connection.ops.quote_name(table)])
        return cursor.fetchone()[0]


def rebuild(index: str) -> tuple[int, int]:
    """Rebuild one index beside the old one and swap them: reads and writes of its table carry
    on meanwhile. Returns its pages before and after."""
    with connection.cursor() as cursor:
        before = _pages(cursor, index)
        cursor.execute(f"REINDEX INDEX CONCURRENTLY {connection.ops.quote_name(index)}")
        return before, _pages(cursor, index)


def rebuild_bloated() -> dict:
    """The worker's hourly job on PostgreSQL (elsewhere, or inside a transaction, where REINDEX
    CONCURRENTLY cannot run, it does nothing):

    1. drop the leftovers of rebuilds interrupted earlier (`drop_leftovers`);
    2. rebuild each bloated index (`bloated`), one at a time, most pages to gain first. An index
       of a table a long transaction is using waits for the next run (`busy`). One that fails is
       logged and the rest carry on; what it left is dropped at the next run;
    3. after BUDGET_SECONDS start no more, and say so with `more`.

    Safe to stop at any moment: an index is swapped for its rebuilt copy in one step at the end.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return {"rebuilt": 0}
    tables = _our_tables()
    counts = {"rebuilt": 0, "dropped": drop_leftovers(tables), "postponed": 0}
    started = time.monotonic()
    for estimate in bloated(tables):
        named = {"index": estimate.index, "table": estimate.table}
        if time.monotonic() - started > BUDGET_SECONDS:
            return {**counts, "more": True}
        if busy(estimate.table):
            log.info("index rebuild postponed, a long transaction uses its table: %s", estimate.index, extra=named)
            counts["postponed"] += 1
            continue
        began = time.monotonic()
        try:
            before, after = rebuild(estimate.index)
        except Exception:
            log.exception("index not rebuilt: %s", estimate.index, extra=named)
            continue
        counts["rebuilt"] += 1
        log.info(
            "index rebuilt: %s, %d pages -> %d", estimate.index, before, after,
            extra={**named, "pages_before": before, "pages_after": after, "pages_estimated": estimate.needed,
                   "entries": estimate.entries, "duration_ms": round((time.monotonic() - began) * 1000)},
        )
    return counts
