"""The events feed (every timeline, in order, resumable) and the published figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from putright.api import reading
from putright.api import schemas as s
from putright.api.app import responses
from putright.api.events import settled_before
from putright.cases.models import CaseEvent
from putright.reports.queries import annual_figures, quarter_figures
from putright.rules.errors import RuleViolation

router = Router()


def _require_read(request) -> None:
    if not request.auth.user.can_read_cases:
        raise PermissionDenied("Your key's role cannot see cases.")


class FeedQuery(Schema):
    after: int = Field(0, ge=0, le=2**62, description="The `next_cursor` of the last page read; 0 from the start.")
    limit: int = Field(100, ge=1, le=1000)


@router.get("/events", response=responses({200: s.EventPage}), tags=["events"], summary="The events feed")
def events(request, query: Query[FeedQuery]):
    """Everything on every case's timeline, oldest first. Store `next_cursor` and pass it back as
    `after` to carry on where you stopped; an empty page means nothing new yet."""
    _require_read(request)
    settled = settled_before(timezone.now())
    # Plain rows, the case's reference and resident joined in: no model per event, case and
    # resident (issue 19: the page of 100 spent most of its time making them).
    rows = list(
        CaseEvent.objects.filter(id__gt=query.after, at__lte=settled)
        .order_by("id")
        .values_list("id", "case_id", "case__reference", "case__resident_id", "at", "kind", "summary", "actor__username", "actor_label", "data")
        [: query.limit]
    )
    # The access log: each case whose timeline is on the page, once (summaries can hold its details).
    cases = {}
    for _id, case_id, reference, resident_id, *_ in rows:
        cases.setdefault(case_id, (case_id, reference, resident_id))
    reading.record_cases(request, cases.values())
    return {
        "events": [
            {
                "id": id_, "case": reference, "at": at, "kind": kind, "summary": summary,
                "actor": username if username is not None else (actor_label or "system"), "data": data,
            }
            for id_, _case, reference, _resident, at, kind, summary, username, actor_label, data in rows
        ],
        "next_cursor": rows[-1][0] if rows else query.after,
    }


class YearQuery(Schema):
    year: int = Field(ge=1990, le=2200, description="2024 means the reporting year 1 April 2024 to 31 March 2025.")


class QuarterQuery(YearQuery):
    quarter: int = Field(ge=1, le=4, description="1 is April to June; 4 is January to March.")


@router.get("/reports/annual", response=responses({200: dict[str, Any]}), tags=["reports"], summary="A reporting year's figures")
def annual(request, query: Query[YearQuery]):
    """The same JSON as `putright report annual --year Y --format json`, definitions included."""
    _require_read(request)
    return _figures(annual_figures, query.year)


@router.get("/reports/quarter", response=responses({200: dict[str, Any]}), tags=["reports"], summary="A quarter's figures")
def quarter(request, query: Query[QuarterQuery]):
    """The same JSON as `putright report quarter --year Y --quarter Q --format json`."""
    _require_read(request)
    return _figures(quarter_figures, query.year, query.quarter)


def _figures(function, *args) -> dict:
    try:
        return function(*args)
    except ValueError as e:  # a year whose comparison years fall outside the reporting years
        raise RuleViolation(str(e)[0].upper() + str(e)[1:] + ".", field="year")
