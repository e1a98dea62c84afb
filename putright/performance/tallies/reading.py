"""The sums of the kept rows over a period: the fewest rows that make it up, added up by the
database."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from putright.performance.models import MonthTally
from putright.performance.tallies.spans import _DAY, _JSON, MONTH, _cells


@dataclass
class Sums:
    """A source's counts added up over the rows that make up one period: {(number, dims): Counter}."""

    rows: dict[tuple[int, tuple], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def of(self, number: int = 0, dims: tuple = ()) -> Counter:
        return self.rows.get((number, dims), Counter())


def sums(sources: Iterable[str], periods: dict[str, object], *, cumulative: Iterable[str] = ()) -> dict[str, dict[str, Sums]]:
    """{source: {period name: Sums}} for every named period (anything with .start and .end on
    month boundaries), in one query. Sources in ``cumulative`` add up every month up to each
    period's end, from the beginning of the records.

    The database adds up the fewest rows that make each period (`_sums_sql`, `spans._cells`): a
    year's own rows, not its 2,400 month rows (parsing and adding those in Python took 20 ms of a
    year's figures). A count a period has a row for is in its Sums (zero or not), as adding up the
    month rows gave it; one it has no row for is not."""
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
