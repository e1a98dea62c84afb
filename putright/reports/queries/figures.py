"""All the figures for a year or a quarter, assembled in one transaction from the parts counted
live or read from the counts kept by month."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case
from putright.rules.calendar import WorkingCalendar
from putright.rules.lifecycle import Kind

from .. import measures, periods
from ..periods import Period
from .definitions import DEFINITIONS, STAGES, TENURES, THREE_YEARS
from .filters import HEADLINE_KEYS, RESPONSE_KEYS, _between, _counted_late, _entered_late, _span
from .outcomes import _compensation, _hazards, _open_at_end, _refused, _satisfaction, _themes, _themes_from
from .stages import _breakdown_from, _changed_from_stage1, _homes, _received_breakdown, _stage_block, _stage_counts, _within_by_tenure


def _figures(period: Period, *, with_three_years: bool, tallied: bool | None = None) -> dict:
    """All the figures, read in one transaction so they agree with each other."""
    # (No just-in-time compilation on PostgreSQL: every connection has it off, performance.nojit.)
    with transaction.atomic():
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
