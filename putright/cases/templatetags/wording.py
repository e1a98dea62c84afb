"""Small wording filters for what staff typed, shown inside our own sentences."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def clause(text) -> str:
    """The text without its closing full stop (or colon, semicolon, comma), to go before our own
    punctuation: "The leak was not fixed." then ": Upheld" reads "The leak was not fixed: Upheld",
    not "fixed.: Upheld"."""
    return str(text or "").rstrip().rstrip(".:;,").rstrip()


@register.filter
def pounds(amount) -> str:
    """Money as people write it: £250, £1,250, £1,250.50."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


@register.filter
def thousands(number) -> str:
    """10000 as 10,000."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return str(number)


@register.filter
def day(value) -> str:
    """A date, or an ISO date string from the figures, as people write it: 1 April 2026."""
    import datetime as dt

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}" if value else ""


@register.filter
def tel_href(number) -> str:
    """A phone number as a tel: address a phone can dial: "01632 960 001" -> "tel:+441632960001"
    (UK numbers in international form; "+" numbers kept as written, without spaces)."""
    text = str(number or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("0") and not digits.startswith("00"):
        return f"tel:+44{digits[1:]}"
    return f"tel:{digits}"


@register.filter
def tel(number, css_class: str = "govuk-link"):
    """The landlord's phone number as a link a phone can tap (the number itself as its text)."""
    from django.utils.html import format_html

    if not number:
        return ""
    return format_html('<a class="{}" href="{}">{}</a>', css_class, tel_href(number), number)
