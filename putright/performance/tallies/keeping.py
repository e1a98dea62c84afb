"""The tallies kept true: the months changes touched counted again, and their quarters and years
added up again (`refresh`), or everything (`rebuild`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction

from putright.performance.models import MonthTally, TallyDirtyMonth, TallyState
from putright.performance.tallies.counting import _count_span
from putright.performance.tallies.spans import _DAY, _JSON, MONTH, QUARTER, YEAR, _cell_of, _month_end, _months, _plus_months

#: Raised whenever the sources change (a new figure, a new grouping): the tallies are then
#: counted again whole at the next refresh.
VERSION = "3"


def _calendar_fingerprint() -> str:
    from putright.operations.schedule import calendar_fingerprint

    return calendar_fingerprint()


def _recount(months: Iterable[dt.date]) -> None:
    """Count these months again: one query per source over the span they cover."""
    from putright.cases.calendar import landlord_calendar

    months = sorted(set(months))
    if not months:
        return
    counted = _count_span(months[0], _month_end(months[-1]), landlord_calendar())
    wanted = set(months)
    MonthTally.objects.filter(span=MONTH, month__in=months).delete()
    MonthTally.objects.bulk_create(
        [MonthTally(source=s, number=n, dims=d, month=m, counts=dict(c)) for (s, n, d, m), c in counted.items() if m in wanted and any(c.values())],
        batch_size=2000,
    )
    _add_up(months)


#: The first day of a month row's quarter and reporting year, in each database's words.
_CELL_SQL = {
    ("postgresql", QUARTER): "CAST(date_trunc('quarter', CAST(t.month AS timestamp)) AS date)",
    ("postgresql", YEAR): "CAST(date_trunc('year', t.month - interval '3 months') + interval '3 months' AS date)",
    ("sqlite", QUARTER): "date(t.month, '-' || ((CAST(strftime('%%m', t.month) AS INTEGER) - 1) %% 3) || ' months')",
    ("sqlite", YEAR): "date(t.month, '-3 months', 'start of year', '+3 months')",
}


def _add_up(months: Iterable[dt.date]) -> None:
    """Add up again, from their month rows, the quarters and reporting years these months are in:
    one statement a span. A count is in a quarter's or year's row when one of its months has it,
    zero or not, as adding up the months gave it."""
    vendor, table = connection.vendor, connection.ops.quote_name(MonthTally._meta.db_table)
    day, (each, value, together) = _DAY[vendor], _JSON[vendor]
    months = set(months)
    if not months:
        return
    for span in (QUARTER, YEAR):
        cells = sorted({_cell_of(m, span) for m in months})
        MonthTally.objects.filter(span=span, month__in=cells).delete()
        runs: list[list[dt.date]] = []
        for cell in cells:
            if runs and _plus_months(runs[-1][1], 1) == cell:
                runs[-1][1] = _plus_months(cell, span - 1)
            else:
                runs.append([cell, _plus_months(cell, span - 1)])
        inside = " OR ".join(["t.month BETWEEN %s AND %s"] * len(runs))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (source, number, dims, month, span, counts) "
                f"SELECT source, number, dims, cell, %s, {together} FROM ("
                f"SELECT t.source, t.number, t.dims, {_CELL_SQL[vendor, span]} AS cell, j.key AS key, SUM({value}) AS total "
                f"FROM {table} AS t {each} WHERE t.span = %s AND ({inside}) "
                f"GROUP BY t.source, t.number, t.dims, cell, j.key) AS s GROUP BY source, number, dims, cell",
                [span, MONTH, *(day(d) for run in runs for d in run)],
            )


def _history_span() -> tuple[dt.date, dt.date] | None:
    """The first and last day any counted date falls on."""
    from django.db.models import Max, Min

    from putright.cases.models import Case, Stage

    c = Case.objects.aggregate(a=Min("received_on"), b=Max("received_on"))
    s = Stage.objects.aggregate(
        a=Min("requested_on"), b=Max("requested_on"), c=Max("responded_on"), d=Max("acknowledged_on"), e=Max("ended_on"),
    )
    firsts = [d for d in (c["a"], s["a"]) if d]
    lasts = [d for d in (c["b"], s["b"], s["c"], s["d"], s["e"]) if d]
    return (min(firsts), max(lasts)) if firsts else None


def rebuild() -> int:
    """Count every month again (a new database, an upgrade, a changed calendar)."""
    with transaction.atomic():
        TallyDirtyMonth.objects.all().delete()
        MonthTally.objects.all().delete()
        span = _history_span()
        months = _months(*span) if span else []
        if months:
            _recount(months)
        TallyState.objects.update_or_create(key="calendar", defaults={"value": _calendar_fingerprint()})
        TallyState.objects.update_or_create(key="version", defaults={"value": VERSION})
        TallyState.objects.update_or_create(key="built", defaults={"value": dt.datetime.now(dt.timezone.utc).isoformat()})
    return len(months)


def refresh() -> dict:
    """Bring the tallies up to date: the months changes touched since, or everything if they were
    never built or the working calendar changed. Idempotent; safe to stop at any moment (one
    transaction). The worker runs it every minute; the figures run it first."""
    from putright.performance import schema

    with transaction.atomic():
        if schema.missing_triggers(connection):  # a table made again by a migration (SQLite)
            schema.ensure(connection, indexes=False)  # indexes: after the next migrate
        state = dict(TallyState.objects.values_list("key", "value"))
        if "built" not in state or state.get("version") != VERSION or state.get("calendar") != _calendar_fingerprint():
            return {"rebuilt_months": rebuild()}
        table = connection.ops.quote_name(TallyDirtyMonth._meta.db_table)
        with connection.cursor() as cursor:
            # Taken and cleared at once: on PostgreSQL a writer still holding a month's row (it
            # has not committed) makes this wait for it, so its change is counted now.
            cursor.execute(f"DELETE FROM {table} RETURNING month")
            months = [row[0] for row in cursor.fetchall()]
        months = [m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)) for m in months]
        _recount(months)
    return {"months": len(months)}
