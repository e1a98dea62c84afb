"""The `putright` command line: the console script, passing through to Django, `timescales`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUTRIGHT = [sys.executable, "-m", "putright"]


def run(*args, env=None):
    return subprocess.run([*PUTRIGHT, *args], capture_output=True, text=True, cwd=ROOT, env=env or os.environ.copy(), timeout=60)


def test_it_prints_the_code_dates_as_json():
    # Received Wed 24 Dec 2025: Christmas Day, Boxing Day, New Year's Day and the weekends do not
    # count, so the 5th working day is Mon 5 Jan 2026.
    result = run("timescales", "--stage", "1", "--received", "2025-12-24")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "acknowledge_by": "2026-01-05",
        "respond_by": "2026-01-19",
        "latest_extended_respond_by": "2026-02-02",
    }


def test_it_counts_from_the_acknowledgement_at_stage_2_and_skips_closure_days():
    # Stage 2 asked for Mon 2 Mar 2026, acknowledged Wed 4 Mar; closed Fri 6 Mar.
    result = run(
        "timescales", "--stage", "2", "--received", "2026-03-02", "--acknowledged", "2026-03-04",
        "--closure-day", "2026-03-06",
    )
    assert result.returncode == 0, result.stderr
    # 5 working days after Mon 2 Mar skipping Fri 6 Mar: Tue 3, Wed 4, Thu 5, Mon 9, Tue 10.
    # 20 after Wed 4 Mar skipping Fri 6 Mar: Thu 2 Apr.
    data = json.loads(result.stdout)
    assert data["acknowledge_by"] == "2026-03-10"
    assert data["respond_by"] == "2026-04-02"
    # 20 more working days, skipping Good Friday 3 Apr and Easter Monday 6 Apr 2026.
    assert data["latest_extended_respond_by"] == "2026-05-05"


def test_it_explains_the_count_on_request():
    result = run("timescales", "--stage", "1", "--received", "2025-12-24", "--explain")
    assert "Skipped Thu 25 Dec 2025: bank holiday: Christmas Day" in result.stderr


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--stage", "3", "--received", "2026-01-05"], "--stage must be 1 or 2"),
        (["--stage", "1", "--received", "5/1/2026"], "--received must be a date written YYYY-MM-DD"),
        (["--stage", "1", "--received", "2026-02-30"], "--received must be a date"),
        (["--stage", "1", "--received", "2026-01-05", "--acknowledged", "2026-01-02"], "acknowledgement"),
        (["--stage", "1", "--received", "2026-01-05", "--closure-day", "soon"], "--closure-day must be a date"),
    ],
)
def test_it_refuses_bad_input_with_one_line(args, reason):
    result = run("timescales", *args)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]


def test_it_has_help_for_each_command():
    for command in ("timescales", "demo", "serve", "import", "export", "recompute_deadlines"):
        result = run(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "usage: putright " + command in result.stdout


def test_it_passes_django_commands_through_to_the_database_named_by_database_url(tmp_path):
    env = os.environ.copy()
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = run("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.sqlite3").exists()
    result = run("showmigrations", "cases", env=env)
    assert "[X] 0001_initial" in result.stdout
