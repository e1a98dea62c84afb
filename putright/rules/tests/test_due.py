from datetime import date

import pytest

from putright.rules.calendar import WorkingCalendar
from putright.rules.due import Due, due_status, soon_until

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    "today, due_on, due, days, words",
    [
        # Mon 23 Nov 2026
        (date(2026, 11, 23), date(2026, 11, 23), Due.TODAY, 0, "Due today"),
        (date(2026, 11, 23), date(2026, 11, 24), Due.SOON, 1, "1 working day left"),
        (date(2026, 11, 23), date(2026, 11, 25), Due.SOON, 2, "2 working days left"),
        (date(2026, 11, 23), date(2026, 11, 26), Due.LATER, 3, "3 working days left"),
        (date(2026, 11, 23), date(2026, 11, 20), Due.OVERDUE, 1, "1 working day overdue (was due Fri 20 Nov 2026)"),
        (date(2026, 11, 23), date(2026, 11, 18), Due.OVERDUE, 3, "3 working days overdue (was due Wed 18 Nov 2026)"),
        # On a Sunday, a Friday deadline is late although no working day has passed since.
        (date(2026, 11, 22), date(2026, 11, 20), Due.OVERDUE, 1, "1 working day overdue (was due Fri 20 Nov 2026)"),
        # Over Christmas 2026: Thu 24 Dec to Tue 29 Dec skips Fri 25, the weekend and Mon 28.
        (date(2026, 12, 24), date(2026, 12, 29), Due.SOON, 1, "1 working day left"),
    ],
)
def test_it_says_how_long_is_left_in_working_days(today, due_on, due, days, words):
    status = due_status(today, due_on, CAL)
    assert (status.due, status.working_days, status.words) == (due, days, words)


def test_it_gives_each_status_its_own_colour():
    today = date(2026, 11, 23)
    colours = {due_status(today, d, CAL).colour for d in (date(2026, 11, 20), today, date(2026, 11, 24), date(2026, 12, 4))}
    assert colours == {"red", "orange", "yellow", "grey"}


def test_it_counts_soon_in_working_days():
    assert soon_until(date(2026, 11, 27), CAL) == date(2026, 12, 1)  # Fri -> Tue
