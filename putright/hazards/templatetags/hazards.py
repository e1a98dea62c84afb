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


@register.inclusion_tag("hazards/_queue_counts.html", takes_context=True)
def hazard_counts(context):
    # From the page when it counted them already (the queue does, in one query with its own).
    counts = context.get("hazard_counts") or queries.counts()
    rows = [(name, label, counts[name]) for name, label in queries.WORKLIST.items()]
    return {"counts": rows, "total": sum(counts.values())}


@register.inclusion_tag("hazards/_report_figures.html")
def hazard_report_figures(period, label):
    """The Awaab's Law section of the quarterly and annual reports."""
    from putright.hazards.figures import hazard_figures

    return {"hazards": hazard_figures(period.start, period.end), "label": label}


# What each step means to a resident, in their words.
RESIDENT_STEP_NAMES = {
    "investigate_by": "Look into it",
    "summary_by": "Tell you in writing what we found",
    "safety_work_by": "Make your home safe",
    "preventative_work_begin_by": "Begin the work to stop it coming back",
    "preventative_work_start_by": "Start that work on site",
}


@register.inclusion_tag("hazards/_portal_case_section.html")
def portal_hazards(case):
    """On the resident's own case page: each hazard's legal dates, and whether each step is done."""
    from putright.hazards.letters import due_words, when_words
    from putright.rules.hazards import format_moment

    items = []
    for report in queries.reports_for_case(case):
        rows = [
            {"resident_name": RESIDENT_STEP_NAMES[row.step], "due": due_words(row.deadline), "done": when_words(row.done), "status": row.status}
            for row in steps.step_rows(report)
        ]
        items.append({"report": report, "aware": format_moment(report.aware_at), "rows": rows})
    return {"items": items}
