"""The case page's timeline, written out in Python: a busy case has hundreds of events, and a
template loop with a date filter for each cost more than everything else the page shows.

The events come from one query, their authors' names joined in, as plain rows (no models).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from putright.cases.models import Case, CaseEvent

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(at) -> str:
    """As the template's `date:"j M Y, H:i"` wrote it, in the landlord's time zone: 5 Dec 2026, 09:30."""
    local = timezone.localtime(at)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def who(first_name: str | None, last_name: str | None, username: str | None, label: str) -> str:
    """The author as User.display_name gives it, or the label of one who is not staff."""
    if username is None:
        return label
    return f"{first_name} {last_name}".strip() or username


def timeline_html(case: Case) -> SafeString:
    """The timeline, newest first, as an ordered list (`reversed`, so the numbers count up in time)."""
    rows = (
        CaseEvent.objects.filter(case=case)
        .order_by("-at", "-id")
        .values_list("summary", "at", "actor__first_name", "actor__last_name", "actor__username", "actor_label")
    )
    items = format_html_join(
        "\n",
        '<li class="putright-timeline__item"><p class="govuk-body govuk-!-margin-bottom-1">{}</p>\n'
        '  <p class="putright-timeline__when">{} · {}</p></li>',
        ((summary, when(at), who(first, last, username, label)) for summary, at, first, last, username, label in rows),
    )
    return format_html('<ol class="putright-timeline" reversed>\n{}\n</ol>', items)
