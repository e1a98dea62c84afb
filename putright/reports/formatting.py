"""How the reports write their figures, on plain values (no Django): money with thousands
separators and pence, percentages, counts, and words instead of "n/a" when there is nothing to
count. The CSV and JSON keep the raw numbers; only what a person reads goes through here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

#: What a percentage says when there was nothing to take a share of (no responses in the period).
NO_RESPONSES = "no responses"


def money(amount) -> str:
    """Pounds and pence with thousands separators, as a published table writes them:
    12345 -> "£12,345.00", 1511.29 -> "£1,511.29", None -> "£0.00"."""
    try:
        value = Decimal(str(amount if amount is not None else 0))
    except (InvalidOperation, ValueError):
        return str(amount)
    return f"£{value.quantize(Decimal('0.01')):,}"


def count(value) -> str:
    """A whole number with thousands separators: 12345 -> "12,345"."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def number(value, none: str = "not available") -> str:
    """A figure that may have one decimal place (per 1,000 homes, an average): 1234.5 ->
    "1,234.5", 12.0 -> "12.0"; None in words."""
    if value is None:
        return none
    if isinstance(value, bool) or isinstance(value, int):
        return count(value)
    try:
        return f"{float(value):,.1f}"
    except (TypeError, ValueError):
        return str(value)


def percent(value, none: str = NO_RESPONSES) -> str:
    """A share to one decimal place with its % sign: 82.4 -> "82.4%"; None (nothing to take a
    share of) in words, never "n/a%"."""
    if value is None:
        return none
    return f"{number(value)}%"
