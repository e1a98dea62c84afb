"""The restrictions flag on the case page: shown on every case of the resident (5.14, 5.15)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from putright.performance.compiled import Compiled

register = template.Library()


def _current(resident_id: int, today: dt.date):
    from putright.residents.models import Restriction

    # In the model's order without its first column (the resident, which would join residents).
    return Restriction.objects.filter(resident_id=resident_id).current(today).order_by("-starts_on", "-id")


# One query for both lists: the restrictions not ended, sorted by the model's own tests. Its SQL
# is written by the ORM once (putright/performance/compiled.py): every case page asks it.
CURRENT = Compiled(_current, int, dt.date)


@register.simple_tag
def resident_restrictions(resident):
    """The resident's restrictions that apply today, and those lapsed without a review."""
    if resident is None:
        return {"active": [], "lapsed": []}
    today = timezone.localdate()
    current = CURRENT.models(resident.pk, today)
    return {
        "active": [r for r in current if r.is_active(today)],
        "lapsed": [r for r in current if r.is_lapsed(today)],
        "today": today,
    }
