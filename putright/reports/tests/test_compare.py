"""The board report's comparison with the previous quarter, in words (no database)."""

from __future__ import annotations

import pytest

from putright.reports import compare


@pytest.mark.parametrize("kind, now, before, better, words", [
    (compare.COUNT, 17, 12, None, "5 more"),
    (compare.COUNT, 9, 12, None, "3 fewer"),
    (compare.COUNT, 1200, 12, None, "1,188 more"),
    (compare.COUNT, 4, 4, None, "No change"),
    (compare.SHARE, 90.0, 85.5, True, "Up 4.5 percentage points, better"),
    (compare.SHARE, 80.0, 85.5, True, "Down 5.5 percentage points, worse"),
    (compare.SHARE, 81.0, 80.0, True, "Up 1.0 percentage point, better"),
    (compare.DAYS, 12.5, 9.0, False, "Up 3.5 working days, worse"),
    (compare.DAYS, 8.0, 9.0, False, "Down 1.0 working day, better"),
    (compare.MONEY, 12345.5, 345.5, None, "£12,000.00 more"),
    (compare.SHARE, None, 85.0, True, "Cannot compare: no responses this quarter"),
    (compare.SHARE, 85.0, None, True, "Cannot compare: no responses last quarter"),
])
def test_it_says_the_change_in_words(kind, now, before, better, words):
    assert compare.change(kind, now, before, better) == words


def test_each_measure_has_both_quarters_and_the_change():
    this = {"stage1": {"received": 14, "within_timescale_percent": 92.9}, "stage2": {"received": 2},
            "compensation": {"total": {"amount_gbp": 1511.29}}}
    last = {"stage1": {"received": 10, "within_timescale_percent": 80.0}, "stage2": {"received": 2},
            "compensation": {"total": {"amount_gbp": 0.0}}}
    rows = {r["label"]: r for r in compare.compare(this, last)}
    assert rows["Stage 1 complaints received"] == {"label": "Stage 1 complaints received", "now": "14", "before": "10", "change": "4 more"}
    assert rows["Stage 2 complaints received (escalations)"]["change"] == "No change"
    ch02 = rows["Stage 1 responded to within the Code's timescales (CH02)"]
    assert (ch02["now"], ch02["before"], ch02["change"]) == ("92.9%", "80.0%", "Up 12.9 percentage points, better")
    assert rows["Compensation offered"]["now"] == "£1,511.29" and rows["Compensation offered"]["change"] == "£1,511.29 more"
    assert all("n/a" not in v for r in rows.values() for v in r.values())
