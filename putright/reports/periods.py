"""Reporting periods: the year runs 1 April to 31 March, in four quarters.

The Regulator's measures (CH01, CH02) and the Code's annual report (8.1) cover the year
1 April–31 March. A year is named by the calendar year it starts in: 2024 means
1 April 2024 to 31 March 2025, written 2024/25. Quarter 1 is April–June, 2 July–September,
3 October–December and 4 January–March (of the following calendar year).

Pure Python: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FIRST_YEAR = 1990  # nothing older is a sensible reporting year
LAST_YEAR = 2200

_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}


@dataclass(frozen=True)
class Period:
    """A reporting year, or one quarter of it. ``start`` and ``end`` are both inclusive."""

    year: int
    quarter: int | None
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """``2024/25`` or ``2024/25 Q1``."""
        name = year_label(self.year)
        return name if self.quarter is None else f"{name} Q{self.quarter}"

    @property
    def description(self) -> str:
        """``1 April 2024 to 31 March 2025``."""
        return f"{_long(self.start)} to {_long(self.end)}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def as_json_dict(self) -> dict:
        return {
            "kind": "annual" if self.quarter is None else "quarter",
            "year": self.year,
            "quarter": self.quarter,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _long(day: dt.date) -> str:
    month = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")[day.month - 1]
    return f"{day.day} {month} {day.year}"


def check_year(year: int) -> int:
    """The year as an int, or ValueError with a sentence saying why not."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"the year must be a whole number such as 2024, not {year!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}, not {year}")
    return year


def year_label(year: int) -> str:
    """``2024/25``: the reporting year starting 1 April 2024."""
    return f"{year}/{(year + 1) % 100:02d}"


def reporting_year(year: int) -> Period:
    """1 April ``year`` to 31 March ``year + 1``."""
    check_year(year)
    return Period(year, None, dt.date(year, 4, 1), dt.date(year + 1, 3, 31))


def quarter(year: int, number: int) -> Period:
    """Quarter ``number`` (1–4) of the reporting year ``year``: Q4 is January–March of ``year + 1``."""
    check_year(year)
    if isinstance(number, bool) or number not in _QUARTER_MONTHS:
        raise ValueError(f"the quarter must be 1, 2, 3 or 4, not {number!r}")
    first, last = _QUARTER_MONTHS[number]
    calendar_year = year + 1 if number == 4 else year
    end = dt.date(calendar_year, last + 1, 1) - dt.timedelta(days=1) if last < 12 else dt.date(calendar_year, 12, 31)
    return Period(year, number, dt.date(calendar_year, first, 1), end)


def year_of(day: dt.date) -> int:
    """The reporting year a date falls in: 31 March 2025 is in 2024, 1 April 2025 in 2025."""
    return day.year if day.month >= 4 else day.year - 1


def year_start(day: dt.date) -> dt.date:
    """1 April of the reporting year a date falls in (any date: no check of the year)."""
    return dt.date(year_of(day), 4, 1)


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the quarter a date falls in (the reporting year's quarters are the
    calendar's: April, July, October, January)."""
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(reporting year, quarter) of a date."""
    return year_of(day), (day.month - 4) % 12 // 3 + 1


def last_complete_year(today: dt.date) -> int:
    """The most recent reporting year that has ended by ``today``."""
    return year_of(today) - 1


def previous_years(year: int, count: int) -> list[int]:
    """``count`` years ending with ``year``, oldest first: (2024, 3) -> [2022, 2023, 2024]."""
    return list(range(year - count + 1, year + 1))
