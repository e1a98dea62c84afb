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
    qs = Restriction.objects.filter(resident=resident)
    return {"active": list(qs.active(today)), "lapsed": list(qs.lapsed(today)), "today": today}
