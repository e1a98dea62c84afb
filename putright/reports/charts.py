"""Report charts: Matplotlib, Agg backend, SVG text, drawn offline (no fonts or files fetched).

Each function returns an SVG document as a string; `data_uri` turns it into an <img> source that
both the web page and WeasyPrint (whose fetcher only allows data: URIs) can show.
"""

from __future__ import annotations

import base64
import functools
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .formatting import percent  # noqa: E402

# GOV.UK colours: blue, dark blue, orange-ish contrast
BLUE, DARK, GREEN = "#1d70b8", "#003078", "#00703c"

plt.rcParams.update({
    "svg.fonttype": "none",  # text stays text: readable by screen readers and in the PDF
    "svg.hashsalt": "putright",  # the same figures give the same file
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
})


def _remembered(draw):
    """The same figures always draw the same chart (svg.hashsalt above), and drawing one takes
    Matplotlib a few hundred milliseconds: keep the last few, by their data, in this process."""
    cache: dict = {}

    def frozen(value):
        if isinstance(value, dict):
            return ("dict", tuple((k, frozen(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return tuple(frozen(v) for v in value)
        return value

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        key = frozen((args, sorted(kwargs.items())))
        if key not in cache:
            if len(cache) >= 64:
                cache.pop(next(iter(cache)))
            cache[key] = draw(*args, **kwargs)
        return cache[key]

    return wrapper


def _svg(fig) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(fig)
    return out.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _whole_numbers(axis) -> None:
    """Ticks at whole numbers only: a count of complaints is never 2.5."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _legend_below(ax) -> None:
    """The legend under the chart, clear of every bar (inside, it covered the Q4 bars)."""
    ax.legend(frameon=False, loc="upper center", ncol=2, bbox_to_anchor=(0.5, -0.14))


@_remembered
def received_by_quarter(rows: list[tuple[str, int, int]]) -> str:
    """rows: (quarter label, stage 1 received, stage 2 received)."""
    return _svg(received_by_quarter_figure(rows))


def received_by_quarter_figure(rows: list[tuple[str, int, int]]):
    fig, ax = plt.subplots(figsize=(6.5, 3))
    labels = [r[0] for r in rows]
    x = range(len(rows))
    w = 0.38
    b1 = ax.bar([i - w / 2 for i in x], [r[1] for r in rows], w, label="Stage 1", color=BLUE)
    b2 = ax.bar([i + w / 2 for i in x], [r[2] for r in rows], w, label="Stage 2", color=DARK)
    ax.bar_label(b1, padding=2)
    ax.bar_label(b2, padding=2)
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("Complaints received")
    _whole_numbers(ax.yaxis)
    top = max([r[1] for r in rows] + [r[2] for r in rows] + [1])
    ax.set_ylim(0, top * 1.15 + 0.5)  # room for the labels on the tallest bar
    _legend_below(ax)
    return fig


@_remembered
def within_timescale(rows: list[tuple[str, float | None, float | None]]) -> str:
    """rows: (stage label, % within timescale with agreed extensions, % without)."""
    return _svg(within_timescale_figure(rows))


def within_timescale_figure(rows: list[tuple[str, float | None, float | None]]):
    fig, ax = plt.subplots(figsize=(6.5, 3))
    x = range(len(rows))
    w = 0.38
    with_ = [r[1] or 0 for r in rows]
    without = [r[2] or 0 for r in rows]
    b1 = ax.bar([i - w / 2 for i in x], with_, w, label="With agreed extensions (CH02)", color=GREEN)
    b2 = ax.bar([i + w / 2 for i in x], without, w, label="Without extensions", color=BLUE)
    ax.bar_label(b1, labels=[percent(r[1]) for r in rows], padding=2)
    ax.bar_label(b2, labels=[percent(r[2]) for r in rows], padding=2)
    ax.set_xticks(list(x), [r[0] for r in rows])
    ax.set_ylim(0, 115)
    ax.set_ylabel("Responded within timescale (%)")
    _legend_below(ax)
    return fig


@_remembered
def themes(counts: dict[str, int], top: int = 10) -> str:
    return _svg(themes_figure(counts, top))


def themes_figure(counts: dict[str, int], top: int = 10):
    items = list(counts.items())[:top][::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * max(len(items), 1) + 0.8))
    bars = ax.barh([k for k, _ in items], [v for _, v in items], color=BLUE)
    ax.bar_label(bars, padding=2)
    ax.set_xlabel("Stage 1 complaints (a complaint can have several themes)")
    _whole_numbers(ax.xaxis)
    return fig
