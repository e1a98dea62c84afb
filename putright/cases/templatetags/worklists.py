"""The worklist counts on the queue page (5.9, 6.6, 7.3): promises to the resident due or missed."""

from __future__ import annotations

from django import template
from django.utils import timezone

from putright.cases import worklists
from putright.cases.calendar import landlord_calendar

register = template.Library()


@register.inclusion_tag("cases/_worklist_counts.html", takes_context=True)
def worklist_counts(context):
    """Counts for the cases the queue shows: the user's own under "My cases", else everyone's."""
    handler = context.get("user") if context.get("mine") else None
    counts = worklists.counts(timezone.localdate(), landlord_calendar(), handler=handler)
    return {"c": counts, "mine": bool(handler)}
