"""How the reports write figures: money with thousands separators, no "n/a%", whole-number
chart axes for counts, and chart legends clear of the bars. No database."""

from __future__ import annotations

import re
from decimal import Decimal

import matplotlib.pyplot as plt
import pytest

from putright.reports import charts, formatting


@pytest.mark.parametrize("amount, written", [
    (12345, "£12,345.00"), (Decimal("1511.29"), "£1,511.29"), (1234567.5, "£1,234,567.50"),
    (0, "£0.00"), (None, "£0.00"), (350.0, "£350.00"),
])
def test_it_writes_money_with_thousands_separators_and_pence(amount, written):
    assert formatting.money(amount) == written


@pytest.mark.parametrize("value, written", [(82.4, "82.4%"), (100.0, "100.0%"), (0.0, "0.0%"), (None, "no responses")])
def test_it_writes_a_share_and_never_n_a_percent(value, written):
    assert formatting.percent(value) == written
    assert formatting.percent(None, "none acknowledged") == "none acknowledged"


def test_it_writes_counts_and_one_place_figures_with_thousands_separators():
    assert formatting.count(12345) == "12,345"
    assert formatting.number(1234.5) == "1,234.5"
    assert formatting.number(None, "homes not set") == "homes not set"


def _tick_labels(svg: str) -> list[str]:
    # svg.fonttype none keeps every label as <text>; the tick labels are numbers
    return re.findall(r">\s*([0-9][0-9.,]*)\s*</text>", svg)


def test_the_themes_axis_counts_whole_complaints():
    fig = charts.themes_figure({"Repairs": 3, "Damp and mould": 2, "Staff conduct": 1})
    fig.canvas.draw()
    ticks = [t for t in fig.axes[0].get_xticks() if fig.axes[0].get_xlim()[0] <= t <= fig.axes[0].get_xlim()[1]]
    plt.close(fig)
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    assert not [t for t in _tick_labels(charts.themes({"Repairs": 3, "Damp": 2})) if "." in t]


def test_the_received_axis_counts_whole_complaints():
    fig = charts.received_by_quarter_figure([("Q1", 1, 0), ("Q2", 2, 1), ("Q3", 0, 0), ("Q4", 3, 1)])
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    plt.close(fig)
    assert all(float(t).is_integer() for t in ticks), ticks


@pytest.mark.parametrize("build, rows", [
    # every quarter busy: a legend inside the axes had nowhere to go but over the bars
    (charts.received_by_quarter_figure, [("Q1", 12, 11), ("Q2", 12, 11), ("Q3", 11, 12), ("Q4", 12, 12)]),
    (charts.received_by_quarter_figure, [("Q1", 12, 9), ("Q2", 10, 8), ("Q3", 9, 3), ("Q4", 12, 4)]),
    (charts.within_timescale_figure, [("Stage 1", 100.0, 96.0), ("Stage 2", 100.0, 100.0)]),
])
def test_the_legend_covers_no_bar_and_no_label(build, rows):
    fig = build(rows)
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    covered = [p for p in ax.patches if p.get_height() and p.get_window_extent().overlaps(legend)]
    covered += [t.get_text() for t in ax.texts if t.get_window_extent().overlaps(legend)]
    plt.close(fig)
    assert not covered


def test_a_stage_with_no_responses_is_labelled_in_words():
    svg = charts.within_timescale([("Stage 1", 90.0, 80.0), ("Stage 2", None, None)])
    assert "no responses" in svg and "n/a" not in svg
