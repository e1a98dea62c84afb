"""Working-day counting: worked examples first, then properties checked against a naive count.

Every date below was checked against a real calendar (Python's ``datetime``) when written.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from putright.rules.calendar import (
    SkippedDay,
    WorkingCalendar,
    WorkingDayCount,
    england_bank_holidays,
    format_day,
)

ENGLAND = WorkingCalendar()
# The landlord closes for the three working days between Christmas and New Year 2025.
CLOSED_AT_CHRISTMAS = WorkingCalendar(
    {date(2025, 12, 29): "", date(2025, 12, 30): "", date(2025, 12, 31): ""}
)


@pytest.mark.parametrize(
    ("received_on", "n", "due_on"),
    [
        # Christmas 2025: 25, 26 Dec and 1 Jan are bank holidays (Thu, Fri, Thu).
        (date(2025, 12, 24), 5, date(2026, 1, 5)),
        # Christmas 2026: Boxing Day is a Saturday, observed on Mon 28 Dec.
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        (date(2024, 12, 20), 5, date(2024, 12, 31)),
        # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr.
        (date(2024, 3, 28), 5, date(2024, 4, 8)),
        # Easter 2025: Good Friday 18 Apr, Easter Monday 21 Apr.
        (date(2025, 4, 17), 5, date(2025, 4, 28)),
        # One-off bank holidays: the State Funeral (Mon 19 Sep 2022), the Platinum Jubilee
        # (Thu 2 and Fri 3 Jun 2022, the spring holiday moved) and the Coronation (Mon 8 May 2023).
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        (date(2022, 9, 16), 5, date(2022, 9, 26)),
        (date(2022, 6, 1), 5, date(2022, 6, 10)),
        (date(2023, 5, 5), 5, date(2023, 5, 15)),
        (date(2023, 5, 26), 5, date(2023, 6, 5)),
        # Received on a non-working day: it is still day 0.
        (date(2025, 1, 4), 1, date(2025, 1, 6)),  # Saturday
        (date(2025, 1, 5), 1, date(2025, 1, 6)),  # Sunday
        (date(2025, 4, 18), 1, date(2025, 4, 22)),  # Good Friday, then Easter Monday
        # Received on a Friday, a working day: still day 0.
        (date(2025, 3, 7), 1, date(2025, 3, 10)),
        (date(2025, 3, 7), 5, date(2025, 3, 14)),
        # n = 0 is the start day itself, working or not.
        (date(2025, 3, 7), 0, date(2025, 3, 7)),
        (date(2025, 12, 25), 0, date(2025, 12, 25)),
    ],
)
def test_add_working_days(received_on: date, n: int, due_on: date) -> None:
    assert ENGLAND.add_working_days(received_on, n) == due_on
    assert ENGLAND.working_days_between(received_on, due_on) == n


def test_closure_days_are_skipped() -> None:
    assert CLOSED_AT_CHRISTMAS.add_working_days(date(2025, 12, 24), 5) == date(2026, 1, 8)
    assert not CLOSED_AT_CHRISTMAS.is_working_day(date(2025, 12, 30))
    assert ENGLAND.is_working_day(date(2025, 12, 30))


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        ENGLAND.add_working_days(date(2025, 3, 7), -1)


@pytest.mark.parametrize(
    ("start_on", "end_on", "expected"),
    [
        (date(2025, 3, 7), date(2025, 3, 7), 0),
        (date(2025, 3, 7), date(2025, 3, 9), 0),  # Fri to Sun: nothing after Friday counts
        (date(2025, 3, 7), date(2025, 3, 10), 1),
        (date(2025, 12, 24), date(2026, 1, 5), 5),
        (date(2026, 1, 5), date(2025, 12, 24), -5),  # overdue by 5
        (date(2025, 3, 10), date(2025, 3, 7), -1),
        (date(2025, 3, 8), date(2025, 3, 7), 0),  # Sat back to Fri: no working day in (Fri, Sat]
        (date(2025, 1, 1), date(2026, 1, 1), 253),  # 2025: 261 weekdays, 8 bank holidays
    ],
)
def test_working_days_between(start_on: date, end_on: date, expected: int) -> None:
    assert ENGLAND.working_days_between(start_on, end_on) == expected


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2025, 3, 7), None),
        (date(2025, 3, 8), "Saturday"),
        (date(2025, 3, 9), "Sunday"),
        (date(2025, 12, 25), "bank holiday: Christmas Day"),
        (date(2026, 12, 28), "bank holiday: Boxing Day (observed)"),
        (date(2022, 9, 19), "bank holiday: State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "bank holiday: Coronation of Charles III"),
        (date(2022, 6, 3), "bank holiday: Platinum Jubilee of Elizabeth II"),
        (date(2026, 12, 26), "Saturday"),  # a weekend beats a bank holiday
    ],
)
def test_non_working_reason(day: date, reason: str | None) -> None:
    assert ENGLAND.non_working_reason(day) == reason


def test_closure_labels_and_precedence() -> None:
    cal = WorkingCalendar(
        {
            date(2025, 12, 29): "Christmas closure",
            date(2025, 12, 30): "",
            date(2025, 12, 27): "x",
            date(2025, 12, 25): "y",
        }
    )
    assert cal.non_working_reason(date(2025, 12, 29)) == "closure day: Christmas closure"
    assert cal.non_working_reason(date(2025, 12, 30)) == "closure day"
    assert cal.non_working_reason(date(2025, 12, 27)) == "Saturday"
    assert cal.non_working_reason(date(2025, 12, 25)) == "bank holiday: Christmas Day"


def test_a_given_bank_holiday_mapping_is_used_exactly() -> None:
    cal = WorkingCalendar(bank_holidays={date(2025, 3, 10): "Made-up Day"})
    assert cal.non_working_reason(date(2025, 3, 10)) == "bank holiday: Made-up Day"
    assert cal.is_working_day(date(2025, 12, 25))  # not in the mapping
    assert cal.add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 11)


def test_england_bank_holidays_include_one_off_days() -> None:
    days = england_bank_holidays(2022, 2023)
    assert {date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)} <= days.keys()
    assert england_bank_holidays(2022, 2023) is days  # cached


def test_explain_christmas_2025() -> None:
    count = ENGLAND.explain(date(2025, 12, 24), 5)
    assert count == WorkingDayCount(
        start_on=date(2025, 12, 24),
        working_days=5,
        due_on=date(2026, 1, 5),
        counted=(
            date(2025, 12, 29),
            date(2025, 12, 30),
            date(2025, 12, 31),
            date(2026, 1, 2),
            date(2026, 1, 5),
        ),
        skipped=(
            SkippedDay(date(2025, 12, 25), "bank holiday: Christmas Day"),
            SkippedDay(date(2025, 12, 26), "bank holiday: Boxing Day"),
            SkippedDay(date(2025, 12, 27), "Saturday"),
            SkippedDay(date(2025, 12, 28), "Sunday"),
            SkippedDay(date(2026, 1, 1), "bank holiday: New Year's Day"),
            SkippedDay(date(2026, 1, 3), "Saturday"),
            SkippedDay(date(2026, 1, 4), "Sunday"),
        ),
    )
    assert count.lines() == [
        "Counting starts the day after Wed 24 Dec 2025 (day 0 is never counted).",
        "Skipped Thu 25 Dec 2025: bank holiday: Christmas Day",
        "Skipped Fri 26 Dec 2025: bank holiday: Boxing Day",
        "Skipped Sat 27 Dec 2025: Saturday",
        "Skipped Sun 28 Dec 2025: Sunday",
        "Skipped Thu 1 Jan 2026: bank holiday: New Year's Day",
        "Skipped Sat 3 Jan 2026: Saturday",
        "Skipped Sun 4 Jan 2026: Sunday",
        "Working day 5 is Mon 5 Jan 2026.",
    ]


def test_explain_with_closure_days() -> None:
    count = CLOSED_AT_CHRISTMAS.explain(date(2025, 12, 24), 5)
    assert count.due_on == date(2026, 1, 8)
    assert [s.reason for s in count.skipped if s.reason.startswith("closure")] == [
        "closure day"
    ] * 3
    assert count.counted == (
        date(2026, 1, 2),
        date(2026, 1, 5),
        date(2026, 1, 6),
        date(2026, 1, 7),
        date(2026, 1, 8),
    )


def test_explain_zero_days() -> None:
    count = ENGLAND.explain(date(2025, 3, 7), 0)
    assert (count.due_on, count.counted, count.skipped) == (date(2025, 3, 7), (), ())
    assert count.lines() == ["No working days to count: the date is Fri 7 Mar 2025 itself."]


def test_format_day() -> None:
    assert format_day(date(2026, 1, 2)) == "Fri 2 Jan 2026"


def test_far_dates_extend_the_index() -> None:
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)
    # Far outside the first decade loaded, both ways, and a count that runs past its end.
    assert cal.add_working_days(date(2099, 12, 24), 1) == ENGLAND.add_working_days(
        date(2099, 12, 24), 1
    )
    assert cal.add_working_days(date(1995, 12, 22), 1) == date(1995, 12, 27)
    assert cal.working_days_between(date(1995, 1, 1), date(2005, 1, 1)) > 2500
    start = date(2039, 12, 1)
    assert cal.working_days_between(start, cal.add_working_days(start, 3000)) == 3000


# -- properties ---------------------------------------------------------------------------------

# An independent source for the reference count: the holidays package, asked directly.
_BANK = holidays.country_holidays("GB", subdiv="ENG", years=range(2014, 2038))


def _naive_is_working(day: date, closed: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in _BANK and day not in closed


def _naive_add(start_on: date, n: int, closed: frozenset[date]) -> date:
    day = start_on
    while n:
        day += timedelta(days=1)
        if _naive_is_working(day, closed):
            n -= 1
    return day


starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=60)
# Closure days near the start date, where they matter.
offsets = st.frozensets(st.integers(min_value=-10, max_value=100), max_size=15)


def _closures(start_on: date, days: frozenset[int]) -> frozenset[date]:
    return frozenset(start_on + timedelta(days=d) for d in days)


@given(start_on=starts, n=counts, offsets=offsets)
def test_matches_a_naive_day_by_day_count(start_on: date, n: int, offsets: frozenset[int]) -> None:
    closed = _closures(start_on, offsets)
    cal = WorkingCalendar(closed)
    due_on = cal.add_working_days(start_on, n)
    assert due_on == _naive_add(start_on, n, closed)
    if n >= 1:
        assert cal.is_working_day(due_on)
    in_between = [start_on + timedelta(days=i) for i in range(1, (due_on - start_on).days + 1)]
    assert sum(_naive_is_working(d, closed) for d in in_between) == n
    assert cal.working_days_between(start_on, due_on) == n
    assert cal.working_days_between(due_on, start_on) == -n
    count = cal.explain(start_on, n)
    assert (count.due_on, len(count.counted)) == (due_on, n)
    assert len(count.counted) + len(count.skipped) == (due_on - start_on).days


@given(a=starts, span=st.integers(min_value=-800, max_value=800), offsets=offsets)
def test_between_matches_a_naive_count(a: date, span: int, offsets: frozenset[int]) -> None:
    b = a + timedelta(days=span)
    closed = _closures(a, offsets)
    low, high = min(a, b), max(a, b)
    naive = sum(
        _naive_is_working(low + timedelta(days=i), closed) for i in range(1, (high - low).days + 1)
    )
    assert WorkingCalendar(closed).working_days_between(a, b) == (naive if b >= a else -naive)


@given(
    start_on=starts, n=counts, later=st.integers(0, 20), more=st.integers(0, 20), offsets=offsets
)
def test_monotonic_in_start_and_n(
    start_on: date, n: int, later: int, more: int, offsets: frozenset[int]
) -> None:
    cal = WorkingCalendar(_closures(start_on, offsets))
    assert cal.add_working_days(start_on, n) <= cal.add_working_days(start_on, n + more)
    assert cal.add_working_days(start_on, n) <= cal.add_working_days(
        start_on + timedelta(days=later), n
    )
    if more:
        assert cal.add_working_days(start_on, n) < cal.add_working_days(start_on, n + more)
