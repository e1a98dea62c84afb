"""The data protection officer's page: search the access log by resident or by member of staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
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
    """Who has opened this case or anything on it, most recent first: one row per person, with
    how often among the case's last 500 reads. Counted by the database in one query (a busy case
    has hundreds of reads: loading each as a model made this a third of the case page's time)."""
    recent = ReadEvent.objects.filter(case=case).order_by("-at", "-id").values("pk")[:500]
    rows = (
        ReadEvent.objects.filter(case=case, pk__in=recent)  # the case too: else PostgreSQL may read the whole log
        .values("actor_id", "actor_label", "actor__first_name", "actor__last_name", "actor__username")
        .annotate(last=Max("at"), last_id=Max("id"), times=Count("id"))
        .order_by("-last", "-last_id")[:limit]
    )
    return [{"who": _who(row), "last": row["last"], "times": row["times"]} for row in rows]


def _who(row: dict) -> str:
    """The reader's name as User.display_name gives it, or the label of a reader who is not staff."""
    if row["actor_id"] is None:
        return row["actor_label"]
    return f"{row['actor__first_name']} {row['actor__last_name']}".strip() or row["actor__username"]
