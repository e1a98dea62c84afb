"""The data protection officer's page: search the access log by resident or by member of staff."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Count, Max, Q
from django.shortcuts import render

from putright.audit.models import ReadEvent
from putright.cases.access import staff_view
from putright.performance.compiled import Compiled

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


VIEWED_BY_MOST = 10  # people listed under "Viewed by"


#: Before any read was recorded: the oldest of a case's last 500 reads when it has fewer.
_BEFORE_ANY = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _viewed_by(case_id: int):
    from django.db.models import DateTimeField, F, OuterRef, Subquery, Value, Window
    from django.db.models.functions import Coalesce, RowNumber

    from putright.accounts.models import User

    # The case's last 500 reads. On PostgreSQL numbered newest first over the case's own reads
    # (its index): asked as "ORDER BY at DESC LIMIT 500", it walked the whole log backward by
    # time to find them (22,800 other reads for 500: 3-4 ms at a million cases; test_plans.py).
    # SQLite reads the case's index in that order and stops at 500 (numbering them all cost it
    # 2.2 ms instead of 1.3 for a case read 809 times). The SQL is written once per database.
    recent = ReadEvent.objects.filter(case_id=case_id)
    if connections[router.db_for_read(ReadEvent)].vendor == "postgresql":
        recent = recent.annotate(newest=Window(RowNumber(), order_by=[F("at").desc(), F("id").desc()])).filter(newest__lte=500)
    else:
        recent = recent.order_by("-at", "-id")[:500]
    recent = recent.values("pk")

    def reader(field: str):  # the reader's name, looked up for each of the (at most 10) rows shown
        return Subquery(User.objects.filter(pk=OuterRef("actor_id")).values(field)[:1])

    # Their oldest's time, so the case's reads are read from there on (about 500 entries of
    # `readevent_case_newest`), not every read of the case ever made (the benchmark's busiest
    # case, read 3,371 times: 1.9-2.0 ms of PostgreSQL's execution, 1.4 from the oldest on). A case
    # read fewer than 500 times: from the start.
    oldest = ReadEvent.objects.filter(case_id=case_id).order_by("-at", "-id").values("at")[499:500]
    since = Coalesce(Subquery(oldest), Value(_BEFORE_ANY, output_field=DateTimeField()))
    return (
        # The case too: else PostgreSQL may read the whole log.
        ReadEvent.objects.filter(case_id=case_id, at__gte=since, pk__in=recent)
        .values_list("actor_id", "actor_label")
        .annotate(last=Max("at"), last_id=Max("id"), times=Count("id"))
        .annotate(first_name=reader("first_name"), last_name=reader("last_name"), username=reader("username"))
        .order_by("-last", "-last_id")[:VIEWED_BY_MOST]
    )


# Its SQL is written by the ORM once (putright/performance/compiled.py): the case page asks it on
# every view.
VIEWED_BY = Compiled(_viewed_by)


def viewed_by(case, limit: int = VIEWED_BY_MOST) -> list[dict]:
    """Who has opened this case or anything on it, most recent first: one row per person (at
    most `limit`, up to 10), with how often among the case's last 500 reads. Counted by the
    database in one query (a busy case has hundreds of reads: loading each as a model made this
    a third of the case page's time)."""
    if limit > VIEWED_BY_MOST:
        raise ValueError(f"Viewed by lists at most {VIEWED_BY_MOST} people.")
    return [
        {"who": _who(actor_id, label, first, last_name, username), "last": last, "times": times}
        for actor_id, label, last, _last_id, times, first, last_name, username in VIEWED_BY.rows(case.pk)[:limit]
    ]


def _who(actor_id, label: str, first_name: str, last_name: str, username: str) -> str:
    """The reader's name as User.display_name gives it, or the label of a reader who is not staff."""
    if actor_id is None:
        return label
    return f"{first_name} {last_name}".strip() or username
