"""Small tables every queue page reads, kept by each process and checked on every page: each has a
revision, a random number that database triggers draw again whenever one of its rows changes.

The queue needs the landlord's closure days ("due soon" ends two working days ahead: the counts'
and the filter's dates depend on them) and the service areas, themes and handlers its filters
offer. Reading them on every request was two of the four statements of the page's one round trip
on PostgreSQL (the options' 83 rows alone took the server 0.1-0.5 ms). Now a process keeps what it
read last with the revision read *before* it (`read`), and every page reads the revisions in its
counting statement (`counted`), in the same snapshot as the counts: if a revision is not the one
kept, the table changed since, and the page reads it again (a round trip more, once per process
and change). Nothing is shown from an old read: a revision read equal to the one kept means no
change has been committed since the kept rows were read (decision 0015).

Why a random number and not a counter: a counter goes back with a rolled-back transaction (a
test's) or a restored backup, and a process could then take other rows for the ones it kept. A
revision drawn at random is never the same for two states of the table; if its row is missing (a
flushed database until `ensure` puts it back), the revision reads as 0: unknown, never kept.

The triggers are statement-level on PostgreSQL (and on TRUNCATE), row-level on SQLite; on the
users, only a change to what the filters show (names, username, active, role), not a sign-in's
`last_login`. `putright.performance.schema` takes them off while migrations run, puts them back
after, and then draws every revision again (`ensure`), as a change may have gone unseen.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from putright.performance import triggers as trigger_sql

CLOSURE_DAYS = "closure_days"
FILTER_OPTIONS = "filter_options"
NAMES = (CLOSURE_DAYS, FILTER_OPTIONS)
#: The tables each revision watches, and on the users the columns whose change counts.
WATCHED = {
    "cases_closureday": (CLOSURE_DAYS, None),
    "cases_servicearea": (FILTER_OPTIONS, None),
    "cases_theme": (FILTER_OPTIONS, None),
    "accounts_user": (FILTER_OPTIONS, ("first_name", "last_name", "username", "is_active", "role")),
}
EVENTS = ("insert", "update", "delete")
TRIGGERS = [(f"revise_{table.split('_', 1)[1]}_{event}", table) for table in WATCHED for event in EVENTS]
FUNCTION = "revise_kept"
TABLE = "performance_revision"

# A new revision: a random 62-bit number (never 0).
_DRAW = {"sqlite": "(abs(random()) % 4611686018427387903 + 1)", "postgresql": "(floor(random() * 4611686018427387903) + 1)::bigint"}


def token_sql(name: str) -> tuple[str, tuple]:
    """A revision as a value of a SELECT (0 if its row is missing)."""
    return f"COALESCE((SELECT token FROM {TABLE} WHERE name = %s), 0)", (name,)


def counted(using: str):
    """The revisions as counts of `counting.ask`'s one statement ("revision:NAME"), read in the
    same snapshot as the page's counts."""
    from putright.performance.counting import Counts

    return Counts(using, {f"revision:{name}": (*token_sql(name), False) for name in NAMES})


@dataclass(frozen=True)
class Kept:
    token: int
    value: Any


_kept: dict[tuple[str, str], Kept] = {}


def kept(using: str, name: str) -> Kept | None:
    """What this process read last of `name` on database `using`, with the revision read before it."""
    return _kept.get((using, name))


def read(using: str, name: str, *reads) -> tuple[Kept, list]:
    """Read `reads` (as `compiled.together` takes them) after the revision `name`, in one round
    trip, and keep the first one's result under it (unless the revision is unknown). The
    revision goes first: a change committed between the two statements leaves a revision that is
    already old beside new rows, read again on the next page, never the other way round."""
    from putright.performance.compiled import Read, together

    sql, params = token_sql(name)
    token, *results = together(Read(f"SELECT {sql}", params, using), *reads)
    found = Kept(int(token[0][0]), results[0])
    if found.token:
        _kept[(using, name)] = found
    else:
        _kept.pop((using, name), None)
    return found, results


def current(found: Kept | None, counts: dict[str, int], name: str) -> bool:
    """Whether `found` is what the database held when `counts` (with `counted`'s) were read."""
    return found is not None and found.token != 0 and counts.get(f"revision:{name}") == found.token


def forget() -> None:
    """Drop what this process keeps (tests)."""
    _kept.clear()


def sqlite_statements() -> list[str]:
    out = []
    for table, (name, columns) in WATCHED.items():
        for event in EVENTS:
            trigger = f"revise_{table.split('_', 1)[1]}_{event}"
            when = ""
            on = event.upper()
            if event == "update" and columns:
                on = f"UPDATE OF {', '.join(columns)}"
                when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            out += [f"DROP TRIGGER IF EXISTS {trigger}",
                    (f"CREATE TRIGGER {trigger} AFTER {on} ON {table} FOR EACH ROW{when} "
                     f"BEGIN UPDATE {TABLE} SET token = {_DRAW['sqlite']} WHERE name = '{name}'; END")]
    return out


def postgresql_statements() -> list[str]:
    out = [(f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE {TABLE} SET token = {_DRAW['postgresql']} WHERE name = TG_ARGV[0]; RETURN NULL; END $$")]
    for table, (name, columns) in WATCHED.items():
        for event in EVENTS:
            trigger = f"revise_{table.split('_', 1)[1]}_{event}"
            if event == "update" and columns:
                # Row by row, for the columns the filters show only (a sign-in writes last_login).
                changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
                how = f"AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed})"
            else:
                how = f"AFTER {'DELETE OR TRUNCATE' if event == 'delete' else event.upper()} ON {table} FOR EACH STATEMENT"
            out += [f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
                    f"CREATE TRIGGER {trigger} {how} EXECUTE FUNCTION {FUNCTION}('{name}')"]
    return out


def statements(vendor: str) -> list[str]:
    return trigger_sql.for_vendor(vendor, sqlite_statements, postgresql_statements)


def drop_statements(vendor: str) -> list[str]:
    return trigger_sql.drop_listed(vendor, TRIGGERS, [FUNCTION])


def ensure(connection) -> None:
    """Every revision drawn again, its row made if missing: after the triggers were put back (a
    change made while they were off went unseen) or a flush emptied the table."""
    if connection.vendor not in ("sqlite", "postgresql") or TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for name in NAMES:
            token = secrets.randbits(62) + 1
            cursor.execute(f"UPDATE {TABLE} SET token = %s WHERE name = %s", [token, name])
            if not cursor.rowcount:
                cursor.execute(f"INSERT INTO {TABLE} (name, token) VALUES (%s, %s)", [name, token])
