"""Worklists (5.9, 6.6, 7.3): updates the resident was promised that are due or missed, and
outstanding actions and remedies past their date (putright.cases.worklists)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from putright.cases import worklists
from putright.cases.access import staff_view
from putright.cases.calendar import landlord_calendar


@staff_view
def worklists_page(request):
    """Every staff role reads it; "?cases=mine" narrows it to the user's own cases."""
    today, cal = timezone.localdate(), landlord_calendar()
    mine = request.GET.get("cases") == "mine"
    handler = request.user if mine else None
    return render(request, "cases/worklists.html", {
        "mine": mine,
        "today": today,
        "updates": worklists.updates_due(today, cal, handler=handler),
        "actions": list(worklists.actions_overdue(today, handler=handler)[:500]),
        "remedies": list(worklists.remedies_overdue(today, handler=handler)[:500]),
    })
