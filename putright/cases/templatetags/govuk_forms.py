"""Template filters for GOV.UK form patterns: radios with conditionally revealed questions.

A form names them in `conditional = {"radio field": {"choice": ["field", ...]}}` (see
`putright.cases.forms.base.ActionForm`): those fields are drawn inside their choice's reveal, not
in the form's own order.
"""

from __future__ import annotations

from django import template

register = template.Library()


def _conditional(bound_field) -> dict:
    return getattr(bound_field.form, "conditional", None) or {}


@register.filter
def revealed_by(bound_field, value) -> list:
    """The bound fields revealed when `value` is chosen in this radio field ([] for none)."""
    names = _conditional(bound_field).get(bound_field.name, {}).get(str(value), [])
    return [bound_field.form[name] for name in names if name in bound_field.form.fields]


@register.filter
def is_revealed(bound_field) -> bool:
    """True for a field drawn inside a radio choice's reveal rather than in its own place."""
    return any(bound_field.name in names for choices in _conditional(bound_field).values() for names in choices.values())
