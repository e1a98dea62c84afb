"""The data protection officer's retention page: what is due and what is held, fast at a million
cases (docs/decisions/0012-retention-in-batches.md).

- Due: a count that stops at COUNT_UP_TO (exact below it; while years of history catch up it says
  "more than"), and 50 cases a page, kind by kind and oldest first, by keyset (`after`).
- Held: every held case with why (few: found from the rows that can hold one).
- The last runs, with whether each finished or stopped part-way.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from putright.cases.access import staff_view

from .due import KINDS, candidates, cursor_from_json, cursor_of, explain_holds, held_cases, page, to_due
from .models import AnonymisedCase, RetentionRun, RetentionSchedule

PAGE = 50
COUNT_UP_TO = 1000


def _parse_after(value: str):
    """`after` is kind:YYYY-MM-DD:id, the last case of the previous page."""
    if not value:
        return None
    try:
        kind, day, pk = value.split(":")
        cursor = cursor_from_json([kind, day, pk])
    except ValueError:
        cursor = None
    if cursor is None:
        raise Http404("That page of the list does not exist.")
    return cursor


def count_due(today, schedule, held: int, up_to: int) -> tuple[int, bool]:
    """(how many are due, whether there are more than that): the candidates, counted one kind at a
    time reading at most `up_to` + 1 of them, less the `held` ones (every held case is one)."""
    total = 0
    for kind in KINDS:
        left = up_to + 1 + held - total
        if left <= 0:
            break
        total += candidates(today, schedule, kind).order_by()[:left].count()
    return min(total - held, up_to), total - held > up_to


@staff_view
def retention(request):
    if not request.user.can_manage_cases:
        raise PermissionDenied("Only a complaints manager or an administrator can see what retention will anonymise.")
    today = timezone.localdate()
    schedule = RetentionSchedule.load()
    cursor = _parse_after(request.GET.get("after", ""))
    rows = page(today, schedule, cursor=cursor, size=PAGE + 1, held=False)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    due_now = [to_due(case, schedule) for case in rows]
    held = [to_due(case, schedule) for case in held_cases(today, schedule)]
    explain_holds(held, today, schedule)
    due_count, due_more = count_due(today, schedule, len(held), COUNT_UP_TO)
    next_after = ":".join(str(p) for p in cursor_of(rows[-1])) if more else ""
    return render(request, "privacy/retention.html", {
        "schedule": schedule, "today": today, "due": due_now, "due_count": due_count, "due_more": due_more,
        "count_up_to": COUNT_UP_TO, "held": held, "next_after": next_after, "first_page": cursor is None,
        "runs": RetentionRun.objects.order_by("-started_at", "-id")[:10],
        "anonymised_total": AnonymisedCase.objects.count(),
        # Each case's address is this and its reference: one reverse, not one a row.
        "cases_url": reverse("cases:queue"),
    })
