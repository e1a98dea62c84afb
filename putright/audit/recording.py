"""How record_read finds the case and resident a read was about."""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connections, router, transaction
from django.utils import timezone

from putright.audit.models import ReadEvent, What
from putright.performance.compiled import Write, together


def _case_and_resident(what: str, obj):
    """The case the read was about, and its resident's key (None for either when there is none)."""
    from putright.cases.models import Attachment, Case
    from putright.residents.models import Resident

    if obj is None:
        return None, None
    if isinstance(obj, Resident):
        return None, obj.pk
    if isinstance(obj, Case):
        case = obj
    elif isinstance(obj, Attachment):
        case = obj.correspondence.case
    else:  # a letter, or anything else that belongs to a case
        case = getattr(obj, "case", None)
    # The resident's key only: loading the resident to write its key was a query per case read.
    return case, (case.resident_id if case is not None else None)


def _label(what: str, obj, case) -> str:
    from putright.cases.models import Attachment

    if obj is None:
        return ""
    if isinstance(obj, Attachment):
        return f"{obj.name} on {case.reference}"
    if what == What.LETTER and case is not None:
        return f"{obj} on {case.reference}"
    if what == What.BUNDLE and case is not None:
        return case.reference
    return str(getattr(obj, "reference", "") or obj)


def record(actor, what: str, obj=None, *, label: str = "", path: str = "") -> ReadEvent:
    if what not in What.values:
        raise ValueError(f"Unknown kind of read: {what!r}")
    case, resident_id = _case_and_resident(what, obj)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    return ReadEvent.objects.create(
        at=timezone.now(), actor=actor_user, actor_label="" if actor_user else (str(actor) if actor else "system"),
        what=what, object_id=str(getattr(obj, "pk", "") or ""), label=(label or _label(what, obj, case))[:300],
        case=case, resident_id=resident_id, path=path[:300],
    )


def record_many(actor, what: str, objects, *, path: str = "", via: str = "") -> int:
    """One ReadEvent per object, in one statement (a page of the API's case list).
    `via` says how, when the actor is a system's user (e.g. "API key housing-system")."""
    if what not in What.values:
        raise ValueError(f"Unknown kind of read: {what!r}")
    rows = []
    for obj in objects:
        case, resident_id = _case_and_resident(what, obj)
        rows.append((str(obj.pk), _label(what, obj, case), case.pk if case is not None else None, resident_id))
    return _insert(actor, what, rows, path=path, via=via)


def record_case_reads(actor, cases, *, path: str = "", via: str = "") -> int:
    """One ReadEvent per case read, from each case's (id, reference, resident id): what
    record_many writes for a Case, without making a model of each (the events feed)."""
    return _insert(actor, What.CASE, [(str(pk), reference, pk, resident_id) for pk, reference, resident_id in cases], path=path, via=via)


_COLUMNS = ("at", "actor_id", "actor_label", "what", "object_id", "label", "case_id", "resident_id", "path")


def _insert_sql(connection, rows: int = 1) -> str:
    """The INSERT of `rows` reads in one statement."""
    meta, quote = ReadEvent._meta, connection.ops.quote_name
    values = "({})".format(", ".join(["%s"] * len(_COLUMNS)))
    return "INSERT INTO {} ({}) VALUES {}".format(
        quote(meta.db_table), ", ".join(quote(meta.get_field(c).column) for c in _COLUMNS), ", ".join([values] * rows),
    )


#: Reads written by one statement at most: a page of the API's events feed (up to 1,000 events)
#: names fewer cases than this; SQLite takes 32,766 values a statement, 9 a read.
ROWS_A_STATEMENT = 1000


def _shared(actor, what: str, via: str, connection) -> tuple:
    """The columns every row of one reader's reads shares: the moment, the reader, how, what."""
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    at = ReadEvent._meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    return (at, actor_user.pk if actor_user else None, via[:200], what)


def _insert(actor, what: str, rows: list[tuple], *, path: str, via: str) -> int:
    """The reads (object id, label, case id, resident id) in one statement (one a thousand
    rows): a model and a bulk_create batch per row cost the events feed more than its query, and
    a statement run for each row in a transaction three round trips and a parse a row on
    PostgreSQL. The same columns and values as `ReadEvent(...)` would save."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(ReadEvent)]
    shared = _shared(actor, what, via, connection)
    values = [(*shared, object_id, label[:300], case_id, resident_id, path[:300]) for object_id, label, case_id, resident_id in rows]
    chunks = [values[i : i + ROWS_A_STATEMENT] for i in range(0, len(values), ROWS_A_STATEMENT)]
    # Bound and prepared on the PostgreSQL server (a page's size of reads is the same statement
    # each time); one statement is atomic on its own, more than one share a transaction.
    with transaction.atomic(using=connection.alias) if len(chunks) > 1 else nullcontext():
        together(*(Write(_insert_sql(connection, len(chunk)), tuple(value for row in chunk for value in row), connection.alias) for chunk in chunks))
    return len(rows)


def case_read_statement(actor, case, *, path: str = "", via: str = ""):
    """The record that `actor` read `case` as a statement to send with the page's own queries
    (putright.performance.compiled.Write): the row `record(actor, "case", case, path=path)`
    saves, written in the same round trip as the reads that show the case, and committed with
    them (the case page); with `via`, the row `record_many(actor, "case", [case], via=via)`
    saves (the API's case)."""
    using = router.db_for_write(ReadEvent)
    connection = connections[using]
    actor_label = via or ("" if getattr(actor, "is_authenticated", False) else (str(actor) if actor else "system"))
    at, actor_id, _via, what = _shared(actor, What.CASE, actor_label, connection)
    row = (at, actor_id, actor_label[:200], what, str(case.pk), _label(What.CASE, case, case)[:300], case.pk, case.resident_id, path[:300])
    return Write(_insert_sql(connection), row, using)
