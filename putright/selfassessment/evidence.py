"""What the year's figures say about the provisions the data can speak to.

`evidence_for(year)` returns, per provision number, an `Evidence`: a sentence with the counts,
the counts themselves, the number of failures the data shows, and the key of the list of cases
behind it (a `putright.reports.queries.case_filters` key, shown at /reports/<year>/cases/<key>/).
`warning(evidence, complies)` says when an answer of "yes" is contradicted by the data.

Everything is counted from `annual_figures(year)` (one set of definitions, docs/reports.md),
except the few counts that figure set does not have (extensions beyond the Code's limit, stage 2
handled by the stage 1 handler, refusals without the Ombudsman's details), counted here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F

from putright.cases.models import Extension, Refusal, Stage
from putright.reports import periods
from putright.reports.queries import annual_figures
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason


@dataclass(frozen=True)
class Evidence:
    provision: str
    sentence: str
    counts: dict = field(default_factory=dict)
    failures: int = 0
    failure_text: str = ""  # "2 late acknowledgements": the failures with their count, for the warning
    list_key: str | None = None
    references: tuple[str, ...] = ()  # the cases behind the failures when no report list has them


def warning(evidence: Evidence | None, complies: str) -> str:
    if evidence is None or complies != "yes" or not evidence.failures:
        return ""
    return f"Answered yes, but the figures show {evidence.failure_text}."


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _acknowledged(n: int, block: dict, label: str) -> Evidence:
    total, within = block["acknowledged"], block["acknowledged_within_timescale"]
    late = total - within
    what = "stage 1 complaints" if n == 1 else "stage 2 escalation requests"
    return Evidence(
        provision="6.2" if n == 1 else "6.11",
        sentence=f"{within} of {total} {what} acknowledged within 5 working days in {label}; {late} late.",
        counts={"acknowledged": total, "within_timescale": within, "late": late},
        failures=late, failure_text=_plural(late, "late acknowledgement"),
        list_key=f"stage{n}.acknowledged",
    )


def _responded(n: int, block: dict, label: str) -> Evidence:
    total, within, late = block["responded"], block["within_timescale"], block["late"]
    days = block["timescales"]["respond_working_days"]
    what = "stage 1 responses" if n == 1 else "stage 2 (final) responses"
    return Evidence(
        provision="6.3" if n == 1 else "6.14",
        sentence=(f"{within} of {total} {what} sent in {label} were within the timescale "
                  f"({days} working days from acknowledgement, or an extension the Code allows); {late} late."),
        counts={"responded": total, "within_timescale": within, "late": late,
                "within_timescale_percent": block["within_timescale_percent"]},
        failures=late, failure_text=_plural(late, "late response"),
        list_key=f"stage{n}.late",
    )


def _extensions(n: int, block: dict, period, label: str) -> Evidence:
    beyond = (Extension.objects.filter(beyond_code_limit=True, stage__number=n,
                                       stage__responded_on__range=(period.start, period.end))
              .values_list("stage__case__reference", "good_reason").distinct().order_by())
    beyond = list(beyond)
    without_reason = sorted({ref for ref, reason in beyond if not reason.strip()})
    with_reason = len({ref for ref, reason in beyond}) - len(without_reason)
    limit = block["timescales"]["extension_limit_working_days"]
    return Evidence(
        provision="6.4" if n == 1 else "6.15",
        sentence=(f"{block['responded_with_extension']} of {block['responded']} stage {n} responses sent in {label} "
                  f"had been extended; {_plural(len(without_reason) + with_reason, 'extension')} went beyond the Code's "
                  f"limit of {limit} working days, {len(without_reason)} of them with no good reason recorded."),
        counts={"responded": block["responded"], "extended": block["responded_with_extension"],
                "beyond_limit": len(without_reason) + with_reason, "beyond_limit_without_reason": len(without_reason)},
        failures=len(without_reason),
        failure_text=_plural(len(without_reason), "extension") + " beyond the Code's limit with no good reason recorded",
        list_key=f"stage{n}.responded_with_extension",
        references=tuple(without_reason),
    )


def _same_handler(period, label: str) -> Evidence:
    stage2 = Stage.objects.filter(number=2, requested_on__range=(period.start, period.end))
    with_handler = stage2.filter(handler__isnull=False)
    same = with_handler.filter(
        case__stages__number=1, case__stages__handler=F("handler"),
    ).values_list("case__reference", flat=True).distinct().order_by("case__reference")
    refs = list(same)
    total = with_handler.count()
    return Evidence(
        provision="6.13",
        sentence=(f"{len(refs)} of {total} stage 2 complaints received in {label} with a handler recorded "
                  f"were handled by the person who handled stage 1."),
        counts={"stage2_with_handler": total, "same_handler": len(refs)},
        failures=len(refs), failure_text=_plural(len(refs), "stage 2 complaint") + " handled by the stage 1 handler",
        references=tuple(refs),
    )


def _refusals(figures: dict, period, label: str) -> list[Evidence]:
    refused = figures["refused"]
    parts = [f"{refused['by_reason'].get(r.value, 0)} {REFUSAL_REASON_LABELS[r][0].lower()}{REFUSAL_REASON_LABELS[r][1:]}"
             for r in RefusalReason]
    by_reason = Evidence(
        provision="2.2",
        sentence=f"{_plural(refused['total'], 'complaint')} refused in {label}, by reason: " + "; ".join(parts) + ".",
        counts={"total": refused["total"], **{r.value: refused["by_reason"].get(r.value, 0) for r in RefusalReason}},
        list_key="refused.total",
    )
    over = refused["by_reason"].get(RefusalReason.OVER_12_MONTHS.value, 0)
    time_limit = Evidence(
        provision="2.3",
        sentence=f"{_plural(over, 'complaint')} refused in {label} because the issue arose more than 12 months ago.",
        counts={"over_12_months": over}, list_key="refused.by_reason.over_12_months",
    )
    no_rights = sorted(set(Refusal.objects.filter(refused_on__range=(period.start, period.end), ombudsman_rights_given=False)
                           .values_list("case__reference", flat=True)))
    explained = Evidence(
        provision="2.4",
        sentence=(f"{_plural(refused['total'], 'complaint')} refused in {label}; for {len(no_rights)} of them the "
                  f"resident was not recorded as told of their right to go to the Ombudsman."),
        counts={"refused": refused["total"], "without_ombudsman_rights": len(no_rights)},
        failures=len(no_rights), failure_text=_plural(len(no_rights), "refusal") + " without the Ombudsman's details recorded",
        list_key="refused.total", references=tuple(no_rights),
    )
    stage2 = refused["by_stage"].get("stage2", {"total": 0})["total"]
    escalation = Evidence(
        provision="5.11",
        sentence=f"{_plural(stage2, 'escalation')} to stage 2 refused in {label}.",
        counts={"escalations_refused": stage2}, list_key="refused.by_stage.stage2.total",
    )
    return [by_reason, time_limit, explained, escalation]


def evidence_for(year: int, figures: dict | None = None) -> dict[str, Evidence]:
    """The data evidence for the reporting year starting 1 April ``year``, by provision number.

    ``figures``: that year's `annual_figures`, when the caller has counted them already."""
    if figures is None:
        figures = annual_figures(year)
    elif figures["period"] != periods.reporting_year(year).as_json_dict():
        raise ValueError(f"the figures given are for {figures['period']['label']}, not {periods.year_label(year)}")
    period = periods.reporting_year(year)
    label = periods.year_label(year)
    items = [
        _acknowledged(1, figures["stage1"], label),
        _responded(1, figures["stage1"], label),
        _extensions(1, figures["stage1"], period, label),
        _acknowledged(2, figures["stage2"], label),
        _same_handler(period, label),
        _responded(2, figures["stage2"], label),
        _extensions(2, figures["stage2"], period, label),
        *_refusals(figures, period, label),
    ]
    return {e.provision: e for e in items}
