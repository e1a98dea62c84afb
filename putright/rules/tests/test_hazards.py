"""Awaab's Law clocks (SI 2025/1042): the hours clock and the working-day clocks."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from putright.rules.errors import RuleViolation
from putright.rules.hazards import (
    EMERGENCY,
    SIGNIFICANT,
    awareness_day,
    investigate_by,
    legal_calendar,
    local_moment,
    timescales,
)

CAL = legal_calendar()


def london(*args: int) -> datetime:
    return local_moment(datetime(*args))


def test_significant_over_christmas_and_new_year() -> None:
    # Thu 24 Dec 2026 16:30: Christmas Day (Fri), the weekend, Boxing Day observed (Mon 28 Dec)
    # and New Year's Day (Fri 1 Jan 2027) are skipped.
    aware = london(2026, 12, 24, 16, 30)
    assert timescales(SIGNIFICANT, aware, None, CAL).as_json_dict() == {"investigate_by": "2027-01-12"}
    done = timescales(SIGNIFICANT, aware, date(2027, 1, 12), CAL)
    assert done.as_json_dict() == {
        "investigate_by": "2027-01-12",
        "summary_by": "2027-01-15",
        "safety_work_by": "2027-01-19",
        "preventative_work_begin_by": "2027-01-19",
        "preventative_work_start_by": "2027-04-06",  # 84 calendar days
    }


def test_significant_explains_itself() -> None:
    deadline = investigate_by(SIGNIFICANT, london(2026, 12, 24, 16, 30), CAL)
    lines = deadline.lines()
    assert lines[0].startswith("Became aware Thu 24 Dec 2026 16:30 (GMT): that day is day 0")
    assert "Skipped Fri 25 Dec 2026: bank holiday: Christmas Day" in lines
    assert "Skipped Mon 28 Dec 2026: bank holiday: Boxing Day (observed)" in lines
    assert "Skipped Fri 1 Jan 2027: bank holiday: New Year's Day" in lines
    assert lines[-1] == "Working day 10 is Tue 12 Jan 2027."
    assert deadline.rule == "Significant hazard: investigate within 10 working days of becoming aware"
    weeks = timescales(SIGNIFICANT, london(2026, 12, 24, 16, 30), date(2027, 1, 12), CAL)
    assert weeks.get("preventative_work_start_by").lines()[-1] == "Day 84 is Tue 6 Apr 2027."


def test_significant_over_easter() -> None:
    # Good Friday (3 Apr 2026) and Easter Monday (6 Apr) do not count.
    assert investigate_by(SIGNIFICANT, london(2026, 4, 2, 10, 0), CAL).due_on == date(2026, 4, 20)


@pytest.mark.parametrize(
    ("aware", "expected"),
    [
        # Friday just before midnight and Saturday just after: both start counting on Monday.
        ((2026, 11, 20, 23, 59), date(2026, 12, 4)),
        ((2026, 11, 21, 0, 1), date(2026, 12, 4)),
        ((2026, 11, 22, 14, 0), date(2026, 12, 4)),  # Sunday
        # Out of hours on a working day: that day is still day 0, not the next working day.
        ((2026, 11, 23, 22, 0), date(2026, 12, 7)),
        ((2026, 11, 24, 8, 0), date(2026, 12, 8)),
    ],
)
def test_awareness_out_of_hours_and_at_weekends(aware: tuple[int, ...], expected: date) -> None:
    assert investigate_by(SIGNIFICANT, london(*aware), CAL).due_on == expected


def test_awareness_day_is_the_london_date() -> None:
    # 23:30 UTC on 31 May is 00:30 BST on 1 June.
    assert awareness_day(datetime(2026, 5, 31, 23, 30, tzinfo=timezone.utc)) == date(2026, 6, 1)


def test_emergency_24_hours_across_midnight_and_a_bank_holiday() -> None:
    # Sun 30 Aug 2026 21:15: the clock runs through midnight and the summer bank holiday.
    scales = timescales(EMERGENCY, london(2026, 8, 30, 21, 15), None, CAL)
    assert scales.as_json_dict() == {
        "investigate_by": "2026-08-31T21:15+01:00",
        "safety_work_by": "2026-08-31T21:15+01:00",
    }
    assert scales.get("investigate_by").lines()[-1] == "Due by Mon 31 Aug 2026 21:15 (BST)."
    christmas = timescales(EMERGENCY, london(2026, 12, 24, 16, 30), None, CAL)
    assert christmas.as_json_dict()["investigate_by"] == "2026-12-25T16:30+00:00"


def test_emergency_is_24_elapsed_hours_when_the_clocks_change() -> None:
    autumn = investigate_by(EMERGENCY, london(2026, 10, 24, 16, 30), CAL)
    assert autumn.as_json_value() == "2026-10-25T15:30+00:00"
    assert any("clocks change" in line for line in autumn.lines())
    spring = investigate_by(EMERGENCY, london(2026, 3, 28, 12, 0), CAL)
    assert spring.as_json_value() == "2026-03-29T13:00+01:00"


def test_emergency_ignores_the_investigation_date() -> None:
    scales = timescales(EMERGENCY, london(2026, 11, 23, 10, 0), date(2026, 11, 24), CAL)
    assert set(scales.as_json_dict()) == {"investigate_by", "safety_work_by"}


def test_met_by() -> None:
    hours = investigate_by(EMERGENCY, london(2026, 12, 24, 16, 30), CAL)
    assert hours.met_by(london(2026, 12, 25, 16, 30))
    assert not hours.met_by(london(2026, 12, 25, 16, 31))
    assert hours.met_by(date(2026, 12, 24))
    assert not hours.met_by(date(2026, 12, 25))  # a date alone cannot show the hour
    days = investigate_by(SIGNIFICANT, london(2026, 12, 24, 16, 30), CAL)
    assert days.met_by(date(2027, 1, 12))
    assert not days.met_by(date(2027, 1, 13))
    assert days.met_by(london(2027, 1, 12, 23, 59))


def test_closure_days_do_not_stop_the_legal_clock() -> None:
    assert legal_calendar().is_working_day(date(2026, 12, 29))


def test_refusals() -> None:
    with pytest.raises(RuleViolation, match="time zone"):
        investigate_by(SIGNIFICANT, datetime(2026, 12, 24, 16, 30), CAL)
    with pytest.raises(RuleViolation, match="not 'urgent'"):
        investigate_by("urgent", london(2026, 12, 24, 16, 30), CAL)
    with pytest.raises(RuleViolation, match="before the landlord became aware") as error:
        timescales(SIGNIFICANT, london(2026, 12, 24, 16, 30), date(2026, 12, 23), CAL)
    assert error.value.field == "investigated_on"
    with pytest.raises(RuleViolation, match="clocks went forward"):
        local_moment(datetime(2026, 3, 29, 1, 30))


def test_the_hour_the_clocks_go_back_takes_the_earlier_moment() -> None:
    assert local_moment(datetime(2026, 10, 25, 1, 30)).utcoffset().total_seconds() == 3600
