"""The rule against back-dating: a step's date beside the day it was recorded."""

from datetime import date

import pytest

from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation
from putright.rules.recording import GRACE_WORKING_DAYS, assess, assess_extension, check_late_entry, lag

CAL = WorkingCalendar()
MON_2_NOV, FRI_6_NOV, MON_9_NOV, THU_12_NOV, FRI_13_NOV = (date(2026, 11, d) for d in (2, 6, 9, 12, 13))


def test_the_lag_is_counted_in_working_days() -> None:
    assert lag(MON_2_NOV, MON_2_NOV, CAL) == 0
    assert lag(FRI_6_NOV, MON_9_NOV, CAL) == 1  # a weekend is no delay
    assert GRACE_WORKING_DAYS == 3


@pytest.mark.parametrize(
    ("effective", "recorded", "due", "back_dated", "late_entry"),
    [
        (MON_2_NOV, MON_2_NOV, MON_9_NOV, False, False),  # recorded the same day
        (MON_2_NOV, MON_9_NOV, MON_9_NOV, True, False),  # back-dated, but recorded by the deadline
        (FRI_6_NOV, THU_12_NOV, MON_9_NOV, True, True),  # four working days late, after the deadline
        (MON_9_NOV, THU_12_NOV, MON_9_NOV, False, False),  # within the grace: honest lag
        (THU_12_NOV, FRI_13_NOV, MON_9_NOV, False, False),  # simply late, and dated so
    ],
)
def test_a_step_recorded_after_its_deadline_claiming_to_meet_it_is_a_late_entry(effective, recorded, due, back_dated, late_entry) -> None:
    recording = assess(effective, recorded, due, CAL)
    assert (recording.back_dated, recording.late_entry) == (back_dated, late_entry)


def test_an_extension_is_agreed_only_before_the_date_it_extends() -> None:
    # Told on the deadline, recorded the next day: agreed in time.
    assert not assess_extension(MON_9_NOV, date(2026, 11, 10), MON_9_NOV, CAL).late_entry
    # Told after the deadline: not an agreed extension.
    assert assess_extension(date(2026, 11, 10), date(2026, 11, 10), MON_9_NOV, CAL).late_entry
    # "Told 15 Oct", recorded 4 Dec for a deadline of 16 Oct (issue 12, way round 2).
    assert assess_extension(date(2026, 10, 15), date(2026, 12, 4), date(2026, 10, 16), CAL).late_entry


def test_a_late_entry_needs_a_reason() -> None:
    late = assess(FRI_6_NOV, THU_12_NOV, MON_9_NOV, CAL)
    with pytest.raises(RuleViolation) as caught:
        check_late_entry(late, what="response", due_by=MON_9_NOV, recorded_on=THU_12_NOV, reason=" ", provision="6.3")
    assert caught.value.field == "late_entry_reason"
    assert "after its deadline of Mon 9 Nov 2026 had passed" in str(caught.value)
    assert check_late_entry(late, what="response", due_by=MON_9_NOV, recorded_on=THU_12_NOV, reason=" Letter found in the post tray ", provision="6.3") == "Letter found in the post tray"
