"""`putright homes` and `putright report`."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.cases.models import HomesOwned

from .histories import complaint, load

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(raised.value)
    assert "\n" not in message
    return message


@pytest.mark.django_db
def test_it_sets_homes_owned_for_a_reporting_year_and_says_what_it_set():
    printed = run("homes", "--year", "2024", "--lcra", "8,200", "--lcho", "650")
    assert HomesOwned.objects.values_list("year", "lcra", "lcho").get() == (2024, 8200, 650)
    assert "2024/25 (1 April 2024 to 31 March 2025)" in printed
    assert "8,200 low cost rental (LCRA), 650 low cost home ownership (LCHO), 8,850 in all (created)" in printed
    # Updating LCRA alone keeps LCHO.
    printed = run("homes", "--year", "2024", "--lcra", "8300")
    assert HomesOwned.objects.values_list("lcra", "lcho").get() == (8300, 650)
    assert "updated from 8,200 LCRA and 650 LCHO" in printed
    assert "(unchanged)" in run("homes", "--year", "2024", "--lcra", "8300")


@pytest.mark.django_db
@pytest.mark.parametrize("args, says", [
    (["--lcra", "5"], "--year is required"),
    (["--year", "24/25", "--lcra", "5"], "--year must be a year such as 2024"),
    (["--year", "1066", "--lcra", "5"], "between"),
    (["--year", "2024"], "--lcra is required"),
    (["--year", "2024", "--lcra", "-3"], "--lcra must be a whole number"),
    (["--year", "2024", "--lcra", "5", "--lcho", "lots"], "--lcho must be a whole number"),
])
def test_it_refuses_bad_homes_input_in_one_line(args, says):
    assert says in fails("homes", *args)
    assert not HomesOwned.objects.exists()


@pytest.mark.django_db
def test_it_prints_the_annual_figures_as_indented_json():
    load([complaint("A", dt.date(2024, 9, 2))])
    printed = run("report", "annual", "--year", "2024", "--format", "json")
    figures = json.loads(printed)
    assert figures["stage1"]["received"] == 1
    assert figures["period"]["label"] == "2024/25"
    assert printed.startswith('{\n  "period"')


@pytest.mark.django_db
def test_it_prints_a_quarter_and_writes_to_a_file(tmp_path):
    target = tmp_path / "q1.json"
    out, err = io.StringIO(), io.StringIO()
    call_command("report", "quarter", "--year", "2024", "--quarter", "1", "--output", str(target), stdout=out, stderr=err)
    assert out.getvalue() == ""
    figures = json.loads(target.read_text(encoding="utf-8"))
    assert figures["period"] == {"kind": "quarter", "year": 2024, "quarter": 1, "label": "2024/25 Q1",
                                 "start": "2024-04-01", "end": "2024-06-30"}
    assert "Wrote the 2024/25 Q1 figures" in err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("args, says", [
    ([], "say which report"),
    (["monthly", "--year", "2024"], "say which report"),
    (["annual"], "--year is required"),
    (["quarter", "--year", "2024"], "--quarter is required"),
    (["quarter", "--year", "2024", "--quarter", "5"], "--quarter must be 1, 2, 3 or 4"),
    (["annual", "--year", "2024", "--quarter", "1"], "--quarter is only for"),
    (["annual", "--year", "2024", "--format", "pdf"], "--format pdf needs --output FILE"),
    (["annual", "--year", "2024", "--format", "xml"], "--format must be json"),
    (["annual", "--year", "2024", "--output", "/no/such/dir/x.json"], "does not exist"),
])
def test_it_refuses_bad_report_input_in_one_line(args, says):
    assert says in fails("report", *args)


def test_it_exits_non_zero_with_one_line_on_standard_error_from_the_command_line(tmp_path):
    env = dict(os.environ, PUTRIGHT_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "putright", "report", "annual", "--year", "2024", "--format", "pdf"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: --format pdf needs --output FILE: a PDF is not written to standard output"]
    helped = subprocess.run([sys.executable, "-m", "putright", "report", "--help"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=60)
    assert helped.returncode == 0
    assert "needs --output FILE" in " ".join(helped.stdout.split())
    helped = subprocess.run([sys.executable, "-m", "putright", "homes", "--help"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=60)
    assert "1 April 2024 to 31 March 2025" in helped.stdout
