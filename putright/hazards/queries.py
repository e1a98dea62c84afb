"""The hazards worklist: indexed queries on the stored dates, never a calculation per row."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from putright.performance.compiled import GENERIC, Compiled
from putright.rules import hazards as rules

from .models import HazardReport

WORKLIST = {
    "due-24-hours": "Due in the next 24 hours",
    "due-3-working-days": "Due within 3 working days",
    "overdue": "Overdue",
    "awaiting-summary": "Awaiting the written summary",
    "alternative-accommodation": "In alternative accommodation",
}


def worklist(name: str, now: dt.datetime | None = None) -> QuerySet[HazardReport]:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    open_ = HazardReport.objects.open().select_related("kind", "case", "resident")
    if name == "due-24-hours":
        return open_.filter(next_due_at__gt=now, next_due_at__lte=now + dt.timedelta(hours=24)).order_by("next_due_at")
    if name == "due-3-working-days":
        until = rules.legal_calendar().add_working_days(today, 3)
        return open_.filter(next_due_at__isnull=True, next_due_on__gte=today, next_due_on__lte=until).order_by("next_due_on")
    if name == "overdue":
        return open_.filter(
            Q(next_due_at__isnull=False, next_due_at__lt=now) | Q(next_due_at__isnull=True, next_due_on__lt=today)
        ).order_by("next_due_on", "next_due_at")
    if name == "awaiting-summary":
        return open_.filter(investigated_at__isnull=False, summary_given_on__isnull=True, summary_by__isnull=False).order_by("summary_by")
    if name == "alternative-accommodation":
        return HazardReport.objects.select_related("kind", "case", "resident").filter(
            accommodation_accepted=True, accommodation_from__isnull=False, accommodation_until__isnull=True
        ).order_by("accommodation_from")
    raise KeyError(name)


def compiled_counts(now: dt.datetime | None = None):
    """The worklists' counts ready to run with the queue's others (putright.performance.counting),
    their SQL compiled once a day: built for a stand-in moment early that day, whose two values
    in the SQL (the moment and 24 hours after it) are then replaced with `now`'s."""
    from django.db import connections

    from putright.performance.counting import compiled_once

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    stand_in = timezone.make_aware(dt.datetime.combine(today, dt.time(0, 0, 0, 1)))
    using = HazardReport.objects.db
    compiled = compiled_once(("hazards", using, today), lambda: {f"hazard:{k}": q for k, q in worklists(stand_in).items()})
    adapt = connections[using].ops.adapt_datetimefield_value
    day = dt.timedelta(hours=24)
    return compiled.bound({adapt(stand_in): adapt(now), adapt(stand_in + day): adapt(now + day)})


def counts(now: dt.datetime | None = None) -> dict[str, int]:
    from putright.performance.counting import count_each

    return count_each(worklists(now))  # one query, not five


def worklists(now: dt.datetime | None = None) -> dict[str, QuerySet[HazardReport]]:
    """Every worklist, by name (for counting them together: putright.performance.counting)."""
    now = now or timezone.now()
    return {name: worklist(name, now) for name in WORKLIST}


def reports_for_case(case) -> list[HazardReport]:
    """Hazards raised on this case, on the service request it came from, on a case it is linked
    to, or on a complaint raised from it: a complaint about a hazard shows the hazard's clocks.
    The list prefetch_reports kept on the case, when a page asked for it first."""
    kept = getattr(case, "_hazard_reports", None)
    if kept is not None:
        return list(kept)
    return _reports_for_case(case)


def prefetch_reports(case) -> None:
    """Look the case's hazards up once for a page that lists them in more than one place (the
    case page's hazards section and the letters it offers). Only for a page that reads: a change
    to a hazard after this is not seen on this case object."""
    case._hazard_reports = _reports_for_case(case)


# The hazards raised on the case, on the request it is about, on the complaint it is linked to
# and on the complaints raised from it (0, which no case has, for a link it does not have). Its
# SQL is written by the ORM once (putright/performance/compiled.py): the case page asks on every view.
FOR_CASE = Compiled(
    lambda case_id, about_id, related_id: HazardReport.objects.filter(
        Q(case_id__in=[case_id, about_id, related_id]) | Q(case__from_service_request_id=case_id)
    ).select_related("kind", "case").order_by("aware_at", "id"),
    # Its plan for any values from the first request (decision 0021): planned for the values, the
    # join to the case with its 55 indexes took 2.7 ms at a million cases, 0.03 to run.
    planning=GENERIC,
)


def for_case_call(case) -> tuple:
    """FOR_CASE's question for this case (as performance.compiled.together takes it): the case
    page asks it with its others."""
    return FOR_CASE, "models", (case.pk, case.from_service_request_id or 0, case.related_to_id or 0)


def _reports_for_case(case) -> list[HazardReport]:
    query, _how, values = for_case_call(case)
    return query.models(*values)
