"""The complaints manager's list of steps recorded late or back-dated (putright.rules.recording)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from putright.cases.access import require_manage, staff_view
from putright.cases.models import LateEntry
from putright.rules.recording import GRACE_WORKING_DAYS


@staff_view
def late_entries(request):
    """Every step dated more than the grace before it was recorded, newest first: who recorded
    it, when, the reason given, and whether it counts as late in the reports."""
    require_manage(request.user)
    entries = LateEntry.objects.select_related("case", "recorded_by").order_by("-recorded_at", "-id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "cases/late_entries.html", {"page": page, "grace": GRACE_WORKING_DAYS,
                                                         "counting": LateEntry.objects.filter(counts_late=True).count()})
