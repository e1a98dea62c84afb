"""The figures a landlord publishes, counted by the database.

`annual_figures(year)` and `quarter_figures(year, quarter)` return one JSON-ready dict: the
Regulator's complaint measures (CH01, CH02) and what the Code's annual report (8.1 b) and the
board's regular information (9.7 a) need. Every count is an aggregate the database works out
(``Count``/``Sum`` with ``filter=Q(...)``, ``values().annotate()``); Python only ever sees a
few thousand rows: counts grouped by stage and by day (Python sorts the days into the year, its
quarters and the two years before, and sums working days, which need the landlord's calendar, one
distinct date at a time), and the responses whose extension went beyond the Code's limit without
a recorded good reason.

Two figures read columns copied for them, so a year is one index range: themes from
``CaseTheme`` (the case's kind and received date) and compensation from ``Remedy.offered_on``.

Each figure's definition is written once, in ``DEFINITIONS``, which goes into the JSON and into
docs/reports.md. `case_filters(year, key)` gives the cases behind a figure, built from the same
filters as the count, so the list and the number always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseTheme, Extension, HomesOwned, PaymentMethod, Refusal, Remedy, RemedyKind, ServiceArea, Stage, Theme
from putright.residents.models import Tenure
from putright.rules import deadlines
from putright.rules.calendar import WorkingCalendar
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Decision, Kind

from . import measures, periods
from .periods import Period

STAGES = (1, 2)
DECISIONS = tuple(d.value for d in Decision)
REFUSAL_REASONS = tuple(r.value for r in RefusalReason)
PAYMENT_METHODS = tuple(PaymentMethod.values)
TENURES = tuple(Tenure.values)
NOT_RECORDED = "Not recorded"
THREE_YEARS = 3

# One sentence per figure. `{n}` is the stage number, `{days}` its response timescale.
DEFINITIONS: dict[str, str] = {
    "satisfaction": (
        "Answers to the five-point survey offered after closure, for cases closed in the period "
        "(one per case); satisfied means satisfied or very satisfied. Survey feedback, not complaints (1.6)."
    ),
    "hazards": (
        "Awaab's Law: hazards the landlord became aware of in the period, by emergency and significant; each "
        "legal step counted on_time, late (done late, or not done by as_of though due) or not_yet_due; the median "
        "time to investigate (hours for emergencies, working days for significant hazards); households in "
        "alternative accommodation; complaints received in the period from households that reported a hazard, "
        "and how many were about the hazard itself. as_of is the end of the period, or today for the current one."
    ),
    "period": "The reporting year runs 1 April to 31 March (2024 means 1 April 2024 to 31 March 2025); quarter 1 is April to June and quarter 4 January to March.",
    "homes": "Homes owned in the reporting year, low cost rental (LCRA) and low cost home ownership (LCHO), as set with `putright homes`; null when not set.",
    "stage1.received": "Complaints whose stage 1 began (the complaint was received) in the period, not counting complaints refused at stage 1 (not accepted under Code section 2 and never acknowledged): the Regulator does not count refused complaints as stage 1 complaints.",
    "stage1.received_by_tenure": "stage1.received split by the tenure recorded on the case (LCRA or LCHO); cases with no tenure recorded are counted under not_recorded and in the total only.",
    "stage1.per_1000_homes": "CH01 (1): stage1.received per 1,000 homes owned, to 1 decimal place: total over all homes owned, lcra over LCRA homes counting LCRA cases only, lcho likewise; null when the homes are not set (0 or missing). For a quarter the count is the quarter's, not annualised.",
    "stage1.responded": "Stage 1 responses sent (the response date) in the period, whenever the complaint was received.",
    "stage1.within_timescale": "CH02 (1): of stage1.responded, those sent by the Code's date (10 working days after acknowledgement, 6.3) or by the date of an extension agreed with the resident that the Code allows (at most 10 working days beyond the Code's date, or further with a good reason recorded, 6.4); an extension beyond the limit with no good reason recorded counts only up to the limit.",
    "stage1.within_timescale_percent": "stage1.within_timescale as a percentage of stage1.responded, to 1 decimal place (CH02 as published).",
    "stage1.within_timescale_by_tenure": "CH02 (1) split by the tenure recorded on the case, as CH01 is: for lcra, lcho and not_recorded (no tenure recorded, its own row, never dropped), the responses, those within the timescale (the same rule as stage1.within_timescale) and the percentage; the three rows add up to the totals.",
    "stage1.within_timescale_without_extensions": "Of stage1.responded, those sent by the Code's date (10 working days after acknowledgement), ignoring every extension; shown beside CH02 so both are visible.",
    "stage1.within_timescale_without_extensions_percent": "stage1.within_timescale_without_extensions as a percentage of stage1.responded, to 1 decimal place.",
    "stage1.late": "stage1.responded minus stage1.within_timescale.",
    "stage1.responded_with_extension": "Of stage1.responded, those whose response date had been extended.",
    "stage1.acknowledged": "Stage 1 acknowledgements sent (the acknowledgement date) in the period.",
    "stage1.acknowledged_within_timescale": "Of stage1.acknowledged, those sent within 5 working days of receipt (6.2).",
    "stage1.acknowledged_within_timescale_percent": "stage1.acknowledged_within_timescale as a percentage of stage1.acknowledged, to 1 decimal place.",
    "stage1.decisions": "stage1.responded by the overall decision of the response: upheld, partly upheld or not upheld (any mixture of decisions on the points is partly upheld).",
    "stage1.average_working_days_to_respond": "The mean number of working days from acknowledgement to response over stage1.responded, the Code's own clock (6.3), to 1 decimal place.",
    "stage1.average_working_days_from_receipt": "The mean number of working days from receipt of the complaint to the response over stage1.responded, to 1 decimal place.",
    "stage1.service_areas": "stage1.received by the service area recorded on the case.",
    "stage2.received": "Stage 2 escalations asked for in the period (the escalation request date), not counting requests the landlord refused to escalate (5.11) and never acknowledged: a refused escalation is not a stage 2 complaint received; it is counted under refused with stage 2.",
    "stage2.received_by_tenure": "stage2.received split by the tenure recorded on the case; blank tenure under not_recorded, in the total only.",
    "stage2.per_1000_homes": "CH01 (2): stage2.received per 1,000 homes owned, split as for stage 1.",
    "stage2.responded": "Stage 2 (final) responses sent in the period.",
    "stage2.within_timescale": "CH02 (2): of stage2.responded, those sent by the Code's date (20 working days after acknowledgement, 6.14) or by an agreed extension the Code allows (at most 20 working days more, or further with a good reason recorded, 6.15); an extension beyond the limit with no good reason recorded counts only up to the limit.",
    "stage2.within_timescale_percent": "stage2.within_timescale as a percentage of stage2.responded, to 1 decimal place.",
    "stage2.within_timescale_by_tenure": "CH02 (2) split by tenure as stage1.within_timescale_by_tenure.",
    "stage2.within_timescale_without_extensions": "Of stage2.responded, those sent within 20 working days of acknowledgement, ignoring every extension.",
    "stage2.within_timescale_without_extensions_percent": "stage2.within_timescale_without_extensions as a percentage of stage2.responded, to 1 decimal place.",
    "stage2.late": "stage2.responded minus stage2.within_timescale.",
    "stage2.responded_with_extension": "Of stage2.responded, those whose response date had been extended.",
    "stage2.acknowledged": "Stage 2 acknowledgements sent in the period.",
    "stage2.acknowledged_within_timescale": "Of stage2.acknowledged, those sent within 5 working days of the escalation request (6.11).",
    "stage2.acknowledged_within_timescale_percent": "stage2.acknowledged_within_timescale as a percentage of stage2.acknowledged, to 1 decimal place.",
    "stage2.decisions": "stage2.responded by the overall decision of the final response.",
    "stage2.changed_from_stage1": "Of stage2.responded, those whose stage 2 decision differs from the stage 1 decision on the same complaint.",
    "stage2.average_working_days_to_respond": "The mean number of working days from the stage 2 acknowledgement to the final response over stage2.responded (6.14), to 1 decimal place.",
    "stage2.average_working_days_from_receipt": "The mean number of working days from the escalation request to the final response over stage2.responded, to 1 decimal place.",
    "stage2.service_areas": "stage2.received by the service area recorded on the case.",
    "refused": "Complaints refused in the period (the refusal date): total, by the Code's reason (2.2: over 12 months, legal proceedings, previously considered, other) and by stage (1: not accepted; 2: escalation refused); each case is counted once per group.",
    "refused.other_by_about": "Complaints refused in the period for another reason (\"other\", which needs a manager), by what they were about as recorded with the refusal, most common first; \"Not recorded\" for imported refusals (8.1 b).",
    "withdrawn": "Complaints withdrawn by the resident in the period (the withdrawal date).",
    "open_at_end": "Complaints awaiting a response at the end of the period, by stage: the stage began on or before the last day and its response had not been sent by then, leaving out complaints withdrawn by then and stages refused by then and never acknowledged.",
    "themes": "Themes of stage1.received, most common first; a complaint can have several themes, so the counts add up to more than stage1.received.",
    "service_requests": "Service requests (1.4) received in the period, in total and by service area; they are not complaints and are not in any stage figure.",
    "compliments": "Compliments received in the period, in total and by service area.",
    "compensation": "Financial remedies (7.1) offered in the period: a remedy's date is the date of the response of the stage it was recorded at, or the date it was recorded when that stage has no response (yet); counts of remedies, of complaints (each counted once per group) and the sum in pounds, in total, by payment method (money, voucher, rent credit) and by stage.",
    "three_year": "The headline figures for the year and the two before it, oldest first, with the same definitions.",
}


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


# --- the figures --------------------------------------------------------------------------------


def _count(q: Q) -> Count:
    # "number" is in every covering index and never null: COUNT(number) needs no table row.
    return Count("number", filter=q)


RESPONSE_KEYS = tuple(RESPONSE_CONDITIONS)
HEADLINE_KEYS = ("responded", "within_timescale", "within_timescale_without_extensions")


def _stage_counts(periods_: dict[str, Period], cal: WorkingCalendar) -> tuple[dict[int, dict[str, dict[str, int]]], dict[int, tuple]]:
    """The counts of both stages, every one for the period named "now" and the headline ones for
    the others (the three-year comparison), and each stage's working-day averages for "now".

    Four index-only queries, each grouped by stage and by one date (a few thousand rows at
    most), so one range of each index serves every stage and every year, and Python adds the
    days up into the periods: received (by request date, with the refusals to take off),
    responses (by response date), the start dates of "now"'s responses, acknowledgements.
    """
    span = _span(list(periods_.values()))
    current = periods_["now"]
    stages = Stage.objects.filter(number__in=STAGES).order_by()
    out: dict[int, dict[str, dict[str, int]]] = {
        n: {name: dict.fromkeys(("received", *(RESPONSE_KEYS if name == "now" else HEADLINE_KEYS)), 0) for name in periods_}
        | {"now": dict.fromkeys(("received", *RESPONSE_KEYS, "acknowledged", "acknowledged_within_timescale"), 0)}
        for n in STAGES
    }

    def add(number: int, day: dt.date, counts: dict[str, int]) -> None:
        for name, period in periods_.items():
            if day in period:
                block = out[number][name]
                for key in block.keys() & counts.keys():
                    block[key] += counts[key]

    refused_q = Q()
    for n in STAGES:
        refused_q |= Q(number=n) & _refused_unacknowledged(n, since=span.start)
    for number, day, n, refused in (
        stages.filter(_between("requested_on", span)).values_list("number", "requested_on")
        .annotate(n=Count("number"), refused=_count(refused_q))
    ):
        add(number, day, {"received": n - refused})

    # Responses in the span by stage and date, counted under RESPONSE_CONDITIONS (as _stage_q
    # does for one period) and then sorted into the periods by their date.
    ends: dict[int, list[tuple[dt.date, int, int]]] = {n: [] for n in STAGES}
    for number, day, acknowledged, *counts in (
        stages.filter(_between("responded_on", span)).values_list("number", "responded_on")
        .annotate(ack_n=_count(Q(acknowledged_on__isnull=False)),
                  **{f"c{i}": _count(q) if q else Count("number") for i, q in enumerate(RESPONSE_CONDITIONS.values())})
    ):
        add(number, day, dict(zip(RESPONSE_KEYS, counts)))
        if day in current:
            ends[number].append((day, acknowledged, counts[0]))

    starts = list(
        stages.filter(_between("responded_on", current)).values_list("number", "requested_on", "acknowledged_on").annotate(n=Count("number"))
    )
    for number, acknowledged, within in (
        stages.filter(_between("acknowledged_on", current)).values_list("number")
        .annotate(ack=_count(_stage_q(STAGES[0], "acknowledged", current)),
                  ack_within=_count(_stage_q(STAGES[0], "acknowledged_within_timescale", current)))
    ):
        out[number]["now"].update(acknowledged=acknowledged, acknowledged_within_timescale=within)
    return out, _working_day_averages(ends, starts, cal)


def _changed_from_stage1(period: Period) -> int:
    return (
        Stage.objects.filter(_between("responded_on", period), number=2)
        .exclude(decision=_stage1_decision())
        .count()
    )


def _working_day_averages(ends: dict[int, list], starts: list, cal: WorkingCalendar) -> dict[int, tuple[float | None, float | None]]:
    """For each stage, the mean working days to the response over the period's responses: from
    acknowledgement (the Code's clock) and from receipt.

    Working days between two dates are a difference, ``working_days_between(a, b) ==
    W(b) - W(a)`` with W(d) the working days from a fixed day up to d, so a sum over responses
    is a sum over response dates (``ends``: day, responses acknowledged, responses) less a sum
    over start dates (``starts``: stage, received, acknowledged, responses): the calendar is
    asked once per distinct date, never per (start, response) pair.
    """
    days = {row[0] for rows in ends.values() for row in rows} | {d for _, r, a, _ in starts for d in (r, a) if d}
    first = min(days, default=dt.date(2000, 1, 1))
    w = {day: cal.working_days_between(first, day) for day in days}
    out = {}
    for number in STAGES:
        end_acknowledged = sum(w[day] * n for day, n, _ in ends[number])
        end_requested = sum(w[day] * n for day, _, n in ends[number])
        start_acknowledged = sum(w[a] * n for num, _, a, n in starts if num == number and a)
        start_requested = sum(w[r] * n for num, r, _, n in starts if num == number)
        out[number] = (
            measures.average(end_acknowledged - start_acknowledged, sum(n for _, n, _ in ends[number])),
            measures.average(end_requested - start_requested, sum(n for _, _, n in ends[number])),
        )
    return out


def _homes(year: int) -> dict:
    homes = HomesOwned.objects.filter(year=year).values("lcra", "lcho").first()
    if homes is None:
        return {"year": year, "lcra": None, "lcho": None, "total": None}
    return {"year": year, "lcra": homes["lcra"], "lcho": homes["lcho"], "total": homes["lcra"] + homes["lcho"]}


def _area_names() -> dict[int | None, str]:
    names: dict[int | None, str] = dict(ServiceArea.objects.values_list("pk", "name"))
    names[None] = NOT_RECORDED
    return names


def _stage1_refused_cases(period: Period) -> QuerySet:
    """Complaints received in the period whose stage 1 was refused and never acknowledged."""
    return Stage.objects.filter(
        _between("requested_on", period), _refused_unacknowledged(1, since=period.start), number=1
    ).order_by().values("case_id")


def _received_breakdown(period: Period) -> tuple[dict[int, dict], dict]:
    """stage{n}.received by tenure and by service area, and service requests and compliments by
    service area.

    Stage 1 begins the day the complaint is received (its requested_on is the case's received_on),
    so stage 1 is counted from the complaints received, on the case's own index, less the refused
    ones, in the same grouped query as the service requests and compliments received; stage 2
    from its stages."""
    received = (
        Case.objects.filter(_between("received_on", period), kind__in=[Kind.COMPLAINT, Kind.SERVICE_REQUEST, Kind.COMPLIMENT])
        .values_list("kind", "tenure", "service_area_id")
        .annotate(n=Count("kind"), refused=Count("kind", filter=Q(kind=Kind.COMPLAINT, pk__in=_stage1_refused_cases(period))))
        .order_by()
    )
    stage2 = (
        Stage.objects.filter(_stage_q(2, "received", period), number=2)
        .values_list("case__tenure", "case__service_area_id")
        .annotate(n=Count("number"))
        .order_by()
    )
    return _breakdown_from(received, stage2)


def _breakdown_from(received, stage2) -> tuple[dict[int, dict], dict]:
    """_received_breakdown's result from its two groupings: (kind, tenure, area, n, refused) of
    the cases received, and (tenure, area, n) of the stage 2s received."""
    names = _area_names()
    out = {n: {"tenure": defaultdict(int), "areas": defaultdict(int)} for n in STAGES}
    other = {kind: {"total": 0, "by_service_area": defaultdict(int)} for kind in (Kind.SERVICE_REQUEST, Kind.COMPLIMENT)}
    for kind, tenure, area, n, refused in received:
        if kind == Kind.COMPLAINT:
            out[1]["tenure"][tenure or "not_recorded"] += n - refused
            out[1]["areas"][names.get(area, NOT_RECORDED)] += n - refused
        else:
            other[kind]["total"] += n
            other[kind]["by_service_area"][names.get(area, NOT_RECORDED)] += n
    for tenure, area, n in stage2:
        out[2]["tenure"][tenure or "not_recorded"] += n
        out[2]["areas"][names.get(area, NOT_RECORDED)] += n
    for number in STAGES:
        out[number]["areas"] = {k: v for k, v in out[number]["areas"].items() if v}
    others = {
        key: {"total": other[kind]["total"], "by_service_area": _ranked(dict(other[kind]["by_service_area"]))}
        for key, kind in (("service_requests", Kind.SERVICE_REQUEST), ("compliments", Kind.COMPLIMENT))
    }
    return out, others


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    """Most common first, then by name: the order a published table lists them in."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold())))


def _stage_block(number: int, c: dict, late_now: int, breakdown: dict, homes: dict, period: Period,
                 averages: tuple[float | None, float | None], *, late_without_now: int = 0, late_ack_now: int = 0,
                 changed: int | None = None) -> dict:
    received, responded = c["received"], c["responded"]
    within = c["within_timescale"] - late_now
    without = c["within_timescale_without_extensions"] - late_without_now
    acknowledged_within = c["acknowledged_within_timescale"] - late_ack_now
    tenure = breakdown["tenure"]
    limits = deadlines.stage_limits(number)
    to_respond, from_receipt = averages
    block = {
        "received": received,
        "received_by_tenure": {t: tenure.get(t, 0) for t in (*TENURES, "not_recorded")},
        "per_1000_homes": {
            "total": measures.per_1000_homes(received, homes["total"]),
            "lcra": measures.per_1000_homes(tenure.get("lcra", 0), homes["lcra"]),
            "lcho": measures.per_1000_homes(tenure.get("lcho", 0), homes["lcho"]),
        },
        "responded": responded,
        "within_timescale": within,
        "within_timescale_percent": measures.share(within, responded),
        "within_timescale_without_extensions": without,
        "within_timescale_without_extensions_percent": measures.share(without, responded),
        "late": responded - within,
        "responded_with_extension": c["responded_with_extension"],
        "acknowledged": c["acknowledged"],
        "acknowledged_within_timescale": acknowledged_within,
        "acknowledged_within_timescale_percent": measures.share(acknowledged_within, c["acknowledged"]),
        "decisions": {d: c[f"decisions.{d}"] for d in DECISIONS},
        "decisions_percent": {d: measures.share(c[f"decisions.{d}"], responded) for d in DECISIONS},
        "average_working_days_to_respond": to_respond,
        "average_working_days_from_receipt": from_receipt,
        "service_areas": _ranked(dict(breakdown["areas"])),
        "timescales": {
            "acknowledge_working_days": limits.acknowledge_days,
            "respond_working_days": limits.respond_days,
            "extension_limit_working_days": limits.max_extension_days,
        },
    }
    if number == 2:
        block["changed_from_stage1"] = _changed_from_stage1(period) if changed is None else changed
    return block


def _within_by_tenure(period: Period, late: list[tuple[int, int, dt.date]]) -> dict[int, dict[str, dict]]:
    """CH02 by the case's tenure, for each stage: the period's responses and those within the
    timescale, by one grouped query, less the responses counted late whatever their date
    (``late``: the few from ``_counted_late``). No tenure recorded is its own row."""
    counts = {n: {t: {"responded": 0, "within_timescale": 0} for t in (*TENURES, "not_recorded")} for n in STAGES}
    for number, tenure, n, within in (
        Stage.objects.filter(_between("responded_on", period), number__in=STAGES)
        .values_list("number", "case__tenure")
        .annotate(n=Count("number"), within=_count(RESPONSE_CONDITIONS["within_timescale"]))
        .order_by()
    ):
        row = counts[number][tenure or "not_recorded"]
        row["responded"] += n
        row["within_timescale"] += within
    late_now = [(number, case_id) for number, case_id, day in late if day in period]
    # One query whether or not any are late (pk=0 matches nothing), so the count stays the same.
    tenures = dict(Case.objects.filter(Q(pk__in={c for _, c in late_now}) | Q(pk=0)).values_list("pk", "tenure"))
    for number, case_id in late_now:
        counts[number][tenures.get(case_id) or "not_recorded"]["within_timescale"] -= 1
    for by_tenure in counts.values():
        for row in by_tenure.values():
            row["within_timescale_percent"] = measures.share(row["within_timescale"], row["responded"])
    return counts


def _refused(period: Period) -> dict:
    """One grouped query; each case counted once per group (a case refused twice for the same
    reason in a period is rare enough that the few rows are deduplicated here)."""
    rows = (
        Refusal.objects.filter(_between("refused_on", period))
        .values_list("stage_number", "reason", "case_id")
        .distinct()
        .order_by()
    )
    by_stage = {f"stage{n}": {"total": set(), "by_reason": {r: set() for r in REFUSAL_REASONS}} for n in STAGES}
    by_reason = {r: set() for r in REFUSAL_REASONS}
    total: set[int] = set()
    for number, reason, case_id in rows:
        stage = by_stage.setdefault(f"stage{number}", {"total": set(), "by_reason": {r: set() for r in REFUSAL_REASONS}})
        stage["total"].add(case_id)
        stage["by_reason"].setdefault(reason, set()).add(case_id)
        by_reason.setdefault(reason, set()).add(case_id)
        total.add(case_id)
    about: dict[str, set[int]] = defaultdict(set)
    for text, case_id in (
        Refusal.objects.filter(_between("refused_on", period), reason=RefusalReason.OTHER)
        .values_list("about", "case_id").distinct().order_by()
    ):
        about[text.strip() or NOT_RECORDED].add(case_id)
    return {
        "total": len(total),
        "other_by_about": _ranked({k: len(v) for k, v in about.items()}),
        "by_reason": {r: len(ids) for r, ids in by_reason.items()},
        "by_stage": {k: {"total": len(v["total"]), "by_reason": {r: len(ids) for r, ids in v["by_reason"].items()}}
                     for k, v in by_stage.items()},
    }


def _open_q(end: dt.date, numbers: tuple[int, ...] = STAGES) -> Q:
    """On Stage: began by ``end`` and still awaiting a response then, that is not answered,
    withdrawn or (never acknowledged) refused by then: Stage.ended_on, kept by the actions."""
    return Q(requested_on__lte=end, number__in=numbers) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def _open_at_end(period: Period) -> dict:
    # Two index-only range scans (still awaiting one; ended after the end), each grouped by
    # stage, rather than one OR the database would answer by reading every stage.
    end = period.end
    counts = {f"stage{n}": 0 for n in STAGES}
    for awaiting in (Q(ended_on__isnull=True), Q(ended_on__gt=end)):
        rows = (
            Stage.objects.filter(awaiting, requested_on__lte=end, number__in=STAGES)
            .values_list("number").annotate(n=Count("number")).order_by()
        )
        for number, n in rows:
            counts[f"stage{number}"] += n
    return {**counts, "total": sum(counts.values())}


def _themes(period: Period) -> dict[str, int]:
    """Themes of stage 1 complaints received, less the refused ones: counted from the case-theme
    rows alone (they carry the case's kind and received date), one index range per year."""
    rows = (
        CaseTheme.objects.filter(_between("received_on", period), kind=Kind.COMPLAINT)
        .values_list("theme_id")
        .annotate(n=Count("case_id"), refused=Count("case_id", filter=Q(case_id__in=_stage1_refused_cases(period))))
        .order_by()
    )
    return _themes_from(rows)


def _themes_from(rows) -> dict[str, int]:
    """(theme id, complaints, refused ones) rows as the figure: names, most common first."""
    names = dict(Theme.objects.values_list("pk", "name"))
    totals: dict[int, int] = defaultdict(int)
    for theme_id, n, refused in rows:
        totals[theme_id] += n - refused
    return _ranked({names[theme_id]: n for theme_id, n in totals.items() if n})


def _financial_remedies(period: Period) -> QuerySet:
    """Financial remedies offered in the period (see DEFINITIONS["compensation"]): by
    Remedy.offered_on, which is kept at the response date of the remedy's stage, or the day it
    was recorded while that stage has no response."""
    return Remedy.objects.filter(_between("offered_on", period), kind=RemedyKind.FINANCIAL, amount__isnull=False)


def _money(amount: Decimal | None) -> float:
    return float((amount or Decimal("0")).quantize(Decimal("0.01")))


# The compensation groups: a financial remedy with no payment method recorded counts as money.
_COMPENSATION_GROUPS: dict[str, Q] = {
    "total": Q(),
    **{f"method:{m}": Q(payment_method=m) | Q(payment_method="") if m == PaymentMethod.MONEY else Q(payment_method=m)
       for m in PAYMENT_METHODS},
    **{f"stage:stage{n}": Q(stage_number=n) for n in STAGES},
    "stage:no_stage": ~Q(stage_number__in=STAGES),
}


def _compensation(period: Period) -> dict:
    """One aggregate row: for each group, the remedies, the distinct complaints and the sum."""
    aggregates = {}
    for i, q in enumerate(_COMPENSATION_GROUPS.values()):
        aggregates[f"count{i}"] = Count("case_id", filter=q)
        aggregates[f"cases{i}"] = Count("case_id", filter=q, distinct=True)
        aggregates[f"amount{i}"] = Sum("amount", filter=q)
    row = _financial_remedies(period).aggregate(**aggregates)
    out = {
        name: {"count": row[f"count{i}"], "cases": row[f"cases{i}"], "amount_gbp": _money(row[f"amount{i}"])}
        for i, name in enumerate(_COMPENSATION_GROUPS)
    }
    return {
        "total": out["total"],
        "by_payment_method": {m: out[f"method:{m}"] for m in PAYMENT_METHODS},
        "by_stage": {k.removeprefix("stage:"): v for k, v in out.items() if k.startswith("stage:")},
    }


def _figures(period: Period, *, with_three_years: bool, tallied: bool | None = None) -> dict:
    """All the figures, read in one transaction so they agree with each other."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Just-in-time compilation costs more than it saves on these short aggregates (tens
            # of milliseconds each, measured at 1,000,000 cases): off for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _compute(period, with_three_years=with_three_years, tallied=tallied)


@dataclass
class _Parts:
    """What the figures are assembled from, counted live (`_live_parts`) or read from the counts
    kept by month (`_tallied_parts`): the same numbers either way."""

    counts: dict  # {stage: {period name: {figure: n}}}, as _stage_counts
    averages: dict  # {stage: (working days from acknowledgement, from receipt)} for "now"
    late: dict  # {stage: {period name: responses inside their date counted late all the same}}
    late_without: dict  # {stage: {period name: late entries within the Code's own date}}
    late_ack_now: dict  # {stage: acknowledgements entered late, in "now"}
    breakdown: dict
    other_kinds: dict
    open_at_end: dict
    themes: dict
    changed_from_stage1: int
    by_tenure: dict  # {stage: {tenure: {"responded", "within_timescale", "within_timescale_percent"}}}


def _live_parts(period: Period, named: dict[str, Period], cal: WorkingCalendar) -> _Parts:
    span = _span(list(named.values()))
    breakdown, other_kinds = _received_breakdown(period)
    all_counts, averages = _stage_counts(named, cal)
    all_late = _counted_late(STAGES, span, cal)
    entered_responses, entered_acks = _entered_late(STAGES, span)
    late, late_without, late_ack_now = {}, {}, {}
    for number in STAGES:
        days = [day for n, _, day in all_late if n == number]
        # Late entries dated within the Code's own date were counted in the figure without extensions too.
        without = [day for n, _, day, within_code in entered_responses if n == number and within_code]
        late[number] = {name: sum(1 for day in days if day in p) for name, p in named.items()}
        late_without[number] = {name: sum(1 for day in without if day in p) for name, p in named.items()}
        late_ack_now[number] = sum(1 for n, day in entered_acks if n == number and day in period)
    return _Parts(all_counts, averages, late, late_without, late_ack_now, breakdown, other_kinds,
                  _open_at_end(period), _themes(period), _changed_from_stage1(period), _within_by_tenure(period, all_late))


def _tallied_parts(period: Period, named: dict[str, Period], cal: WorkingCalendar) -> _Parts:
    """The same parts from putright.performance.tallies: a few hundred rows for three years."""
    from putright.performance import tallies

    tallies.refresh()
    # Only what the three-year comparison needs is read for the years before (three queries of
    # a few hundred rows, rather than every source for three years).
    t = tallies.sums(["received", "responded"], named)
    t.update(tallies.sums(["acknowledged", "cases", "stage2", "themes", "tenure"], {"now": period}))
    t.update(tallies.sums(["flow"], {"now": period}, cumulative=["flow"]))
    counts, averages, late, late_without, late_ack_now, open_counts = {}, {}, {}, {}, {}, {}
    for number in STAGES:
        counts[number], late[number], late_without[number] = {}, {}, {}
        for name in named:
            received, responded = t["received"][name].of(number), t["responded"][name].of(number)
            block = {"received": received["received"]}
            for key in RESPONSE_KEYS if name == "now" else HEADLINE_KEYS:
                block[key] = responded[key]
            if name == "now":
                acknowledged = t["acknowledged"][name].of(number)
                block["acknowledged"] = acknowledged["acknowledged"]
                block["acknowledged_within_timescale"] = acknowledged["acknowledged_within_timescale"]
                late_ack_now[number] = acknowledged["entered_late"]
                averages[number] = (measures.average(responded["span_from_ack"], responded["ack_n"]),
                                    measures.average(responded["span_from_receipt"], responded["responded"]))
            counts[number][name] = block
            late[number][name] = responded["counted_late"]
            late_without[number][name] = responded["entered_late_within_code"]
        flow = t["flow"]["now"].of(number)
        open_counts[f"stage{number}"] = flow["started"] - flow["ended"]
    received = [(*dims, c["n"], c["refused"]) for (_, dims), c in t["cases"]["now"].rows.items()]
    stage2 = [(*dims, c["n"]) for (_, dims), c in t["stage2"]["now"].rows.items()]
    breakdown, other_kinds = _breakdown_from(received, stage2)
    themes = _themes_from([(dims[0], c["n"], c["refused"]) for (_, dims), c in t["themes"]["now"].rows.items()])
    by_tenure = {}
    for number in STAGES:
        by_tenure[number] = {}
        for tenure in (*TENURES, "not_recorded"):
            c = t["tenure"]["now"].of(number, (tenure,))
            within = c["within_timescale"] - c["counted_late"]
            by_tenure[number][tenure] = {"responded": c["responded"], "within_timescale": within,
                                         "within_timescale_percent": measures.share(within, c["responded"])}
    return _Parts(counts, averages, late, late_without, late_ack_now, breakdown, other_kinds,
                  {**open_counts, "total": sum(open_counts.values())}, themes,
                  t["responded"]["now"].of(2)["changed_from_stage1"], by_tenure)


#: Read the stage and case figures from the counts kept by month (False: count them live).
USE_TALLIES = True


def _compute(period: Period, *, with_three_years: bool, tallied: bool | None = None) -> dict:
    cal = landlord_calendar()
    homes = _homes(period.year)
    years = periods.previous_years(period.year, THREE_YEARS) if with_three_years else []
    named = {"now": period, **{str(y): periods.reporting_year(y) for y in years if y != period.year or period.quarter}}
    parts = (_tallied_parts if (USE_TALLIES if tallied is None else tallied) else _live_parts)(period, named, cal)
    stages: dict[int, dict] = {}
    three: dict[int, dict] = {y: {} for y in years}
    for number in STAGES:
        counts = parts.counts[number]
        stages[number] = _stage_block(
            number, counts["now"], parts.late[number]["now"], parts.breakdown[number], homes, period, parts.averages[number],
            late_without_now=parts.late_without[number]["now"], late_ack_now=parts.late_ack_now[number],
            changed=parts.changed_from_stage1,
        )
        stages[number]["within_timescale_by_tenure"] = parts.by_tenure[number]
        for year in years:
            name = str(year) if str(year) in named else "now"
            c = counts[name]
            within = c["within_timescale"] - parts.late[number][name]
            without = c["within_timescale_without_extensions"] - parts.late_without[number][name]
            three[year][f"stage{number}"] = {
                "received": c["received"],
                "responded": c["responded"],
                "within_timescale": within,
                "within_timescale_percent": measures.share(within, c["responded"]),
                "within_timescale_without_extensions": without,
                "within_timescale_without_extensions_percent": measures.share(without, c["responded"]),
            }
    figures = {
        "period": period.as_json_dict(),
        "homes": homes,
        "stage1": stages[1],
        "stage2": stages[2],
        "refused": _refused(period),
        "withdrawn": Case.objects.filter(_between("withdrawn_on", period), kind=Kind.COMPLAINT).count(),
        "open_at_end": parts.open_at_end,
        "themes": parts.themes,
        **parts.other_kinds,
        "compensation": _compensation(period),
        "satisfaction": _satisfaction(period),
        "hazards": _hazards(period),
    }
    if with_three_years:
        figures["three_year"] = [
            {"year": y, "label": periods.year_label(y), **three[y]} for y in years
        ]
    figures["definitions"] = {
        key: text for key, text in DEFINITIONS.items() if with_three_years or key != "three_year"
    }
    return figures


def satisfaction_counts(period: Period) -> dict[int, int]:
    """Survey answers (1 very dissatisfied … 5 very satisfied) for cases closed in the period."""
    from putright.portal.models import SurveyResponse

    return dict(
        SurveyResponse.objects.filter(case__closed_on__range=(period.start, period.end))
        .values_list("rating").annotate(n=Count("id")).order_by()
    )


def _hazards(period: Period) -> dict:
    """Awaab's Law figures for the period (putright/hazards/figures.py), as the documents show them."""
    from putright.hazards.figures import hazard_figures

    figures = hazard_figures(period.start, period.end)
    return {**figures, "as_of": timezone.localtime(figures["as_of"]).date().isoformat()}


def _satisfaction(period: Period) -> dict:
    from putright.portal.models import Satisfaction

    counts = satisfaction_counts(period)
    total = sum(counts.values())
    satisfied = sum(n for rating, n in counts.items() if rating >= Satisfaction.SATISFIED)
    return {
        "by_rating": {r.name.lower(): counts.get(r.value, 0) for r in Satisfaction},
        "total": total,
        "satisfied": satisfied,
        "satisfied_percent": measures.share(satisfied, total),
    }


def received_by_quarter(year: int) -> list[tuple[str, int, int]]:
    """(quarter, stage1.received, stage2.received) for each quarter of the year: the annual
    report's chart, from the counts kept by month (the same as counting case_filters' cases)."""
    from putright.performance import tallies

    quarters = {f"Q{q}": periods.quarter(year, q) for q in range(1, 5)}
    with transaction.atomic():
        tallies.refresh()
        counted = tallies.sums(["received"], quarters)["received"]
    return [(name, counted[name].of(1)["received"], counted[name].of(2)["received"]) for name in quarters]


def annual_figures(year: int) -> dict:
    """Every figure for the reporting year starting 1 April ``year``, with a three-year comparison."""
    return _figures(periods.reporting_year(year), with_three_years=True)


def quarter_figures(year: int, quarter: int) -> dict:
    """Every figure for quarter ``quarter`` (1–4) of the reporting year ``year``."""
    return _figures(periods.quarter(year, quarter), with_three_years=False)


# --- the cases behind a figure -------------------------------------------------------------------


def _period(year: int, quarter: int | None) -> Period:
    return periods.reporting_year(year) if quarter is None else periods.quarter(year, quarter)


def _cases_with_stage(number: int, q: Q) -> QuerySet:
    return Case.objects.filter(Exists(Stage.objects.filter(q, case_id=OuterRef("pk"), number=number)))


def case_filters(year: int, figure_key: str, *, quarter: int | None = None) -> QuerySet:
    """The cases behind a figure of ``annual_figures(year)`` (or ``quarter_figures``): a Case
    queryset whose count is the figure. ``figure_key`` is the figure's path in the JSON, such as
    ``stage1.received``, ``stage1.decisions.upheld``, ``stage2.changed_from_stage1``,
    ``refused.by_reason.over_12_months`` or ``refused.by_stage.stage2.total``.

    Raises KeyError for a key that names no countable figure.
    """
    period = _period(year, quarter)
    head, _, rest = figure_key.partition(".")
    if head in ("stage1", "stage2") and rest.startswith("within_timescale_by_tenure."):
        _, tenure, field = (rest.split(".") + [""])[:3]
        if tenure not in (*TENURES, "not_recorded") or field not in ("responded", "within_timescale"):
            raise KeyError(figure_key)
        return case_filters(year, f"{head}.{field}", quarter=quarter).filter(tenure="" if tenure == "not_recorded" else tenure)
    if head in ("stage1", "stage2") and rest:
        number = int(head[-1])
        if rest in ("within_timescale", "late"):
            late = [case_id for _, case_id, _ in _counted_late((number,), period, landlord_calendar())]
            if rest == "within_timescale":
                return _cases_with_stage(number, _stage_q(number, "within_timescale", period)).exclude(pk__in=late)
            responded_late = _between("responded_on", period) & Q(responded_on__gt=F("respond_by"))
            return Case.objects.filter(
                Q(Exists(Stage.objects.filter(responded_late, case_id=OuterRef("pk"), number=number))) | Q(pk__in=late)
            )
        if rest == "within_timescale_without_extensions":
            entered = [case_id for _, case_id, _, within_code in _entered_late((number,), period)[0] if within_code]
            return _cases_with_stage(number, _stage_q(number, rest, period)).exclude(pk__in=entered)
        if rest == "acknowledged_within_timescale":
            return _cases_with_stage(number, _stage_q(number, rest, period) & Q(acknowledgement_counts_late=False))
        if rest == "changed_from_stage1" and number == 2:
            return _cases_with_stage(2, _between("responded_on", period) & ~Q(decision=_stage1_decision()))
        return _cases_with_stage(number, _stage_q(number, rest, period))
    if head == "refused":
        refusals = Refusal.objects.filter(_between("refused_on", period), case_id=OuterRef("pk"))
        parts = rest.split(".")
        if parts[0] == "by_stage" and len(parts) >= 3 and parts[1] in ("stage1", "stage2"):
            refusals = refusals.filter(stage_number=int(parts[1][-1]))
            parts = parts[2:]
        if parts == ["total"]:
            return Case.objects.filter(Exists(refusals))
        if len(parts) == 2 and parts[0] == "by_reason" and parts[1] in REFUSAL_REASONS:
            return Case.objects.filter(Exists(refusals.filter(reason=parts[1])))
        if len(parts) >= 2 and parts[0] == "other_by_about":
            text = ".".join(parts[1:])
            other = refusals.filter(reason=RefusalReason.OTHER)
            return Case.objects.filter(Exists(other.filter(about="") if text == NOT_RECORDED else other.filter(about=text)))
        raise KeyError(figure_key)
    if figure_key == "withdrawn":
        return Case.objects.filter(_between("withdrawn_on", period), kind=Kind.COMPLAINT)
    if head == "open_at_end" and rest in ("stage1", "stage2", "total"):
        numbers = STAGES if rest == "total" else (int(rest[-1]),)
        stages = Stage.objects.filter(_open_q(period.end, numbers), case_id=OuterRef("pk"))
        return Case.objects.filter(Exists(stages))
    if head == "themes" and rest:
        return _cases_with_stage(1, _stage_q(1, "received", period)).filter(themes__name=rest)
    if head in ("service_requests", "compliments") and rest:
        kind = Kind.SERVICE_REQUEST if head == "service_requests" else Kind.COMPLIMENT
        cases = Case.objects.filter(_between("received_on", period), kind=kind)
        if rest == "total":
            return cases
        area = rest.removeprefix("by_service_area.")
        if area == rest:
            raise KeyError(figure_key)
        return cases.filter(service_area__isnull=True) if area == NOT_RECORDED else cases.filter(service_area__name=area)
    if head == "compensation":
        remedies = _financial_remedies(period)
        if rest == "total.cases":
            return Case.objects.filter(pk__in=remedies.values("case_id"))
        if rest.startswith("by_payment_method.") and rest.endswith(".cases"):
            method = rest.split(".")[1]
            return Case.objects.filter(pk__in=remedies.filter(payment_method=method).values("case_id"))
        raise KeyError(figure_key)
    raise KeyError(figure_key)
