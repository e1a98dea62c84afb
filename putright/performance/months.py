"""Kept counts by month: a month's first day in each database's words, and the month a place in
an order falls in, from the months' running totals (decision 0023). Used by the cases counted by
month received (receivedcounts.py) and the open cases by deadline day, folded by month a year
back (deadlinecounts.py), to start a typed page at its month (putright.cases.views.queue_jump)."""

from __future__ import annotations

import datetime as dt

from putright.performance.compiled import Read, together

#: The first day of the month of a date, in each database's words (date arithmetic only: no time zone).
MONTH = {"sqlite": "date({0}, 'start of month')", "postgresql": "({0} - CAST(EXTRACT(DAY FROM {0}) AS integer) + 1)"}


def month_start(vendor: str, column: str) -> str:
    return MONTH[vendor].format(column)


def as_date(value) -> dt.date:
    """A date as the database gave it (SQLite: text for an expression, a date for a column)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def holding(using: str, months: str, params: list, offset: int, *, descending: bool,
            first: str = "0", first_params: tuple = ()) -> tuple[dt.date, int] | None:
    """The month (its first day) whose rows hold the place `offset` (0: the first) when the months
    of `months` (SQL giving `month` and `n`, the month's count, with `params`) are in order (newest
    first if `descending`) after `first` others (SQL for a number), and how many come before that
    month's. None if `offset` is not in any month (among the `first`, or past the last). One
    statement: the months' running totals."""
    direction = "DESC" if descending else "ASC"
    sql = (f"WITH months AS ({months}), "
           f"totals AS (SELECT month, n, CAST(SUM(n) OVER (ORDER BY month {direction} ROWS UNBOUNDED PRECEDING) AS BIGINT) - n "
           f"+ CAST({first} AS BIGINT) AS before FROM months) "
           f"SELECT month, before FROM totals WHERE before <= %s AND %s < before + n ORDER BY month {direction} LIMIT 1")
    # Prepared: the same SQL for every page of a queue (planning it cost PostgreSQL 0.3-0.7 ms,
    # more than running it).
    rows = together(Read(sql, (*params, *first_params, offset, offset), using, prepare=True))[0]
    return (as_date(rows[0][0]), int(rows[0][1])) if rows else None
