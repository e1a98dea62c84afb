"""A page typed by its number, of every case or of everyone's open or overdue cases, started at its month
(issue 19; decision 0023).

The pager's "Previous" and "Next" links carry where their page starts (queue_keyset). A page
number typed into the address, or a bookmark of one, carries none, and was read past an OFFSET:
page 20,000 of "Any state, including closed" at a million cases skipped 500,000 index entries
(61-68 ms on PostgreSQL), the overdue queue's page 406 10,150 (4-8 ms of SQL, its open cases'
table rows looked up). Two queues have their cases counted by month as they change, so the
page's first case is known to be the k-th of one month's, and the page is read from the start of
that month with k cases skipped (at most a month's):

- every case (no filter, everyone's), by date received or by deadline either way: the cases
  received each month (putright.performance.receivedcounts). By deadline the cases with a
  deadline come first (a few percent: the open ones), and a page among them is read by its
  OFFSET, as before; the rest have none and are in the order they were received.
- everyone's overdue cases (any open state, nothing else), by deadline either way: the open cases
  by deadline day, folded by month a year back (putright.performance.deadlinecounts).
- everyone's open cases (the queue as it opens, nothing else), by deadline either way: the same
  counts, every day's (session 33: page 898 of 1,796 skipped 22,450 entries, 12.5 ms of SQL on
  PostgreSQL). Those with no deadline come last either way, and a page among them is read by
  its OFFSET, as before.

Any other queue, sort or filter is read by its OFFSET: nothing counts its cases by a value of the sort.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from putright.performance import deadlinecounts, months, receivedcounts


@dataclass(frozen=True)
class Jump:
    """A queue whose typed pages start at their month: which, by which sort, and today (overdue)."""

    queue: str  # EVERY, OVERDUE or OPEN
    sort: str
    today: dt.date


EVERY, OVERDUE, OPEN = "every", "overdue", "open"
#: What each queue says of its filters (the view fills in "cases" and "state": `queue._scoped_data`;
#: no state is any open one), and the sorts its months give. Any other filter makes it another queue.
QUEUES = {
    EVERY: ({"cases": "all", "state": "all"}, ("received", "-received", "deadline", "-deadline")),
    OVERDUE: ({"cases": "all", "state": "", "due": "overdue"}, ("deadline", "-deadline")),
    OPEN: ({"cases": "all", "state": "", "due": ""}, ("deadline", "-deadline")),
}
#: Every open case with a deadline is due before this: the open queue's months are all of them.
NO_END = dt.date(9999, 12, 31)
#: Pages this near the start are read by their OFFSET: the months' running totals cost about
#: 0.2-0.3 ms on PostgreSQL and 0.16 ms on SQLite at a million cases, as much as skipping 2,000
#: index entries on PostgreSQL (about 0.15 µs each) or 9,000 on SQLite (about 0.02 µs).
FROM_ROW = 5000


def jump_for(data: dict, today: dt.date) -> Jump | None:
    """The queue and sort a typed page of this queue starts at its month in, or None: not one of
    `QUEUES` (a filter, a search, one handler's), or a sort its months do not give. A filter
    missing from `data` counts as empty (the open queue's due filter)."""
    for queue, (filters, sorts) in QUEUES.items():
        if any((data.get(name) or "") != value for name, value in filters.items()):
            continue
        if any(value for name, value in data.items() if name not in filters and name != "sort"):
            return None
        sort = data.get("sort") or "deadline"
        return Jump(queue, sort, today) if sort in sorts else None
    return None


def start(jump: Jump, offset: int, using: str) -> tuple[dict, int] | None:
    """Where the page whose first case is `offset` places from the first starts: the sort values
    of a position just before its month's first case (`queue_keyset.conditions` reads the cases
    after it), and how many of that month's cases to skip. None: near the start, among the cases
    with a deadline of every case, or past the last case (read by the OFFSET)."""
    if offset < FROM_ROW:
        return None
    descending = jump.sort.startswith("-")
    if jump.queue == EVERY:
        found = receivedcounts.month_of(offset, descending=descending, undated=jump.sort.lstrip("-") == "deadline", using=using)
    else:
        until = jump.today if jump.queue == OVERDUE else NO_END
        found = deadlinecounts.month_of(offset, before=until, descending=descending, using=using)
    if found is None:
        return None
    month, before = found
    # Just before the month's first case: its first day, oldest first; newest (latest) first, the
    # next month's first day, which comes after every case of that month. The terms after it as
    # low as they go (ids start at 1).
    edge = months.next_month(month) if descending else month
    if jump.queue == EVERY:
        values = {"next_deadline_by": None, "received_on": edge, "id": 0}
    else:
        values = {"next_deadline_by": edge, "received_on": dt.date.min, "id": 0}
    return values, offset - before
