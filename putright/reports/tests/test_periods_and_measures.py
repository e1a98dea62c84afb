"""Reporting periods and the arithmetic of the published figures: pure, no database."""

import datetime as dt

import pytest

from putright.reports import measures, periods

D = dt.date


def test_it_runs_the_reporting_year_from_1_april_to_31_march():
    year = periods.reporting_year(2024)
    assert (year.start, year.end) == (D(2024, 4, 1), D(2025, 3, 31))
    assert year.label == "2024/25"
    assert year.description == "1 April 2024 to 31 March 2025"
    assert D(2025, 3, 31) in year and D(2025, 4, 1) not in year and D(2024, 3, 31) not in year
    assert periods.reporting_year(1999).label == "1999/00"


def test_it_puts_quarter_4_in_january_to_march_of_the_next_calendar_year():
    assert [(q.start, q.end) for q in (periods.quarter(2024, n) for n in (1, 2, 3, 4))] == [
        (D(2024, 4, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 9, 30)),
        (D(2024, 10, 1), D(2024, 12, 31)),
        (D(2025, 1, 1), D(2025, 3, 31)),
    ]
    assert periods.quarter(2023, 4).end == D(2024, 3, 31)  # 2024 is a leap year: 29 Feb is inside
    assert periods.quarter(2024, 1).label == "2024/25 Q1"


def test_it_finds_the_year_and_quarter_of_a_date():
    assert periods.year_of(D(2025, 3, 31)) == 2024
    assert periods.year_of(D(2025, 4, 1)) == 2025
    assert periods.quarter_of(D(2025, 3, 31)) == (2024, 4)
    assert periods.quarter_of(D(2025, 4, 1)) == (2025, 1)
    assert periods.quarter_of(D(2024, 12, 31)) == (2024, 3)
    assert periods.quarter_of(D(2024, 7, 1)) == (2024, 2)
    assert periods.last_complete_year(D(2026, 11, 23)) == 2025
    assert periods.last_complete_year(D(2026, 3, 31)) == 2024
    assert periods.previous_years(2024, 3) == [2022, 2023, 2024]


@pytest.mark.parametrize("year, quarter", [(2024, 0), (2024, 5), (2024, "1"), (2024, True), ("2024", 1), (1800, 1)])
def test_it_refuses_a_quarter_or_year_that_does_not_exist(year, quarter):
    with pytest.raises(ValueError):
        periods.quarter(year, quarter)


def test_it_counts_per_1000_homes_to_one_place_as_papworth_published():
    # Papworth Trust 2023/24 (seed 000): 34 stage 1 housing complaints, 669 homes: 50.8.
    assert measures.per_1000_homes(34, 669) == 50.8
    assert measures.per_1000_homes(0, 669) == 0.0
    assert measures.per_1000_homes(3, 2000) == 1.5


def test_it_has_no_per_1000_figure_when_homes_are_unknown():
    assert measures.per_1000_homes(10, None) is None
    assert measures.per_1000_homes(10, 0) is None


def test_it_rounds_half_up_not_to_even():
    # 1 in 8 per 1,000 homes is 0.125 per 1: Python's round(x, 1) gives banker's results on
    # binary floats; published tables round half up.
    assert measures.share(1, 8) == 12.5
    assert measures.share(1, 16) == 6.3  # 6.25 -> 6.3, where round(6.25, 1) == 6.2
    assert measures.per_1000_homes(1, 16000) == 0.1  # 0.0625 -> 0.1
    assert measures.round_1dp(0.05) == 0.1


def test_it_gives_shares_as_north_tyneside_published():
    # Seed 001, 2024/25: 320 of 326 inside 10 working days, 326 of 326 counting agreed extensions.
    assert measures.share(320, 326) == 98.2
    assert measures.share(326, 326) == 100.0
    assert measures.share(28, 34) == 82.4  # Papworth, seed 000: 82.4% of stage 1 within timescale
    assert measures.share(0, 0) is None


def test_it_refuses_negative_counts():
    with pytest.raises(ValueError):
        measures.share(-1, 3)
    with pytest.raises(ValueError):
        measures.per_1000_homes(-1, 3)


def test_it_averages_to_one_place():
    assert measures.average(15, 2) == 7.5
    assert measures.average(10, 3) == 3.3
    assert measures.average(0, 0) is None


class TestCH02:
    code = D(2024, 9, 17)  # the Code's date
    agreed = D(2024, 9, 27)  # an extension agreed with the resident
    limit = D(2024, 10, 1)  # 10 working days beyond the Code's date

    def test_it_counts_a_response_by_the_code_date_as_on_time_both_ways(self):
        assert measures.on_time(self.code, self.code, self.code)
        assert measures.on_time_without_extensions(self.code, self.code)

    def test_it_counts_a_response_inside_an_agreed_extension_only_with_extensions(self):
        day = D(2024, 9, 24)
        assert measures.on_time(day, self.code, self.agreed)
        assert not measures.on_time_without_extensions(day, self.code)

    def test_it_counts_a_response_after_the_agreed_date_as_late(self):
        assert not measures.on_time(D(2024, 9, 30), self.code, self.agreed)

    def test_it_counts_an_unjustified_extension_beyond_the_limit_only_up_to_the_limit(self):
        far = D(2024, 10, 15)
        assert measures.on_time(D(2024, 9, 30), self.code, far, unjustified_beyond_limit=True, code_limit=self.limit)
        assert measures.on_time(self.limit, self.code, far, unjustified_beyond_limit=True, code_limit=self.limit)
        assert not measures.on_time(D(2024, 10, 2), self.code, far, unjustified_beyond_limit=True, code_limit=self.limit)
        # With a good reason recorded the agreed date stands.
        assert measures.on_time(D(2024, 10, 10), self.code, far)

    def test_it_needs_the_limit_for_an_unjustified_extension(self):
        with pytest.raises(ValueError):
            measures.on_time(D(2024, 10, 2), self.code, D(2024, 10, 15), unjustified_beyond_limit=True)


def test_a_dates_year_and_quarter_start_are_the_first_days_of_its_reporting_year_and_quarter():
    for day in (dt.date(2024, 3, 31), dt.date(2024, 4, 1), dt.date(2024, 12, 31), *(dt.date(2025, m, 15) for m in range(1, 13))):
        assert periods.year_start(day) == periods.reporting_year(periods.year_of(day)).start
        assert periods.quarter_start(day) == periods.quarter(*periods.quarter_of(day)).start
        assert periods.quarter_start(day) <= day
    assert periods.year_start(dt.date(1970, 2, 1)) == dt.date(1969, 4, 1)  # history older than any reporting year asked for
