"""Months, quarters and reporting years (from 1 April) as the tallies keep them, and each
database's words for a row's counts."""

from __future__ import annotations

import datetime as dt

from putright.reports import periods


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    return _plus_months(month, 1) - dt.timedelta(days=1)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, month = [], month_of(start)
    while month <= end:
        out.append(month)
        month = _plus_months(month, 1)
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
    """The first day of the month, quarter or reporting year a day is in (the reports' periods)."""
    if span == QUARTER:
        return periods.quarter_start(month)
    if span == YEAR:
        return periods.year_start(month)
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


#: Each database's words for a row's counts one (name, value) pair a row (`j`), a value as a
#: number, and pairs (`key`, `total`) made into counts again.
_JSON = {
    "postgresql": ("CROSS JOIN LATERAL jsonb_each_text(t.counts) AS j", "CAST(j.value AS BIGINT)", "jsonb_object_agg(key, total)"),
    "sqlite": (", json_each(t.counts) AS j", "CAST(j.value AS INTEGER)", "json_group_object(key, total)"),
}
#: A date as each database's adapter takes it in raw SQL.
_DAY = {"postgresql": lambda d: d, "sqlite": lambda d: d.isoformat()}

