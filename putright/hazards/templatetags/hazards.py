"""The Awaab's Law section of the case page, and the hazard counts on the queue page."""

from __future__ import annotations

from django import template
from putright.hazards import queries, steps
from putright.rules.lifecycle import Kind

register = template.Library()


@register.inclusion_tag("hazards/_case_hazards.html", takes_context=True)
def case_hazards(context, case):
    user = context.get("user")
    items = [{"report": r, "rows": steps.step_rows(r)} for r in queries.reports_for_case(case)]
    can_raise = bool(getattr(user, "can_change_cases", False)) and case.kind in (Kind.COMPLAINT, Kind.SERVICE_REQUEST)
    return {"case": case, "items": items, "can_raise": can_raise}


@register.inclusion_tag("hazards/_queue_counts.html")
def hazard_counts():
    counts = queries.counts()
    rows = [(name, label, counts[name]) for name, label in queries.WORKLIST.items()]
    return {"counts": rows, "total": sum(counts.values())}


@register.inclusion_tag("hazards/_report_figures.html")
def hazard_report_figures(period, label):
    """The Awaab's Law section of the quarterly and annual reports."""
    from putright.hazards.figures import hazard_figures

    return {"hazards": hazard_figures(period.start, period.end), "label": label}
