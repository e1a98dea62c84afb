"""The board report's comparison with the previous quarter (Code 9.7 a: performance over time),
on plain figures: no Django, no database.

Each row gives this quarter's figure, last quarter's beside it and the change in words a board
member reads ("4 more", "down 3.5 percentage points, worse"). "Better" and "worse" are said only
where the direction has a meaning the Code gives it (responding on time, acknowledging on time,
days taken); a rise in complaints received is not called worse, because a high volume can mean
an accessible process (Code 3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .formatting import count, money, number, percent

COUNT, SHARE, DAYS, MONEY = "count", "share", "days", "money"


@dataclass(frozen=True)
class Measure:
    label: str
    path: tuple[str, ...]
    kind: str = COUNT
    higher_is_better: bool | None = None  # None: say the direction only
    none: str = ""  # what a missing figure says, when not the kind's usual words


MEASURES: tuple[Measure, ...] = (
    Measure("Stage 1 complaints received", ("stage1", "received")),
    Measure("Stage 2 complaints received (escalations)", ("stage2", "received")),
    Measure("Stage 1 responses sent", ("stage1", "responded")),
    Measure("Stage 2 responses sent", ("stage2", "responded")),
    Measure("Stage 1 responded to within the Code's timescales (CH02)", ("stage1", "within_timescale_percent"), SHARE, True),
    Measure("Stage 2 responded to within the Code's timescales (CH02)", ("stage2", "within_timescale_percent"), SHARE, True),
    Measure("Stage 1 acknowledged within 5 working days", ("stage1", "acknowledged_within_timescale_percent"), SHARE, True,
            "none acknowledged"),
    Measure("Stage 1 average working days to respond", ("stage1", "average_working_days_to_respond"), DAYS, False),
    Measure("Stage 2 average working days to respond", ("stage2", "average_working_days_to_respond"), DAYS, False),
    Measure("Complaints refused", ("refused", "total")),
    Measure("Compensation offered", ("compensation", "total", "amount_gbp"), MONEY),
    Measure("Awaiting a response at the end of the quarter", ("open_at_end", "total")),
)

_UNITS = {SHARE: ("percentage point", "percentage points"), DAYS: ("working day", "working days")}


def written(kind: str, value, none: str = "") -> str:
    if value is None and none:
        return none
    if kind == SHARE:
        return percent(value)
    if kind == DAYS:
        return number(value, "no responses")
    if kind == MONEY:
        return money(value)
    return count(value) if value is not None else "not available"


def change(kind: str, now, before, higher_is_better: bool | None = None, none: str = "") -> str:
    """The change from `before` to `now` in words: "No change", "4 more", "3 fewer",
    "Up 2.5 percentage points, better", "£120.00 less"; when either side is missing, why it
    cannot be compared."""
    if now is None or before is None:
        side = "this quarter" if now is None else "last quarter"
        return f"Cannot compare: {written(kind, None, none)} {side}"
    diff = Decimal(str(now)) - Decimal(str(before))
    if diff == 0:
        return "No change"
    up = diff > 0
    size = abs(diff)
    if kind == COUNT:
        text = f"{count(size)} {'more' if up else 'fewer'}"
    elif kind == MONEY:
        text = f"{money(size)} {'more' if up else 'less'}"
    else:
        one, many = _UNITS[kind]
        text = f"{'Up' if up else 'Down'} {number(float(size))} {one if size == 1 else many}"
    if higher_is_better is not None:
        text += ", better" if up == higher_is_better else ", worse"
    return text


def _get(figures: dict, path: tuple[str, ...]):
    value = figures
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def compare(this_quarter: dict, last_quarter: dict) -> list[dict]:
    """One row per measure: label, this quarter, last quarter and the change, all in words."""
    rows = []
    for m in MEASURES:
        now, before = _get(this_quarter, m.path), _get(last_quarter, m.path)
        rows.append({
            "label": m.label, "now": written(m.kind, now, m.none), "before": written(m.kind, before, m.none),
            "change": change(m.kind, now, before, m.higher_is_better, m.none),
        })
    return rows
