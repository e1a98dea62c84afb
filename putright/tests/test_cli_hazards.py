"""`putright timescales --hazard`: Awaab's Law dates as JSON."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from putright.tests.test_cli import run


def test_it_prints_the_significant_hazard_dates_once_investigated():
    result = run(
        "timescales", "--hazard", "significant", "--aware", "2026-12-24T16:30",
        "--investigated", "2027-01-12", "--explain",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "investigate_by": "2027-01-12",
        "summary_by": "2027-01-15",
        "safety_work_by": "2027-01-19",
        "preventative_work_begin_by": "2027-01-19",
        "preventative_work_start_by": "2027-04-06",
    }
    assert "Skipped Fri 25 Dec 2026: bank holiday: Christmas Day" in result.stderr
    assert "Day 84 is Tue 6 Apr 2027." in result.stderr


def hazard(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("timescales", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_before_investigation_only_investigate_by():
    assert hazard("--hazard", "significant", "--aware", "2026-12-24T16:30") == (
        {"investigate_by": "2027-01-12"}, "",
    )


def test_emergency_runs_24_hours_through_christmas_day():
    data, explained = hazard("--hazard", "emergency", "--aware", "2026-12-24T16:30", "--explain")
    assert data == {"investigate_by": "2026-12-25T16:30+00:00", "safety_work_by": "2026-12-25T16:30+00:00"}
    assert "Due by Fri 25 Dec 2026 16:30 (GMT)." in explained


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hazard", "urgent", "--aware", "2026-12-24T16:30"], "emergency or significant, not 'urgent'"),
        (["--hazard", "significant"], "needs --aware"),
        (["--hazard", "significant", "--aware", "2026-12-24"], "needs the time"),
        (["--hazard", "significant", "--aware", "yesterday"], "YYYY-MM-DDTHH:MM"),
        (["--hazard", "significant", "--aware", "2026-12-24T16:30", "--investigated", "2026-12-23"],
         "before the landlord became aware"),
        (["--hazard", "significant", "--aware", "2026-12-24T16:30", "--closure-day", "2026-12-29"],
         "closure days do not stop"),
        ([], "give --stage and --received"),
    ],
)
def test_bad_input_is_refused_plainly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("timescales", *args, stdout=io.StringIO(), stderr=io.StringIO())
