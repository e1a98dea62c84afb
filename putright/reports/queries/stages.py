"""The stage figures: counts by stage and period, working-day averages, breakdowns by tenure and
service area, and each stage's block of the JSON."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from putright.cases.models import Case, HomesOwned, ServiceArea, Stage
from putright.rules import deadlines
from putright.rules.calendar import WorkingCalendar
from putright.rules.lifecycle import Kind

from .. import measures
from ..periods import Period
from .definitions import DECISIONS, NOT_RECORDED, STAGES, TENURES
from .filters import (
    HEADLINE_KEYS,
    RESPONSE_CONDITIONS,
    RESPONSE_KEYS,
    _between,
    _count,
    _refused_unacknowledged,
    _span,
    _stage1_decision,
    _stage1_refused_cases,
    _stage_q,
)


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
