"""The queue's review counts, and the Ombudsman and learning links on the case page."""

from __future__ import annotations

from django import template
from django.db.models import F
from django.utils import timezone

from putright.performance.compiled import Compiled

register = template.Library()


@register.simple_tag(takes_context=True)
def review_counts(context):
    """The banner's counts: from the page when it counted them already (the queue does, in one
    query with its own), else counted now."""
    if context.get("review_counts") is not None:
        return context["review_counts"]
    from putright.ombudsman.views import review_counts as counts

    return counts(timezone.localdate())


def _part(what, queryset, day, a, b=None, c=None):
    from django.db.models import CharField, Value

    def blank():
        return Value("", output_field=CharField())

    return (
        queryset.order_by().annotate(what=Value(what, output_field=CharField()), a=F(a), b=F(b) if b else blank(), c=F(c) if c else blank(), day=F(day))
        .values_list("what", "id", "a", "b", "c", "day")
    )


def _case_ombudsman(case_id: int):
    from putright.learning.models import LearningItem
    from putright.ombudsman.models import ExceptionalCircumstance, OmbudsmanCase

    return _part("ombudsman", OmbudsmanCase.objects.filter(case_id=case_id), "opened_on", "body", "body_name", "their_reference").union(
        _part("learning", LearningItem.objects.filter(case_id=case_id), "recorded_on", "what_went_wrong"),
        _part("exceptional", ExceptionalCircumstance.objects.filter(affected_cases__id=case_id), "starts_on", "title"),
        all=True,
    )


# The case page asks this on every view: its SQL is written by the ORM once
# (putright/performance/compiled.py).
CASE_OMBUDSMAN = Compiled(_case_ombudsman)


@register.simple_tag
def case_ombudsman(case):
    """The Ombudsman cases and learning items of a complaint, the exceptional circumstances that
    affect it, and whether learning can be recorded: the three lists from one query (a union of
    the few fields the case page shows), each in its model's own order."""
    from putright.learning.actions import has_response
    from putright.learning.models import LearningItem
    from putright.ombudsman.models import ExceptionalCircumstance, OmbudsmanCase

    found: dict[str, list] = {"ombudsman": [], "learning": [], "exceptional": []}
    rows = CASE_OMBUDSMAN.rows(case.pk)
    for what, pk, a, b, c, day in sorted(rows, key=lambda row: (row[5], row[1]), reverse=True):  # newest first, as each model's ordering
        if what == "ombudsman":
            found[what].append(OmbudsmanCase(pk=pk, body=a, body_name=b, their_reference=c, opened_on=day))
        elif what == "learning":
            found[what].append(LearningItem(pk=pk, case=case, what_went_wrong=a, recorded_on=day))
        else:
            found[what].append(ExceptionalCircumstance(pk=pk, title=a, starts_on=day))
    return {
        "ombudsman_cases": found["ombudsman"],
        "learning_items": found["learning"],
        "can_record_learning": has_response(case),
        "exceptional": found["exceptional"],
    }
