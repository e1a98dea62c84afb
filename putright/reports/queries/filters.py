"""The filters behind the figures: which stages, responses and remedies each figure counts, and
which responses count as late all the same (an extension past the Code's limit, a late entry)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from putright.cases.models import Extension, Refusal, Remedy, RemedyKind, Stage
from putright.rules import deadlines
from putright.rules.calendar import WorkingCalendar

from .. import measures
from ..periods import Period
from .definitions import DECISIONS, STAGES, TENURES

# --- filters ----------------------------------------------------------------------------------------
#
# Each filter is written so the database can answer it from one of the reports app's covering
# indexes (migrations/0001_report_indexes.py) without visiting the table rows: no correlated
# subquery per row, and lists (refused, withdrawn) as uncorrelated IN subqueries, worked out once.


def _between(field: str, period: Period) -> Q:
    return Q(**{f"{field}__range": (period.start, period.end)})


def _refused_unacknowledged(number: int, *, since: dt.date | None = None) -> Q:
    """On Stage ``number``: refused (not accepted, or escalation refused) and never acknowledged.

    A refusal that was reopened and then acknowledged is an accepted complaint, so only a stage
    never acknowledged counts as refused. ``since``: only stages begun on or after it are asked
    about, so only refusals from then on need to be listed (a refusal never comes before the
    stage it refuses).
    """
    refusals = Refusal.objects.filter(stage_number=number)
    if since is not None:
        refusals = refusals.filter(refused_on__gte=since)
    return Q(acknowledged_on__isnull=True, case_id__in=refusals.order_by().values("case_id"))


def _stage_q(number: int, key: str, period: Period) -> Q:
    """The Stage filter behind each stage figure (except the extension-limit correction)."""
    responded = _between("responded_on", period)
    if key == "received":
        return _between("requested_on", period) & ~_refused_unacknowledged(number, since=period.start)
    if key.startswith("received_by_tenure."):
        tenure = key.split(".", 1)[1]
        if tenure == "not_recorded":
            return _stage_q(number, "received", period) & Q(case__tenure="")
        if tenure not in TENURES:
            raise KeyError(key)
        return _stage_q(number, "received", period) & Q(case__tenure=tenure)
    if key in RESPONSE_CONDITIONS:
        return responded & RESPONSE_CONDITIONS[key]
    if key == "acknowledged":
        return _between("acknowledged_on", period)
    if key == "acknowledged_within_timescale":
        return _between("acknowledged_on", period) & Q(acknowledged_on__lte=F("acknowledge_by"))
    raise KeyError(key)


# Which of the period's responses (Stage rows) each response figure counts; the same at both stages.
RESPONSE_CONDITIONS: dict[str, Q] = {
    "responded": Q(),
    "within_timescale": Q(responded_on__lte=F("respond_by")),  # before the extension-limit correction
    "within_timescale_without_extensions": Q(responded_on__lte=F("code_respond_by")),
    "responded_with_extension": ~Q(respond_by=F("code_respond_by")),
    **{f"decisions.{d}": Q(decision=d) for d in DECISIONS},
}


def _stage1_decision() -> Subquery:
    # order_by(): Stage's default ordering would join the case table for nothing.
    return Subquery(Stage.objects.filter(case_id=OuterRef("case_id"), number=1).order_by().values("decision")[:1])


def _late_beyond_limit(numbers: tuple[int, ...], span: Period, cal: WorkingCalendar) -> list[tuple[int, int, dt.date]]:
    """(stage number, case id, response date) of responses in ``span`` at the given stages that
    were inside their extended date but after the Code's limit, when the extension went beyond
    the limit with no good reason recorded.

    Only imported history can hold such an extension (PutRight refuses to make one), so these are
    few; the limit needs the calendar, so it is checked here, in Python, once per Code date.
    """
    # Driven from the (small) set of such extensions, not from the period's responses.
    rows = (
        Extension.objects.filter(beyond_code_limit=True, good_reason="", stage__number__in=numbers)
        .filter(stage__responded_on__range=(span.start, span.end))
        .filter(stage__responded_on__gt=F("stage__code_respond_by"), stage__responded_on__lte=F("stage__respond_by"))
        .values_list("stage__number", "stage__case_id", "stage__code_respond_by", "stage__respond_by", "stage__responded_on")
        .order_by()
        .distinct()
    )
    late = []
    limits: dict[tuple[int, dt.date], dt.date] = {}
    for number, case_id, code_respond_by, respond_by, responded_on in rows:
        if (number, code_respond_by) not in limits:
            limits[number, code_respond_by] = deadlines.latest_extended_respond_by(number, code_respond_by, cal).due_on
        limit = limits[number, code_respond_by]
        if not measures.on_time(responded_on, code_respond_by, respond_by, unjustified_beyond_limit=True, code_limit=limit):
            late.append((number, case_id, responded_on))
    return late


def _entered_late(numbers: tuple[int, ...], span: Period) -> tuple[list[tuple[int, int, dt.date, bool]], list[tuple[int, dt.date]]]:
    """The steps in ``span`` that their dates would count as on time but that count as late
    because they were late entries (putright.rules.recording, docs/deadlines.md): recorded
    after their deadline had passed, or answering a deadline extended after it had passed.

    Returns the responses, as (stage number, case id, response date, within the Code's date
    before extensions) and the acknowledgements, as (stage number, acknowledgement date). Late
    entries are few; each list comes from a small partial index (reports migration 0004).
    """
    responses = [
        (number, case_id, day, day <= code)
        for number, case_id, day, code in Stage.objects.filter(
            response_counts_late=True, number__in=numbers, responded_on__range=(span.start, span.end),
            responded_on__lte=F("respond_by"),
        ).order_by().values_list("number", "case_id", "responded_on", "code_respond_by")
    ]
    acknowledgements = list(
        Stage.objects.filter(
            acknowledgement_counts_late=True, number__in=numbers, acknowledged_on__range=(span.start, span.end),
            acknowledged_on__lte=F("acknowledge_by"),
        ).order_by().values_list("number", "acknowledged_on")
    )
    return responses, acknowledgements


def _counted_late(numbers: tuple[int, ...], span: Period, cal: WorkingCalendar) -> list[tuple[int, int, dt.date]]:
    """Responses inside their extended date that count as late all the same: past the Code's
    limit with no good reason (``_late_beyond_limit``), or late entries (``_entered_late``).
    Each (stage, case) once."""
    seen: dict[tuple[int, int], dt.date] = {(n, c): d for n, c, d in _late_beyond_limit(numbers, span, cal)}
    for n, c, d, _ in _entered_late(numbers, span)[0]:
        seen.setdefault((n, c), d)
    return [(n, c, d) for (n, c), d in seen.items()]


def _span(periods_: list[Period]) -> Period:
    return Period(periods_[0].year, None, min(p.start for p in periods_), max(p.end for p in periods_))



def _count(q: Q) -> Count:
    # "number" is in every covering index and never null: COUNT(number) needs no table row.
    return Count("number", filter=q)


RESPONSE_KEYS = tuple(RESPONSE_CONDITIONS)
HEADLINE_KEYS = ("responded", "within_timescale", "within_timescale_without_extensions")



def _stage1_refused_cases(period: Period) -> QuerySet:
    """Complaints received in the period whose stage 1 was refused and never acknowledged."""
    return Stage.objects.filter(
        _between("requested_on", period), _refused_unacknowledged(1, since=period.start), number=1
    ).order_by().values("case_id")




def _open_q(end: dt.date, numbers: tuple[int, ...] = STAGES) -> Q:
    """On Stage: began by ``end`` and still awaiting a response then, that is not answered,
    withdrawn or (never acknowledged) refused by then: Stage.ended_on, kept by the actions."""
    return Q(requested_on__lte=end, number__in=numbers) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))




def _financial_remedies(period: Period) -> QuerySet:
    """Financial remedies offered in the period (see DEFINITIONS["compensation"]): by
    Remedy.offered_on, which is kept at the response date of the remedy's stage, or the day it
    was recorded while that stage has no response."""
    return Remedy.objects.filter(_between("offered_on", period), kind=RemedyKind.FINANCIAL, amount__isnull=False)
