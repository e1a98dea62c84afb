"""The arithmetic of the published figures, on plain values: no Django, no database.

Rounding is half up to one decimal place, as published tables round (82.35 -> 82.4), not
Python's round-half-to-even; an undefined figure (no homes recorded, no responses) is None,
shown as "not available" rather than as 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

_ONE_PLACE = Decimal("0.1")


def round_1dp(value: Fraction | int | Decimal) -> float:
    """Half up to one decimal place, exactly (no binary floating point on the way)."""
    exact = Fraction(value)
    quotient = Decimal(exact.numerator) / Decimal(exact.denominator)  # 28 significant digits
    return float(quotient.quantize(_ONE_PLACE, rounding=ROUND_HALF_UP))


def per_1000_homes(count: int, homes: int | None) -> float | None:
    """CH01: complaints per 1,000 homes owned, to 1 decimal place; None when homes are unknown (None or 0).

    Papworth Trust 2023/24 (seed 000): 34 stage 1 complaints, 669 homes -> 50.8.
    """
    if homes is None or homes <= 0:
        return None
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    return round_1dp(Fraction(count * 1000, homes))


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, to 1 decimal place; None when ``whole`` is 0.

    North Tyneside 2024/25 (seed 001): 320 of 326 -> 98.2.
    """
    if whole < 0 or part < 0:
        raise ValueError(f"counts cannot be negative: {part} of {whole}")
    if whole == 0:
        return None
    return round_1dp(Fraction(part * 100, whole))


def average(total: int, count: int) -> float | None:
    """``total / count`` to 1 decimal place; None when there is nothing to average."""
    if count == 0:
        return None
    return round_1dp(Fraction(total, count))


# --- CH02: responded to within the Code's timescales --------------------------------------------


def on_time_without_extensions(responded_on: dt.date, code_respond_by: dt.date) -> bool:
    """Answered by the date the Code sets (10 working days after acknowledgement at stage 1, 20 at
    stage 2), ignoring any extension: the figure shown beside CH02, labelled."""
    return responded_on <= code_respond_by


def on_time(
    responded_on: dt.date,
    code_respond_by: dt.date,
    respond_by: dt.date,
    *,
    unjustified_beyond_limit: bool = False,
    code_limit: dt.date | None = None,
) -> bool:
    """CH02: answered within the Code's timescales, counting agreed extensions the Code allows.

    - By the Code's date: on time.
    - Later, but by the date of an extension agreed with the resident (``respond_by``): on time,
      when the extension is one the Code allows: at most 10 working days (stage 1) or 20
      (stage 2) beyond the Code's date, or further for a good reason that was recorded
      (6.4, 6.15: "no more than 10 working days without good reason").
    - An extension beyond that limit with no good reason recorded (only imported history can
      hold one; PutRight refuses to make one) counts only up to the limit, ``code_limit``: a
      response after it is late whatever was agreed.
    """
    if responded_on <= code_respond_by:
        return True
    if unjustified_beyond_limit:
        if code_limit is None:
            raise ValueError("code_limit is needed for an extension beyond the Code's limit")
        return responded_on <= min(respond_by, code_limit)
    return responded_on <= respond_by
