"""The case page's long lists, written out in Python: the timeline and the correspondence.

A busy case has hundreds of timeline events and dozens of letters. A template loop with a date
filter and a lookup of each model's choices per row cost more than the rest of the page, and a
model instance per row more than the query. Each list comes from one query of plain rows (the
timeline with its authors' names joined in; the correspondence with its attachments), and is
written with format_safe (escaping.py: format_html, less its checks for lazy strings), which
escapes everything the rows hold.
"""

from __future__ import annotations

from itertools import groupby

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from putright.cases.models import Case, CaseEvent, Correspondence, Direction
from putright.cases.views.escaping import format_safe, format_safe_join
from putright.performance.compiled import Compiled

# Each a query whose SQL the ORM writes once (putright/performance/compiled.py).
TIMELINE = Compiled(
    lambda case_id: CaseEvent.objects.filter(case_id=case_id)
    .order_by("-at", "-id")
    .values_list("summary", "at", "actor__first_name", "actor__last_name", "actor__username", "actor_label")
)
CORRESPONDENCE = Compiled(
    lambda case_id: Correspondence.objects.filter(case_id=case_id)
    .order_by("-occurred_on", "-id", "attachments__id")
    .values_list(
        "id", "direction", "correspondent", "occurred_on", "internal", "subject", "body",
        "attachments__id", "attachments__name", "attachments__size",
    )
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DIRECTIONS = dict(Direction.choices)


def day(value) -> str:
    """As the template's `date:"j M Y"` writes it: 5 Dec 2026."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def when(at, zone=None) -> str:
    """As the template's `date:"j M Y, H:i"` writes it, in the landlord's time zone: 5 Dec 2026, 09:30.
    `zone`: the current time zone, when the caller has it already (a list looks it up once)."""
    local = timezone.localtime(at, zone)
    return f"{day(local)}, {local:%H:%M}"


def who(first_name: str | None, last_name: str | None, username: str | None, label: str) -> str:
    """The author as User.display_name gives it, or the label of one who is not staff."""
    if username is None:
        return label
    return f"{first_name} {last_name}".strip() or username


def timeline_html(case: Case) -> SafeString:
    """The timeline, newest first, as an ordered list (`reversed`, so the numbers count up in time)."""
    rows = TIMELINE.rows(case.pk)
    zone = timezone.get_current_timezone()
    items = format_safe_join(
        "\n",
        '<li class="putright-timeline__item"><p class="govuk-body govuk-!-margin-bottom-1">{}</p>\n'
        '  <p class="putright-timeline__when">{} · {}</p></li>',
        ((summary, when(at, zone), who(first, last, username, label)) for summary, at, first, last, username, label in rows),
    )
    return format_safe('<ol class="putright-timeline" reversed>\n{}\n</ol>', items)


def messages_received(rows: list[tuple]) -> list[tuple[str, str]]:
    """The (subject, body) of the last three messages received from CORRESPONDENCE's rows, newest
    first, as putright.triage reads them (`case.messages_received`)."""
    found = []
    for _id, group in groupby(rows, key=lambda row: row[0]):
        _, direction, _who, _on, _internal, subject, body = next(group)[:7]
        if direction == "in":
            found.append((subject, body))
            if len(found) == 3:
                break
    return found


def correspondence_html(case: Case, rows: list[tuple] | None = None) -> SafeString:
    """Letters, emails, calls and notes, newest first, each with its attachments to download; an
    empty string when there are none (the page then shows no heading). `rows`: CORRESPONDENCE's
    for the case, when read already."""
    if rows is None:
        rows = CORRESPONDENCE.rows(case.pk)
    items = []
    for _id, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        _, direction, correspondent, occurred_on, internal, subject, body = group[0][:7]
        parts = [
            format_safe(
                '<p class="govuk-body govuk-!-margin-bottom-1"><strong>{}</strong>{}, {}{}</p>',
                DIRECTIONS.get(direction, direction),
                format_safe(" {} {}", "from" if direction == "in" else "to", correspondent) if correspondent else "",
                day(occurred_on),
                mark_safe(' <strong class="govuk-tag govuk-tag--grey">Internal</strong>') if internal else "",
            )
        ]
        if subject:
            parts.append(format_safe('<p class="govuk-body govuk-!-margin-bottom-1">{}</p>', subject))
        if body:
            parts.append(format_safe('<p class="govuk-body-s">{}</p>', linebreaksbr(body, autoescape=True)))
        for *_, file_id, name, size in group:
            if file_id is not None:
                parts.append(format_safe(
                    '<p class="govuk-body-s"><a class="govuk-link" href="{}">{}</a> ({})</p>',
                    reverse("cases:attachment", args=[case.reference, file_id]), name, filesizeformat(size),
                ))
        items.append(format_safe('<div class="govuk-!-margin-bottom-4">\n{}\n</div>', mark_safe("\n".join(parts))))
    if not items:
        return mark_safe("")
    return format_safe('<h2 class="govuk-heading-m">Correspondence</h2>\n{}', mark_safe("\n".join(items)))
