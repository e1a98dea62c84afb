"""The sources: each grouped query the figures are made of, counted from the case tables for the
days of a span and added up by month."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import Greatest

from putright.performance.tallies.spans import month_of

STAGES = (1, 2)

Key = tuple[str, int, str, dt.date]  # source, stage number, dims (JSON), month


def _count_span(start: dt.date, end: dt.date, cal) -> dict[Key, Counter]:
    """Every source's counts for the days from start to end, added up by month."""
    from putright.cases.models import Case, CaseTheme, Stage
    from putright.reports.queries import filters as q
    from putright.reports.periods import Period
    from putright.rules.lifecycle import Kind

    span = Period(start.year, None, start, end)
    out: dict[Key, Counter] = defaultdict(Counter)

    def add(source: str, number: int, dims: tuple, day: dt.date, **counts: int) -> None:
        out[source, number, json.dumps(list(dims)) if dims else "", month_of(day)].update(counts)

    stages = Stage.objects.filter(number__in=STAGES).order_by()
    refused_q = Q()
    for n in STAGES:
        refused_q |= Q(number=n) & q._refused_unacknowledged(n, since=start)
    for number, day, n, refused in (
        stages.filter(requested_on__range=(start, end)).values_list("number", "requested_on")
        .annotate(n=Count("number"), refused=q._count(refused_q))
    ):
        add("received", number, (), day, received=n - refused)
        add("flow", number, (), day, started=n)
    ended = (
        stages.filter(ended_on__isnull=False).annotate(end_day=Greatest("ended_on", "requested_on"))
        .filter(end_day__range=(start, end)).values_list("number", "end_day").annotate(n=Count("number"))
    )
    for number, day, n in ended:
        add("flow", number, (), day, ended=n)

    conditions = q.RESPONSE_CONDITIONS.values()
    for number, day, ack_n, *counts in (
        stages.filter(responded_on__range=(start, end)).values_list("number", "responded_on")
        .annotate(ack_n=q._count(Q(acknowledged_on__isnull=False)),
                  **{f"c{i}": q._count(c) if c else Count("number") for i, c in enumerate(conditions)})
    ):
        add("responded", number, (), day, ack_n=ack_n, **dict(zip(q.RESPONSE_KEYS, counts)))
    # Working days from receipt and from acknowledgement to each response, summed by response day
    # (W(b) - W(a), as queries.stages._working_day_averages sums them).
    spans = list(
        stages.filter(responded_on__range=(start, end))
        .values_list("number", "responded_on", "requested_on", "acknowledged_on").annotate(n=Count("number"))
    )
    days = {d for row in spans for d in row[1:4] if d}
    first = min(days, default=start)
    w = {day: cal.working_days_between(first, day) for day in days}
    for number, responded, requested, acknowledged, n in spans:
        counts = {"span_from_receipt": (w[responded] - w[requested]) * n}
        if acknowledged:
            counts["span_from_ack"] = (w[responded] - w[acknowledged]) * n
        add("responded", number, (), responded, **counts)
    late = q._counted_late(STAGES, span, cal)
    for number, _case_id, day in late:
        add("responded", number, (), day, counted_late=1)
    # CH02 by the case's tenure (queries.stages._within_by_tenure).
    for number, tenure, day, n, within in (
        stages.filter(responded_on__range=(start, end)).values_list("number", "case__tenure", "responded_on")
        .annotate(n=Count("number"), within=q._count(q.RESPONSE_CONDITIONS["within_timescale"]))
    ):
        add("tenure", number, (tenure or "not_recorded",), day, responded=n, within_timescale=within)
    tenures = dict(Case.objects.filter(pk__in={c for _, c, _ in late}).values_list("pk", "tenure")) if late else {}
    for number, case_id, day in late:
        add("tenure", number, (tenures.get(case_id) or "not_recorded",), day, counted_late=1)
    responses, acknowledgements = q._entered_late(STAGES, span)
    for number, _case_id, day, within_code in responses:
        if within_code:
            add("responded", number, (), day, entered_late_within_code=1)
    for number, day in acknowledgements:
        add("acknowledged", number, (), day, entered_late=1)
    changed = (
        Stage.objects.filter(responded_on__range=(start, end), number=2).exclude(decision=q._stage1_decision())
        .values_list("responded_on").annotate(n=Count("number")).order_by()
    )
    for day, n in changed:
        add("responded", 2, (), day, changed_from_stage1=n)

    for number, day, ack, within in (
        stages.filter(acknowledged_on__range=(start, end)).values_list("number", "acknowledged_on")
        .annotate(ack=Count("number"), within=q._count(Q(acknowledged_on__lte=F("acknowledge_by"))))
    ):
        add("acknowledged", number, (), day, acknowledged=ack, acknowledged_within_timescale=within)

    refused_cases = q._stage1_refused_cases(span)
    for kind, tenure, area, day, n, refused in (
        Case.objects.filter(received_on__range=(start, end), kind__in=[Kind.COMPLAINT, Kind.SERVICE_REQUEST, Kind.COMPLIMENT])
        .values_list("kind", "tenure", "service_area_id", "received_on")
        .annotate(n=Count("kind"), refused=Count("kind", filter=Q(kind=Kind.COMPLAINT, pk__in=refused_cases)))
        .order_by()
    ):
        add("cases", 0, (kind, tenure, area), day, n=n, refused=refused)
    for tenure, area, day, n in (
        Stage.objects.filter(q._stage_q(2, "received", span), number=2)
        .values_list("case__tenure", "case__service_area_id", "requested_on").annotate(n=Count("number")).order_by()
    ):
        add("stage2", 2, (tenure, area), day, n=n)
    for theme, day, n, refused in (
        CaseTheme.objects.filter(received_on__range=(start, end), kind=Kind.COMPLAINT)
        .values_list("theme_id", "received_on")
        .annotate(n=Count("case_id"), refused=Count("case_id", filter=Q(case_id__in=refused_cases)))
        .order_by()
    ):
        add("themes", 0, (theme,), day, n=n, refused=refused)
    return out
