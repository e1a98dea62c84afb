"""Working days, as the Code counts them.

The Code's clocks (6.2, 6.3, 6.4, 6.11, 6.14, 6.15) run in working days: weekends and bank
holidays in England do not count. A landlord may also close on other days (for example between
Christmas and New Year); those are passed in as ``closure_days`` and skipped the same way.

The day the clock starts (the day of receipt, of acknowledgement, ...) is day 0 and never counts:
"within N working days" means on or before the Nth working day after it.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from threading import Lock

import holidays

# The index is built in whole decades: big enough that lookups almost never extend it,
# small enough that building one (a few thousand days) costs well under a millisecond.
_CHUNK_YEARS = 10


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date) -> str:
    """``Wed 24 Dec 2025``: the form used in every explanation and message."""
    # Spelt out rather than strftime("%a %-d %b %Y"): %-d is not portable and %a/%b follow
    # the process locale, but letters to residents must not change with the server's.
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class SkippedDay:
    """A day the count passed over, and why it is not a working day."""

    day: date
    reason: str  # "Saturday", "Sunday", "bank holiday: <name>" or "closure day[: <label>]"


@dataclass(frozen=True)
class WorkingDayCount:
    """The explanation of a deadline: where counting started, what counted and what did not."""

    start_on: date  # day 0, never counted
    working_days: int  # N
    due_on: date  # the Nth working day after start_on
    counted: tuple[date, ...]  # the N working days counted, in order
    skipped: tuple[SkippedDay, ...]  # non-working days strictly between start_on and due_on

    def lines(self) -> list[str]:
        """The count in plain words, one line per fact, for screens and letters."""
        if self.working_days == 0:
            return [f"No working days to count: the date is {format_day(self.start_on)} itself."]
        return [
            f"Counting starts the day after {format_day(self.start_on)} (day 0 is never counted).",
            *(f"Skipped {format_day(s.day)}: {s.reason}" for s in self.skipped),
            f"Working day {self.working_days} is {format_day(self.due_on)}.",
        ]


@functools.lru_cache(maxsize=64)
def england_bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """England's bank holidays from ``first_year`` to ``last_year`` inclusive, with their names.

    Comes from the ``holidays`` package, which includes the one-off days (the Platinum Jubilee on
    3 Jun 2022, the State Funeral on 19 Sep 2022, the Coronation on 8 May 2023) and moves
    holidays that fall at a weekend to the next working day ("(observed)").
    Cached because every calendar asks for the same years; treat the result as read-only.
    """
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return {day: str(name) for day, name in sorted(found.items())}


def _working_days(first: int, last: int, closed: Set[int]) -> list[int]:
    """Ordinals from ``first`` to ``last`` that are neither weekend days nor in ``closed``."""
    # Ordinal 1 (1 Jan AD 1) was a Monday, so (o - 1) % 7 is date.weekday(): 5 and 6 are the
    # weekend.
    return [o for o in range(first, last + 1) if (o - 1) % 7 < 5 and o not in closed]


@functools.lru_cache(maxsize=16)
def _england_working_days(first_year: int, last_year: int) -> Sequence[int]:
    """Working days in England (no closure days) over whole years, as sorted ordinals."""
    start = first_year - first_year % _CHUNK_YEARS
    bank = {
        d.toordinal()
        for decade in range(start, last_year + 1, _CHUNK_YEARS)
        for d in england_bank_holidays(decade, decade + _CHUNK_YEARS - 1)
    }
    first, last = date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()
    return tuple(_working_days(first, last, bank))  # a tuple, as calendars share it


@dataclass(frozen=True)
class _Index:
    """Working days over a whole number of years, as sorted ordinals (for bisect)."""

    first: int  # ordinal of the first day covered (1 January)
    last: int  # ordinal of the last day covered (31 December)
    working: Sequence[int]


class WorkingCalendar:
    """Weekends, England's bank holidays and the landlord's own closure days.

    ``closure_days`` maps date to label (or is just dates). ``bank_holidays=None`` means
    England's, from the holidays package, for whatever years are asked; a mapping is used
    exactly as given (tests use this to pin the calendar down).

    Counting is done with a sorted list of working-day ordinals and ``bisect``, so a deadline
    costs a couple of list lookups rather than a day-by-day walk: importing history asks for
    hundreds of thousands of them. The list covers whole decades and grows when asked about
    dates outside it.
    """

    def __init__(
        self,
        closure_days: Mapping[date, str] | Iterable[date] = (),
        *,
        bank_holidays: Mapping[date, str] | None = None,
    ) -> None:
        if isinstance(closure_days, Mapping):
            self._closures: dict[date, str] = {d: str(label) for d, label in closure_days.items()}
        else:
            self._closures = {d: "" for d in closure_days}
        self._fixed_bank_holidays = (
            None if bank_holidays is None else {d: str(n) for d, n in bank_holidays.items()}
        )
        self._index: _Index | None = None
        self._lock = Lock()  # only taken to (re)build the index; reads never wait

    # -- what kind of day is it -------------------------------------------------------------

    def _bank_holiday(self, day: date) -> str | None:
        if self._fixed_bank_holidays is not None:
            return self._fixed_bank_holidays.get(day)
        decade = day.year - day.year % _CHUNK_YEARS
        return england_bank_holidays(decade, decade + _CHUNK_YEARS - 1).get(day)

    def non_working_reason(self, day: date) -> str | None:
        """None for a working day; otherwise why not, in the words used by ``SkippedDay``.

        A weekend is reported before a bank holiday, and a bank holiday before a closure day,
        because that is the reason a resident would recognise.
        """
        weekday = day.weekday()
        if weekday >= 5:
            return "Saturday" if weekday == 5 else "Sunday"
        name = self._bank_holiday(day)
        if name is not None:
            return f"bank holiday: {name}"
        if day in self._closures:
            label = self._closures[day]
            return f"closure day: {label}" if label else "closure day"
        return None

    def is_working_day(self, day: date) -> bool:
        """Not a weekend, a bank holiday or a closure day."""
        return self.non_working_reason(day) is None

    # -- the index --------------------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> _Index:
        first = date(first_year, 1, 1).toordinal()
        last = date(last_year, 12, 31).toordinal()
        closures = {o for o in map(date.toordinal, self._closures) if first <= o <= last}
        if self._fixed_bank_holidays is None:
            # England's working days are shared by every calendar; closures are taken out.
            base = _england_working_days(first_year, last_year)
            working = [o for o in base if o not in closures] if closures else base
        else:
            closures.update(map(date.toordinal, self._fixed_bank_holidays))
            working = _working_days(first, last, closures)
        return _Index(first, last, working)

    def _cover(self, low: int, high: int) -> _Index:
        """An index covering ordinals ``low``..``high``, building or widening it if needed."""
        with self._lock:
            index = self._index
            if index is not None and index.first <= low and high <= index.last:
                return index  # another thread got there first
            first_year = date.fromordinal(low).year
            last_year = date.fromordinal(min(high, date.max.toordinal())).year
            # Round out to whole decades, and always look at least a decade ahead: deadlines
            # run forwards from the dates we are asked about.
            first_year -= first_year % _CHUNK_YEARS
            last_year = last_year - last_year % _CHUNK_YEARS + 2 * _CHUNK_YEARS - 1
            if index is not None:
                first_year = min(first_year, date.fromordinal(index.first).year)
                last_year = max(last_year, date.fromordinal(index.last).year)
            first_year, last_year = max(first_year, date.min.year), min(last_year, date.max.year)
            self._index = self._build(first_year, last_year)
            return self._index

    def _index_for(self, low: int, high: int) -> _Index:
        index = self._index
        if index is None or low < index.first or high > index.last:
            index = self._cover(low, high)
        return index

    # -- counting ---------------------------------------------------------------------------

    def add_working_days(self, start_on: date, n: int) -> date:
        """The Nth working day strictly after ``start_on`` (``start_on`` itself for n == 0).

        The start day is day 0 and never counts, whether or not it is a working day: a
        complaint received on a Saturday or at 9am on a Monday starts counting the next
        working day either way.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if n == 0:
            return start_on
        start = start_on.toordinal()
        index = self._index_for(start, start)
        # bisect_right counts the covered working days up to and including start, so the
        # Nth working day after start sits n - 1 places further on.
        position = bisect_right(index.working, start) + n - 1
        while position >= len(index.working):
            if index.last >= date.max.toordinal():
                raise OverflowError("date value out of range")
            index = self._cover(start, index.last + 366 * _CHUNK_YEARS)
            position = bisect_right(index.working, start) + n - 1
        return date.fromordinal(index.working[position])

    def working_days_between(self, start_on: date, end_on: date) -> int:
        """Working days d with start_on < d <= end_on (negative if end_on is earlier).

        So ``working_days_between(x, add_working_days(x, n)) == n``: "3 working days left",
        "2 working days overdue", "answered in 7 working days".
        """
        start, end = start_on.toordinal(), end_on.toordinal()
        index = self._index_for(min(start, end), max(start, end))
        return bisect_right(index.working, end) - bisect_right(index.working, start)

    def explain(self, start_on: date, n: int) -> WorkingDayCount:
        """``add_working_days`` with its working shown: every day counted or skipped, and why."""
        due_on = self.add_working_days(start_on, n)
        start, due = start_on.toordinal(), due_on.toordinal()
        index = self._index_for(start, due)
        position = bisect_right(index.working, start)
        counted = index.working[position : position + n]
        # Everything else strictly between day 0 and the due day was skipped; only those few
        # days need their reason looked up.
        counted_set = set(counted)
        skipped: list[SkippedDay] = []
        for ordinal in range(start + 1, due):
            if ordinal not in counted_set:
                day = date.fromordinal(ordinal)
                # The index and non_working_reason read the same data, so a reason exists.
                skipped.append(SkippedDay(day, self.non_working_reason(day) or "closure day"))
        counted_days = tuple(map(date.fromordinal, counted))
        return WorkingDayCount(start_on, n, due_on, counted_days, tuple(skipped))
