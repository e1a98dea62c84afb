"""The queue's review counts, and the Ombudsman and learning links on the case page."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def review_counts(context):
    """The banner's counts: from the page when it counted them already (the queue does, in one
    query with its own), else counted now."""
    if context.get("review_counts") is not None:
        return context["review_counts"]
    from putright.ombudsman.views import review_counts as counts

    return counts(timezone.localdate())


@register.simple_tag
def case_ombudsman(case):
    """The Ombudsman cases and learning items of a complaint, and whether learning can be recorded."""
    from putright.learning.actions import has_response

    return {
        "ombudsman_cases": list(case.ombudsman_cases.all()),
        "learning_items": list(case.learning_items.all()),
        "can_record_learning": has_response(case),
        "exceptional": list(case.exceptional_circumstances.all()),
    }
