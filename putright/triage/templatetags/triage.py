"""Small includes for pages other helpers own: one tag each, so their templates change by a line."""

from django import template

from putright.triage.staff import dissatisfied_requests, quoted, reads_as_dissatisfied

register = template.Library()


@register.inclusion_tag("triage/_dissatisfied_notice.html", takes_context=True)
def dissatisfied_notice(context, case):
    """On a service request's page: it reads as dissatisfaction, offer to raise a complaint (1.5)."""
    s = reads_as_dissatisfied(case)
    user = context.get("user")
    can_change = bool(user and getattr(user, "can_change_cases", False))
    return {"case": case, "suggestion": s, "words": quoted(s.kind_why) if s else "", "can_change": can_change}


@register.inclusion_tag("triage/_dissatisfied_tag.html")
def dissatisfied_tag(case):
    """In the queue: a tag on a service request whose description reads as dissatisfaction."""
    return {"suggestion": reads_as_dissatisfied(case, later_messages=False)}


@register.inclusion_tag("triage/_dissatisfied_requests.html")
def dissatisfied_requests_line(period):
    """In the quarterly report: service requests that read as dissatisfied and what became of them."""
    return {"c": dissatisfied_requests(period.start, period.end)}
