"""The Awaab's Law section of the case page, and the hazard counts on the queue page."""

from __future__ import annotations

from django import template
from django.db.models import Q

from putright.hazards import queries, steps
from putright.hazards.models import HazardReport
from putright.rules.lifecycle import Kind

register = template.Library()


def reports_for_case(case) -> list[HazardReport]:
    """Hazards raised on this case, on the service request it came from, or on a case it is
    linked to: a complaint about a hazard shows the hazard's clocks."""
    ids = {i for i in (case.pk, case.from_service_request_id, case.related_to_id) if i is not None}
    return list(
        HazardReport.objects.filter(Q(case_id__in=ids) | Q(case__from_service_request_id=case.pk))
        .select_related("kind", "case").order_by("aware_at", "id")
    )


@register.inclusion_tag("hazards/_case_hazards.html", takes_context=True)
def case_hazards(context, case):
    user = context.get("user")
    items = [{"report": r, "rows": steps.step_rows(r)} for r in reports_for_case(case)]
    can_raise = bool(getattr(user, "can_change_cases", False)) and case.kind in (Kind.COMPLAINT, Kind.SERVICE_REQUEST)
    return {"case": case, "items": items, "can_raise": can_raise}


@register.inclusion_tag("hazards/_queue_counts.html")
def hazard_counts():
    counts = queries.counts()
    rows = [(name, label, counts[name]) for name, label in queries.WORKLIST.items()]
    return {"counts": rows, "total": sum(counts.values())}
