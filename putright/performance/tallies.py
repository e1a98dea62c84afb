"""The report's grouped counts, kept by month, so a year's figures read a few hundred rows.

Every stage and case figure of `putright.reports.queries` is a count that adds up over days: the
responses of a year are the responses of its twelve months. So each grouped query the figures
are made of (a "source") is run once per month and its result kept in `MonthTally`; the figures
for a year or a quarter add up its months' rows. The sums are the same numbers the queries give
for the whole period (tests/test_tallies.py checks every figure both ways, after every kind of
change), so the figures stay byte-identical.

Keeping them true: database triggers (triggers.py) note every month a change to a case, stage,
refusal, extension or case theme touched, whatever made the change, in the same transaction.
`refresh()` counts those months again before any figures are read, and the worker does it every
minute, so a report rarely waits. Counts that depend on the working calendar (working-day
averages, extensions beyond the Code's limit) are counted again whole when the calendar changes.

Figures that are not sums over days (complaints refused, each counted once; compensation, with
distinct complaints; satisfaction) are still counted from the case tables: they read small,
indexed sets.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest

from putright.performance.models import MonthTally, TallyDirtyMonth, TallyState

STAGES = (1, 2)
#: Raised whenever the sources change (a new figure, a new grouping): the tallies are then
#: counted again whole at the next refresh.
VERSION = "3"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, month = [], month_of(start)
    while month <= end:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


#: The spans kept, in months: each month counted from the case tables, and each quarter and
#: reporting year (from 1 April) added up from its months' rows (`_add_up`). A period is read
#: from the fewest rows that make it up (`_cells`): a year's figures one row a group, not twelve
#: (the sums of a year's five case sources read 2,063 month rows: 13-15 ms on either database).
MONTH, QUARTER, YEAR = 1, 3, 12


def _plus_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _cell_of(month: dt.date, span: int) -> dt.date:
    """The first day of the month, quarter or reporting year a day is in."""
    if span == QUARTER:
        return dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    if span == YEAR:
        return dt.date(month.year if month.month >= 4 else month.year - 1, 4, 1)
    return month_of(month)


def _cells(start: dt.date, end: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """The kept rows that make up the months from start's to end's, fewest first: each run of
    whole reporting years, whole quarters or single months as (span, its first row's month, its
    last row's month)."""
    out: list[tuple[int, dt.date, dt.date]] = []
    month, last = month_of(start), month_of(end)
    while month <= last:
        span = next(n for n in (YEAR, QUARTER, MONTH) if _cell_of(month, n) == month and _plus_months(month, n - 1) <= last)
        if out and out[-1][0] == span and _plus_months(out[-1][2], span) == month:
            out[-1] = (span, out[-1][1], month)
        else:
            out.append((span, month, month))
        month = _plus_months(month, span)
    return out


# --- counting the sources, grouped by day -------------------------------------------------------

Key = tuple[str, int, str, dt.date]  # source, stage number, dims (JSON), month


def _count_span(start: dt.date, end: dt.date, cal) -> dict[Key, Counter]:
    """Every source's counts for the days from start to end, added up by month."""
    from putright.cases.models import Case, CaseTheme, Stage
    from putright.reports.queries import filters as q
    from putright.reports.periods import Period
    from putright.rules.lifecycle import Kind

    span = Period(start.year, None, start, end)
    out: dict[Key, Counter] = defaultdict(Counter)

    def add(source: str, number: int, dims: tuple, day: dt.date, **counts: int) -> None:
        out[source, number, json.dumps(list(dims)) if dims else "", month_of(day)].update(counts)

    stages = Stage.objects.filter(number__in=STAGES).order_by()
    refused_q = Q()
    for n in STAGES:
        refused_q |= Q(number=n) & q._refused_unacknowledged(n, since=start)
    for number, day, n, refused in (
        stages.filter(requested_on__range=(start, end)).values_list("number", "requested_on")
        .annotate(n=Count("number"), refused=q._count(refused_q))
    ):
        add("received", number, (), day, received=n - refused)
        add("flow", number, (), day, started=n)
    ended = (
        stages.filter(ended_on__isnull=False).annotate(end_day=Greatest("ended_on", "requested_on"))
        .filter(end_day__range=(start, end)).values_list("number", "end_day").annotate(n=Count("number"))
    )
    for number, day, n in ended:
        add("flow", number, (), day, ended=n)

    conditions = q.RESPONSE_CONDITIONS.values()
    for number, day, ack_n, *counts in (
        stages.filter(responded_on__range=(start, end)).values_list("number", "responded_on")
        .annotate(ack_n=q._count(Q(acknowledged_on__isnull=False)),
                  **{f"c{i}": q._count(c) if c else Count("number") for i, c in enumerate(conditions)})
    ):
        add("responded", number, (), day, ack_n=ack_n, **dict(zip(q.RESPONSE_KEYS, counts)))
    # Working days from receipt and from acknowledgement to each response, summed by response day
    # (W(b) - W(a), as queries.stages._working_day_averages sums them).
    spans = list(
        stages.filter(responded_on__range=(start, end))
        .values_list("number", "responded_on", "requested_on", "acknowledged_on").annotate(n=Count("number"))
    )
    days = {d for row in spans for d in row[1:4] if d}
    first = min(days, default=start)
    w = {day: cal.working_days_between(first, day) for day in days}
    for number, responded, requested, acknowledged, n in spans:
        counts = {"span_from_receipt": (w[responded] - w[requested]) * n}
        if acknowledged:
            counts["span_from_ack"] = (w[responded] - w[acknowledged]) * n
        add("responded", number, (), responded, **counts)
    late = q._counted_late(STAGES, span, cal)
    for number, _case_id, day in late:
        add("responded", number, (), day, counted_late=1)
    # CH02 by the case's tenure (queries.stages._within_by_tenure).
    for number, tenure, day, n, within in (
        stages.filter(responded_on__range=(start, end)).values_list("number", "case__tenure", "responded_on")
        .annotate(n=Count("number"), within=q._count(q.RESPONSE_CONDITIONS["within_timescale"]))
    ):
        add("tenure", number, (tenure or "not_recorded",), day, responded=n, within_timescale=within)
    tenures = dict(Case.objects.filter(pk__in={c for _, c, _ in late}).values_list("pk", "tenure")) if late else {}
    for number, case_id, day in late:
        add("tenure", number, (tenures.get(case_id) or "not_recorded",), day, counted_late=1)
    responses, acknowledgements = q._entered_late(STAGES, span)
    for number, _case_id, day, within_code in responses:
        if within_code:
            add("responded", number, (), day, entered_late_within_code=1)
    for number, day in acknowledgements:
        add("acknowledged", number, (), day, entered_late=1)
    changed = (
        Stage.objects.filter(responded_on__range=(start, end), number=2).exclude(decision=q._stage1_decision())
        .values_list("responded_on").annotate(n=Count("number")).order_by()
    )
    for day, n in changed:
        add("responded", 2, (), day, changed_from_stage1=n)

    for number, day, ack, within in (
        stages.filter(acknowledged_on__range=(start, end)).values_list("number", "acknowledged_on")
        .annotate(ack=Count("number"), within=q._count(Q(acknowledged_on__lte=F("acknowledge_by"))))
    ):
        add("acknowledged", number, (), day, acknowledged=ack, acknowledged_within_timescale=within)

    refused_cases = q._stage1_refused_cases(span)
    for kind, tenure, area, day, n, refused in (
        Case.objects.filter(received_on__range=(start, end), kind__in=[Kind.COMPLAINT, Kind.SERVICE_REQUEST, Kind.COMPLIMENT])
        .values_list("kind", "tenure", "service_area_id", "received_on")
        .annotate(n=Count("kind"), refused=Count("kind", filter=Q(kind=Kind.COMPLAINT, pk__in=refused_cases)))
        .order_by()
    ):
        add("cases", 0, (kind, tenure, area), day, n=n, refused=refused)
    for tenure, area, day, n in (
        Stage.objects.filter(q._stage_q(2, "received", span), number=2)
        .values_list("case__tenure", "case__service_area_id", "requested_on").annotate(n=Count("number")).order_by()
    ):
        add("stage2", 2, (tenure, area), day, n=n)
    for theme, day, n, refused in (
        CaseTheme.objects.filter(received_on__range=(start, end), kind=Kind.COMPLAINT)
        .values_list("theme_id", "received_on")
        .annotate(n=Count("case_id"), refused=Count("case_id", filter=Q(case_id__in=refused_cases)))
        .order_by()
    ):
        add("themes", 0, (theme,), day, n=n, refused=refused)
    return out


# --- keeping them -------------------------------------------------------------------------------


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


#: Each database's words for a row's counts one (name, value) pair a row (`j`), a value as a
#: number, and pairs (`key`, `total`) made into counts again.
_JSON = {
    "postgresql": ("CROSS JOIN LATERAL jsonb_each_text(t.counts) AS j", "CAST(j.value AS BIGINT)", "jsonb_object_agg(key, total)"),
    "sqlite": (", json_each(t.counts) AS j", "CAST(j.value AS INTEGER)", "json_group_object(key, total)"),
}
#: A date as each database's adapter takes it in raw SQL.
_DAY = {"postgresql": lambda d: d, "sqlite": lambda d: d.isoformat()}

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


# --- reading them -------------------------------------------------------------------------------


@dataclass
class Sums:
    """A source's counts added up over the months of one period: {(number, dims): Counter}."""

    rows: dict[tuple[int, tuple], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def of(self, number: int = 0, dims: tuple = ()) -> Counter:
        return self.rows.get((number, dims), Counter())


def sums(sources: Iterable[str], periods: dict[str, object], *, cumulative: Iterable[str] = ()) -> dict[str, dict[str, Sums]]:
    """{source: {period name: Sums}} for every named period (anything with .start and .end on
    month boundaries), in one query. Sources in ``cumulative`` add up every month up to each
    period's end, from the beginning of the records.

    The database adds the months up (`_sums_sql`): a year's figures read about 2,400 month rows,
    and parsing and adding them in Python took 20 ms of a year's figures; the sums are a few
    hundred rows. A count a period has a row for is in its Sums (zero or not), as adding up the
    rows gave it; one it has no row for is not."""
    from putright.performance.prepared import cursor as prepared_cursor

    sources, cumulative = list(sources), set(cumulative)
    names = list(periods)
    out = {s: {name: Sums() for name in names} for s in sources}
    # On PostgreSQL prepared: the same few statements every figure (planning one cost 0.3-0.6 ms).
    with prepared_cursor(connection) as cursor:
        cursor.execute(*_sums_sql(connection.vendor, sources, [periods[n] for n in names], cumulative))
        found = cursor.fetchall()
    for source, number, dims, key, *columns in found:
        parsed = _DIMS.get(dims)
        if parsed is None:
            parsed = _DIMS[dims] = tuple(json.loads(dims)) if dims else ()
        by_name = out[source]
        for i, name in enumerate(names):
            if columns[2 * i]:
                by_name[name].rows[number, parsed][key] = columns[2 * i + 1]
    return out


#: Each row's dims as JSON and as a tuple: a few hundred, the same every figure.
_DIMS: dict[str, tuple] = {}


def _sums_sql(vendor: str, sources: list[str], periods: list, cumulative: set[str]) -> tuple[str, list]:
    """Each (source, stage, dims, count's name) with, for each period, how many of the rows that
    make it up (`_cells`) it has and the count's sum over them."""
    table = MonthTally._meta.db_table
    day, (each, value, _) = _DAY[vendor], _JSON[vendor]
    marks = lambda values: ", ".join(["%s"] * len(values))  # noqa: E731

    def made_of(period) -> tuple[str, list]:
        cells = _cells(period.start, period.end)
        return (" OR ".join(["(t.span = %s AND t.month BETWEEN %s AND %s)"] * len(cells)),
                [p for span, first, last in cells for p in (span, day(first), day(last))])

    def up_to(period) -> tuple[str, list]:
        return f"t.source IN ({marks(cumulative)}) AND t.span = %s AND t.month <= %s", [*cumulative, MONTH, day(period.end)]

    columns, params, wanted = [], [], {}
    for period in periods:
        inside, inside_params = made_of(period)
        wanted[inside, tuple(inside_params)] = None
        if cumulative:
            before, before_params = up_to(period)
            inside = f"({before}) OR (t.source NOT IN ({marks(cumulative)}) AND ({inside}))"
            inside_params = [*before_params, *cumulative, *inside_params]
        columns.append(f"SUM(CASE WHEN {inside} THEN 1 ELSE 0 END), CAST(SUM(CASE WHEN {inside} THEN {value} ELSE 0 END) AS BIGINT)")
        params += inside_params * 2
    where = " OR ".join(f"({inside})" for inside, _ in wanted)
    params += [*sources, *(p for _, inside_params in wanted for p in inside_params)]
    if cumulative:
        before, before_params = up_to(max(periods, key=lambda p: p.end))
        where += f" OR ({before})"
        params += before_params
    sql = (f"SELECT t.source, t.number, t.dims, j.key, {', '.join(columns)} FROM {table} AS t {each} "
           f"WHERE t.source IN ({marks(sources)}) AND ({where}) GROUP BY t.source, t.number, t.dims, j.key")
    return sql, params
