"""The data protection officer's page: search the access log by resident or by member of staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from putright.audit.models import ReadEvent
from putright.cases.access import staff_view

PAGE_SIZE = 100


def _filtered(resident: str, staff: str):
    events = ReadEvent.objects.select_related("actor", "resident", "case")
    if resident:
        events = events.filter(resident_id=int(resident)) if resident.isdigit() else events.filter(resident__name__icontains=resident)
    if staff:
        events = events.filter(
            Q(actor__username__iexact=staff) | Q(actor__first_name__icontains=staff) | Q(actor__last_name__icontains=staff)
            | Q(actor_label__icontains=staff)
        )
    return events.order_by("-at", "-id")


@staff_view
def search(request):
    if not request.user.is_administrator:
        raise PermissionDenied("The access log is for administrators (the data protection officer).")
    resident = (request.GET.get("resident") or "").strip()
    staff = (request.GET.get("staff") or "").strip()
    page = Paginator(_filtered(resident, staff), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"page": page, "resident": resident, "staff": staff, "searched": bool(resident or staff)})


def viewed_by(case, limit: int = 10) -> list[dict]:
    """Who has opened this case or anything on it, most recent first: one row per person."""
    rows: dict = {}
    for event in ReadEvent.objects.filter(case=case).select_related("actor").order_by("-at", "-id")[:500]:
        key = event.actor_id or event.actor_label
        if key not in rows:
            rows[key] = {"who": event.actor.display_name if event.actor else event.actor_label, "last": event.at, "times": 0}
        rows[key]["times"] += 1
    return list(rows.values())[:limit]
