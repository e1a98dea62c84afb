"""A queue page's reads after the session and the user: one round trip on PostgreSQL.

At a million cases each of the queue's queries takes the database a fraction of a millisecond;
what a page waited for was seven round trips. So once Django's middleware has the session and
the user, the page sends everything else it reads in one psycopg pipeline
(putright.performance.compiled.together):

- the page's rows, their ids its own subquery (`queue_table.page_read`),
- the counting query: the total, the deadline counts, the worklist banners (`page_counts`), and
  the revisions of the closure days and of the filters' options (putright.performance.revisions).

Two things cannot be known for certain before the answers come back, so the page guesses and
checks, and asks again in the rare case the guess was wrong; what it shows is always worked out
from what was read for it:

- **The calendar and the filters' options.** "Due soon" ends two working days ahead, so the
  counts and that filter need the closure days before they can be written. The page builds them
  with the closure days this process keeps, read after their revision, and the counts read the
  revisions in their own snapshot: if the closure days' is another (someone added or took away
  a closure day), the page reads the days again and builds and sends its queries again with
  them. The same for the service areas, themes and handlers the filters offer: read again when
  their revision is another. No page is shown from days or options older than its counts.
- **The page number.** The paginator clamps a page past the last to the last, which needs the
  total. The page asks for the page number given (1 if it is not a number); if the total shows
  the paginator means another page, its rows are read again (a second round trip).

On SQLite, in the process, the same statements run one after another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet

from putright.cases import calendar
from putright.cases.views import queue_indexes, queue_jump, queue_keyset, queue_keyset_sql, queue_kept, queue_table
from putright.cases.views.queue_keyset_sql import Keyset
from putright.operations import sessionguess
from putright.performance import revisions
from putright.performance.compiled import GENERIC, Read, together
from putright.performance.counting import Asked, Counts, run
from putright.rules.calendar import WorkingCalendar


@dataclass
class Reads:
    """What a page asks, built for one calendar: its counts and its ordered ids (with the terms
    they are ordered by)."""

    counts: Asked
    paged: QuerySet
    order: list
    #: The row of `paged`'s model for a case id, to look a position's sort values up by
    #: (putright.cases.views.queue_keyset); None: this page is read by OFFSET only.
    cursor: Callable[[int], QuerySet] | None = None
    #: How PostgreSQL plans the page's rows and counts (compiled.Read.planning; `planning_for`).
    planning: str = ""
    #: The queue and sort a page typed by its number starts at its month in (queue_jump.jump_for).
    jump: queue_jump.Jump | None = None
    #: Where statements of pages read by their OFFSET are kept with the page's queries
    #: (queue_kept.Built.pages); None: written every time.
    pages: dict | None = None
    #: The page's total, where the page's rows count it as they are found (a search:
    #: queue_table.page_read's `counted`) and `counts` does not: asked on its own only for a page
    #: past the last (no row to carry it). None: the total is one of `counts`.
    total: Counts | None = None


@dataclass
class Answered:
    cal: WorkingCalendar
    counted: dict[str, int]
    page: Page  # its object_list the rows (queue_table's namespaces)
    options: list  # the filters' options' rows (queue_filters.options_read)


class CountedPaginator(Paginator):
    """A Paginator told its count (worked out with the page's other counts, in one query)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def asked_page(number) -> int:
    """The page to read before the total is known: the number asked for, as the paginator reads
    it, or 1 when it is not one (the paginator's own answer then) or below 1 (its answer is
    the last page: read again once the total is known)."""
    try:
        if isinstance(number, float) and not number.is_integer():
            return 1
        number = int(number)
    except (TypeError, ValueError):
        return 1
    # A number past any queue's last page is read as page 1 (and the last page read after),
    # so the OFFSET stays a number the database takes.
    return number if 1 <= number <= 10**8 else 1


def _nothing(using: str) -> Read:
    """A statement that reads nothing, where the page has nothing to ask (every count empty, a
    query that can match nothing), so the answers keep their places."""
    return Read("SELECT 1 WHERE 1 = 0", (), using, convert=lambda rows: [])


def planning_for(data: dict) -> str:
    """How PostgreSQL plans a queue page's rows and counts (compiled.Read.planning), from its filters.

    Each prepared statement's first five executions on a connection are planned for their values
    (1.5 ms of a page's 2 ms of SQL at a million cases); then PostgreSQL keeps its plan for any
    values if that looks no dearer. Measured over every filter and sort (`benchmarks/queue.py
    --matrix`, decision 0021), the plan for any values is as fast as the plans made for the
    values or faster (a search by phone 2.6 → 1.0 ms), so it is used from the first execution.

    The values decided the plan for a closed state only: "closed" has 88% of the cases and
    "refused" 4%, and a plan for any state read all 41,000 of one handler's closed cases and sorted
    them (77-83 ms a page), or a theme's every closed case (1,060 ms). Those pages were planned for
    their values every time (`CUSTOM`, 2-3 ms of planning a page) until every closed state came to
    be written into the query, not sent as a parameter (`queue_indexes.EndedEarly` for everyone's
    refused and withdrawn, decision 0022; `ClosedStateIs` for the others, decision 0024): each
    state is a statement of its own, and its plan for any values is the state's own.
    """
    return GENERIC


def _counts_call(reads: Reads) -> Read:
    read = reads.counts.read if reads.counts.read is not None else _nothing(reads.paged.db)
    return replace(read, planning=reads.planning) if reads.planning else read


def _page_call(reads: Reads, number: int, size: int, keyset: Keyset | None = None) -> Read:
    offset = (number - 1) * size
    if keyset is None and reads.pages is not None:
        read = reads.pages.get((offset, size))
        if read is None:
            read = queue_table.page_read(reads.paged, reads.order, offset, size, counted=reads.total is not None)
            if read is not None and len(reads.pages) < queue_kept.PAGES:
                reads.pages[(offset, size)] = read
    else:
        read = queue_table.page_read(reads.paged, reads.order, offset, size, keyset, counted=reads.total is not None and keyset is None)
    if read is None:
        return _nothing(reads.paged.db)
    return replace(read, planning=reads.planning) if reads.planning else read


def _keyset(reads: Reads, position: queue_keyset.Position | None, asked: int) -> Keyset | None:
    """A keyset page from `position` (one read of the case by primary key: on PostgreSQL a round
    trip before the pipeline, as the page's SQL depends on what it finds), or None: no position,
    "Next" to page 1, a sort or a case that cannot give one."""
    if position is None or reads.cursor is None or (position.way == queue_keyset.AFTER and asked < 2):
        return None
    order_keys = queue_keyset.keys(list(reads.paged.query.order_by))
    if order_keys is None:
        return None
    values = queue_keyset.cursor_values(reads.cursor(position.pk), order_keys)
    if values is None:
        return None
    how = _how(reads.paged)
    found = queue_keyset_sql.readable(order_keys, values, position.way, **how)
    if found is queue_keyset_sql.NO_POSITION:
        return None
    return Keyset(position.way, order_keys, values, how, nothing=found == queue_keyset_sql.NOTHING)


def _how(paged: QuerySet) -> dict:
    """How `queue_keyset.conditions` writes a position's branches for this database and query."""
    sqlite = connections[paged.db].vendor == "sqlite"
    return {"empty_alone": sqlite, "id_alone": sqlite, "apart": queue_indexes.empty_apart(paged),
            "same_id": queue_keyset.joined_ids(paged)}


def after_values(paged: QuerySet, values: dict) -> Keyset | None:
    """The page after a position given by its sort values, by column (the API's cursor carries
    them: no case is looked up), read as a "Next" link's page is; None when `paged`'s order is
    not one a position can be read in, or `values` lack one of its columns."""
    order_keys = queue_keyset.keys(list(paged.query.order_by))
    if order_keys is None or any(key.name not in values for key in order_keys):
        return None
    values = {key.name: values[key.name] for key in order_keys}
    how = _how(paged)
    found = queue_keyset_sql.readable(order_keys, values, queue_keyset.AFTER, **how)
    if found is queue_keyset_sql.NO_POSITION:
        return None
    return Keyset(queue_keyset.AFTER, order_keys, values, how, nothing=found == queue_keyset_sql.NOTHING)


def _jump(reads: Reads, asked: int, size: int) -> Keyset | None:
    """A page typed by its number, of every case or everyone's overdue (queue_jump): read from the
    start of its month, its place in the month skipped; None: read by the OFFSET."""
    found = queue_jump.start(reads.jump, (asked - 1) * size, reads.paged.db) if reads.jump else None
    order_keys = queue_keyset.keys(list(reads.paged.query.order_by)) if found else None
    if not order_keys or any(key.name not in found[0] for key in order_keys):
        return None
    values, skip = found
    values = {key.name: values[key.name] for key in order_keys}
    how = _how(reads.paged)
    if queue_keyset_sql.readable(order_keys, values, queue_keyset.AFTER, **how) is not True:
        return None
    return Keyset(queue_keyset.AFTER, order_keys, values, how, skip)


def _short(keyset, rows: list, page: Page, size: int) -> bool:
    """A keyset page with fewer rows than its number's page has: its case was closed or moved
    since the link was written (or is at the start of the queue, before it)."""
    if keyset is None:
        return False
    full = size if page.number < page.paginator.num_pages else page.paginator.count - (page.number - 1) * size
    return len(rows) < full


def read_page(build: Callable[[WorkingCalendar], Reads], options: Read, number, size: int,
              position: queue_keyset.Position | None = None) -> Answered:
    """Everything the page reads, in one round trip when the guesses hold (see above). `build`
    makes the page's queries for a calendar; `options` reads the filters' options; `number` is
    the page asked for, as given; `position` where a "Next" or "Previous" link says the page
    starts (queue_keyset): read from there, not past an OFFSET, when it can be. If that page
    comes back short of what the total says page `number` holds (the case was closed or moved
    since), the number's page is read by OFFSET instead (a second round trip)."""
    using = options.using
    days = revisions.kept(using, revisions.CLOSURE_DAYS)
    if days is None:  # this process's first read of the closure days (or its revision unknown): on their own
        days = _days(using)
    chosen = revisions.kept(using, revisions.FILTER_OPTIONS)
    asked = asked_page(number)
    cal = calendar.calendar_of(days.value)
    reads = build(cal)
    keyset = _keyset(reads, position, asked) or _jump(reads, asked, size)
    # The page's rows first, then the counts: the server runs the statements in this order, and
    # one it runs while the client reads the answers before it shares the CPU with that (the
    # rows of "My cases", last: 3.9 ms; first: 0.9, as alone). The counts carry the revisions.
    # A session guessed for this page (decision 0020) is checked first in the same round trip.
    check = sessionguess.check_call()
    answers = together(*([check] if check else []), _page_call(reads, asked, size, keyset), _counts_call(reads))
    if check:
        sessionguess.answer(answers.pop(0))
    rows, counts_rows = answers
    counted = _with_total(reads, reads.counts.answer(counts_rows), rows, asked)
    if days.token and not revisions.current(days, counted, revisions.CLOSURE_DAYS):
        # A closure day added or taken away since this process read them: again, with the days
        # read now (a revision unknown: the days were read just before, as the page used to).
        days = _days(using)
        cal = calendar.calendar_of(days.value)
        reads = build(cal)
        rows, counts_rows = together(_page_call(reads, asked, size, keyset), _counts_call(reads))
        counted = _with_total(reads, reads.counts.answer(counts_rows), rows, asked)
    if not revisions.current(chosen, counted, revisions.FILTER_OPTIONS):  # a service area, theme or handler changed
        chosen, _ = revisions.read(using, revisions.FILTER_OPTIONS, options)
    page = CountedPaginator(reads.paged, size, count=counted["total"]).get_page(number)
    if page.number != asked or _short(keyset, rows, page, size):  # past the last page (or below the first): the paginator's page
        rows = together(_page_call(reads, page.number, size))[0]
    page.object_list = rows
    return Answered(cal, counted, page, chosen.value)


def _with_total(reads: Reads, counted: dict, rows: list, asked: int) -> dict:
    """The counts with the page's total, where the rows carried it (`Reads.total`): none found
    on page 1 is none at all; an empty page past it is counted on its own (a second round trip,
    as for any page past the last)."""
    if reads.total is not None:
        total = getattr(rows, "total", None)
        counted["total"] = total if total is not None else 0 if asked == 1 else run(reads.total)["total"]
    return counted


def _days(using: str) -> revisions.Kept:
    """The closure days, read after their revision and kept with it."""
    return revisions.read(using, revisions.CLOSURE_DAYS, (calendar.CLOSURE_DAYS, "rows", ()))[0]
