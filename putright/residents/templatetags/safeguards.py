"""The restrictions flag on the case page: shown on every case of the resident (5.14, 5.15)."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def resident_restrictions(resident):
    """The resident's restrictions that apply today, and those lapsed without a review."""
    if resident is None:
        return {"active": [], "lapsed": []}
    from putright.residents.models import Restriction

    today = timezone.localdate()
    # One query for both lists: the restrictions not ended, sorted by the model's own tests.
    # In the model's order without its first column (the resident, which would join residents).
    current = list(Restriction.objects.filter(resident=resident).current(today).order_by("-starts_on", "-id"))
    return {
        "active": [r for r in current if r.is_active(today)],
        "lapsed": [r for r in current if r.is_lapsed(today)],
        "today": today,
    }
