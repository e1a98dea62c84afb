"""A page of every case typed by its number, started at its month (issue 19; decision 0023).

The pager's "Previous" and "Next" links carry where their page starts (queue_keyset). A page
number typed into the address, or a bookmark of one, carries none, and was read past an OFFSET:
page 20,000 of "Any state, including closed" at a million cases skipped 500,000 index entries
(61-88 ms on PostgreSQL). For every case (no filter, everyone's), by date received or by deadline
either way, the cases received in each month are counted as they change
(putright.performance.receivedcounts), so the page's first case is known to be the k-th of one
month's: the page is read from the start of that month, k cases skipped (at most the month's,
8,300 at a million cases over ten years).

By deadline the cases with a deadline come first (a few percent: the open ones) and a page among
them is read by its OFFSET, as before; the rest have none and are in the order they were received.
Any other sort or filter is read by its OFFSET: nothing counts their cases by a value of the sort.
"""

from __future__ import annotations

import datetime as dt

from putright.performance import receivedcounts

#: The sorts a typed page starts at its month in: by the date received, or by deadline (the cases
#: without a deadline, most of them, are by date received).
SORTS = ("received", "-received", "deadline", "-deadline")
#: What a page of every case says of its filters: everyone's cases, every state (the view fills
#: both in: `queue._scoped_data`); any other filter given makes it another queue.
EVERY_CASE = {"cases": "all", "state": "all"}
#: Pages this near the start are read by their OFFSET: skipping fewer index entries costs less
#: than reading the months' running totals first (measured: docs/performance.md).
FROM_ROW = 5000


def sort_for(data: dict) -> str:
    """The sort a typed page of this queue starts at its month in, or "": the queue is not every
    case (a filter, a search, one handler's), or its sort is not one the months give."""
    if any(data.get(name) != value for name, value in EVERY_CASE.items()):
        return ""
    if any(value for name, value in data.items() if name not in EVERY_CASE and name != "sort"):
        return ""
    sort = data.get("sort") or "deadline"
    return sort if sort in SORTS else ""


def start(sort: str, offset: int, using: str) -> tuple[dict, int] | None:
    """Where the page whose first case is `offset` places from the first starts: the sort values
    of a position just before its month's first case (`queue_keyset.conditions` reads the cases
    after it), and how many of that month's cases to skip. None: near the start, among the cases
    with a deadline, or past the last case (read by the OFFSET)."""
    if offset < FROM_ROW or sort not in SORTS:
        return None
    descending = sort.startswith("-")
    found = receivedcounts.month_of(offset, descending=descending, undated=sort.lstrip("-") == "deadline", using=using)
    if found is None:
        return None
    month, before = found
    # Just before the month's first case: (its first day, id 0) oldest first; newest first, (the
    # next month's first day, id 0), which comes after every case of that month (ids start at 1).
    values = {"next_deadline_by": None, "received_on": _next_month(month) if descending else month, "id": 0}
    return values, offset - before


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)
