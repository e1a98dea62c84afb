"""A queue page's queries, built once per process for the same inputs (issue 19).

Building the queue's query for its filters and sort (`queue.filtered_cases`, the theme's rows),
compiling its total and its first page's ids cost a page 1-3 ms of Python at a million cases
(more for a theme), as much as the database spent answering. A handler goes back to the same
queue many times a day: their own cases, everyone's overdue. So what a page builds is kept under
a key naming everything it depends on, and the next request with the same key only binds,
sends and reads:

- the database, the user, the filters and sort as the page understood them (a chosen service
  area, theme or handler by its id), the day;
- the calendar the page was built with (the object itself: `calendar.calendar_of` gives the same
  one for the same closure days, another when they change);
- a search's references and a digest of the residents it found (`search.Searched.key`): the
  residents are looked up again every request, so a new resident's cases are found at once.

Nothing read from the cases is kept: no row, no count, no page of ids. `Built.paged` is the
queue's queryset, never evaluated: only sliced and compiled (a page on a clone; for a "Next"
page's key, itself, once: `queue_keyset_sql._compiled_query`); the page's
counts are asked every request (`queue.page_counts`), with the moment now bound into them. A
"Next" link's page is written for its position each time (`queue_keyset_sql`); only a page read
by its OFFSET (page 1, a page typed) keeps its statement, in `Built.pages`.

The store holds `KEEP` builds (about 14 KiB each), the least recently used dropped first. Tests
forget it before each test (conftest.py), as a test may change how the queue builds its query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Model, QuerySet

from putright.cases.views.queue_jump import Jump
from putright.performance.compiled import Store
from putright.performance.counting import Counts

KEEP = 512
#: Statements of pages read by their OFFSET kept with a build: page 1 and a few typed.
PAGES = 8

_store = Store(KEEP)


@dataclass(frozen=True)
class Built:
    """What a queue page builds for its inputs and a calendar."""

    paged: QuerySet  # the queue's ordered ids (or the theme's rows' case ids): never evaluated
    total: Counts  # its total's SQL
    order: list  # the terms `paged` is ordered by
    cursor: Callable | None  # queue_reads.Reads.cursor
    planning: str
    jump: Jump | None
    #: (offset, size) -> the page's statement (queue_table.page_read), at most PAGES of them.
    pages: dict = field(default_factory=dict)
    #: The page's rows count `total` as they are found (a search: queue_reads.Reads.total), and
    #: the page's other counts leave it out.
    total_with_rows: bool = False


def inputs(using: str, user, data: dict, today, searched) -> tuple:
    """The key of what a page builds, but for the calendar (`built`)."""
    filters = tuple(sorted((name, (type(value).__name__, value.pk) if isinstance(value, Model) else value)
                           for name, value in data.items()))
    return (using, user.pk, filters, today, searched.key if searched is not None else None)


def built(key: tuple, cal, build: Callable[[], Built]) -> Built:
    """`build()` for these inputs and this calendar, once while it is kept."""
    return _store.once((*key, cal), build)


def forget() -> None:
    """Drop every kept build (tests)."""
    _store.forget()
