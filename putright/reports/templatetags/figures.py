"""Filters for report templates: `money`, `count`, `number` and `percent` (putright.reports.formatting)."""

from __future__ import annotations

from django import template

from putright.reports import formatting

register = template.Library()


@register.filter
def money(amount) -> str:
    return formatting.money(amount)


@register.filter
def count(value) -> str:
    return formatting.count(value)


@register.filter
def number(value, none: str = "not available") -> str:
    return formatting.number(value, none)


@register.filter
def percent(value, none: str = formatting.NO_RESPONSES) -> str:
    return formatting.percent(value, none)
