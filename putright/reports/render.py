"""The reports as documents: the annual complaints performance and service improvement report
(Code 8.1 a-f, 8.2) and the quarterly board report (9.7 a-c), as HTML and as PDF.

Both read their figures from `queries` (the same numbers as the JSON), the Ombudsman figures
from `ombudsman.queries`, "you said, we did" from `learning.queries`, and the words a manager
wrote from `ReportNarrative`. Charts are Matplotlib SVG, embedded as data: URIs, so the PDF
(WeasyPrint, with the letters' data-only fetcher) never loads anything from outside.
"""

from __future__ import annotations

import datetime as dt
import re

from django.template.loader import render_to_string
from django.utils import timezone

from putright.cases.models import LandlordSettings
from putright.learning import queries as learning
from putright.ombudsman import queries as ombudsman
from putright.ombudsman.models import Determination
from putright.portal.models import PublishedReport, ReportKind, Satisfaction

from . import charts, compare, formatting, periods
from .models import ANNUAL_SECTIONS, QUARTER_SECTIONS, ReportNarrative
from .queries import DEFINITIONS, annual_figures, case_filters, quarter_figures, received_by_quarter, satisfaction_counts

REFUSAL_LABELS = {
    "over_12_months": "Raised more than 12 months after the resident became aware of the issue (2.2)",
    "legal_proceedings": "Legal proceedings had started (2.2)",
    "previously_considered": "Already considered under the complaints process (2.2)",
    "other": "Other reasons (2.2)",
}
DECISION_LABELS = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}

# Labels for the staff figures page; any other key is shown as it is in the JSON.
LABELS = {
    "received": "Received",
    "received_by_tenure": "Received, by tenure",
    "per_1000_homes": "Per 1,000 homes",
    "responded": "Responded to",
    "within_timescale": "Within the Code's timescale, with agreed extensions (CH02)",
    "within_timescale_percent": "Within timescale, with agreed extensions (%)",
    "within_timescale_without_extensions": "Within the Code's timescale, without extensions",
    "within_timescale_without_extensions_percent": "Within timescale, without extensions (%)",
    "late": "Late",
    "responded_with_extension": "Responded to with an extension",
    "acknowledged": "Acknowledged",
    "acknowledged_within_timescale": "Acknowledged within 5 working days",
    "acknowledged_within_timescale_percent": "Acknowledged within 5 working days (%)",
    "decisions": "Decisions",
    "decisions_percent": "Decisions (%)",
    "changed_from_stage1": "Stage 1 decision changed at stage 2",
    "average_working_days_to_respond": "Average working days to respond (from acknowledgement)",
    "average_working_days_from_receipt": "Average working days to respond (from receipt)",
    "service_areas": "By service area",
    "by_reason": "By reason",
    "by_stage": "By stage",
    "by_payment_method": "By payment method",
    "by_service_area": "By service area",
    "amount_gbp": "Amount (£)",
    **DECISION_LABELS,
}
SKIP = {"period", "homes", "definitions", "three_year", "timescales"}


def definition(key: str) -> str:
    """The definition of a figure: that of its longest prefix in DEFINITIONS, in words (the
    figures it names by their labels, not their keys)."""
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        text = DEFINITIONS.get(".".join(parts[:n]))
        if text:
            return in_words(text)
    return ""


SECTION_LABELS = {"stage1": "Stage 1", "stage2": "Stage 2"}


def figure_label(key: str) -> str:
    """A figure's key in words: "stage1.received_by_tenure.lcra" is "Stage 1: Received, by tenure: LCRA"."""
    top, *rest = key.split(".")
    names = [SECTION_LABELS.get(top, top.replace("_", " ").capitalize())]
    names += [LABELS.get(part, WORDS.get(part, part.replace("_", " "))) for part in rest]
    return ": ".join(names)


#: Words in the definitions that read like code, as a board member would say them.
WORDS = {"null": "not available", "lcra": "LCRA", "lcho": "LCHO", "not_recorded": "not recorded"}
_TOPS = sorted({k.split(".")[0] for k in DEFINITIONS if "." in k}, key=len, reverse=True)
_KEY = re.compile(rf"\b(?:{'|'.join(map(re.escape, _TOPS))})(?:\.[a-z0-9_]+)+\b") if _TOPS else None
_WORD = re.compile(rf"\b({'|'.join(map(re.escape, WORDS))})\b")


def in_words(text: str) -> str:
    """A definition with each figure's key replaced by its label in quotes, and null, lcra and
    the like in words."""
    if _KEY is not None:
        text = _KEY.sub(lambda m: f"“{figure_label(m.group(0))}”", text)
    return _WORD.sub(lambda m: WORDS[m.group(1)], text)


def has_cases(year: int, key: str, quarter: int | None) -> bool:
    try:
        case_filters(year, key, quarter=quarter)
    except (KeyError, ValueError):
        return False
    return True


def figure_rows(figures: dict, year: int, quarter: int | None = None) -> list[dict]:
    """Every figure as a row: key, label (with the path), value, definition, linkable.

    Grouped by the top-level section (``section`` set on its first row)."""
    rows: list[dict] = []

    def walk(prefix: str, value, depth: int, labels: list[str]):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v, depth + 1, labels + [LABELS.get(k, k.replace("_", " "))])
            return
        rows.append({
            "key": prefix,
            "label": ": ".join(labels[1:]) or labels[0],
            "value": value,
            "shown": shown(prefix, value),
            "definition": definition(prefix),
            "linked": value is not None and has_cases(year, prefix, quarter),
        })

    for top, value in figures.items():
        if top in SKIP:
            continue
        first = len(rows)
        walk(top, value, 0, [top.replace("_", " ").capitalize()])
        if len(rows) > first:
            rows[first]["section"] = {"stage1": "Stage 1", "stage2": "Stage 2"}.get(top, top.replace("_", " ").capitalize())
    return rows


def shown(key: str, value) -> str:
    """A figure as the page writes it: £12,345.00, 82.4%, 12,345; "not available" for None."""
    if value is None:
        return "not available"
    if key.endswith("amount_gbp"):
        return formatting.money(value)
    if key.endswith("_percent") or "_percent." in key:
        return formatting.percent(value)
    return formatting.number(value)


#: The figures page's tabs: (id, title, the top-level sections of the figures it holds).
FIGURE_TABS = (
    ("stage-1", "Stage 1", ("stage1",)),
    ("stage-2", "Stage 2", ("stage2",)),
    ("refused", "Refused, withdrawn and open", ("refused", "withdrawn", "open_at_end")),
    ("themes", "Themes, service requests and compliments", ("themes", "service_requests", "compliments")),
    ("compensation", "Compensation and satisfaction", ("compensation", "satisfaction")),
    ("hazards", "Awaab's Law hazards", ("hazards",)),
)


def figure_tabs(rows: list[dict]) -> list[dict]:
    """The rows of `figure_rows`, one table per section, grouped into the page's tabs; a section
    not named in FIGURE_TABS gets a tab of its own, so no figure is ever left off the page."""
    sections: list[dict] = []
    for row in rows:
        if row.get("section") or not sections:
            sections.append({"top": row["key"].split(".")[0], "title": row.get("section", ""), "rows": []})
        sections[-1]["rows"].append(row)
    tabs = [{"id": tab_id, "title": title, "sections": [s for s in sections if s["top"] in tops]}
            for tab_id, title, tops in FIGURE_TABS]
    named = {top for *_, tops in FIGURE_TABS for top in tops}
    tabs += [{"id": s["top"].replace("_", "-"), "title": s["title"], "sections": [s]} for s in sections if s["top"] not in named]
    return [t for t in tabs if t["sections"]]


SATISFACTION_DEFINITION = (
    "Answers to the satisfaction survey offered after closure (five-point scale), for cases closed in the "
    "period (the case's closure date), one answer per case; satisfied means satisfied or very satisfied. "
    "Survey feedback, not a complaint (1.6)."
)


def satisfaction_cases(period, rating: int | None = None):
    from putright.cases.models import Case

    cases = Case.objects.filter(closed_on__range=(period.start, period.end), survey__isnull=False)
    return cases if rating is None else cases.filter(survey__rating=rating)


def satisfaction(period) -> dict:
    """Survey answers (five-point scale) for cases closed in the period."""
    counts = satisfaction_counts(period)
    rows = [{"rating": r.value, "key": f"satisfaction.{r.value}", "label": r.label, "count": counts.get(r.value, 0)} for r in Satisfaction]
    total = sum(r["count"] for r in rows)
    satisfied = sum(r["count"] for r in rows if r["rating"] >= 4)
    return {"rows": rows, "total": total, "satisfied": satisfied, "definition": SATISFACTION_DEFINITION,
            "satisfied_percent": round(100 * satisfied / total, 1) if total else None}


def _narratives(year: int, sections: dict, prefix: str = "") -> list[dict]:
    texts = ReportNarrative.texts(year)
    return {k: {"key": prefix + k, "title": title, "help": help, "text": texts.get(prefix + k, "")} for k, (title, help) in sections.items()}


def _stage_table(figures: dict) -> list[dict]:
    return [figures["stage1"], figures["stage2"]]


TENURE_LABELS = {"lcra": "Low cost rental (LCRA)", "lcho": "Low cost home ownership (LCHO)", "not_recorded": "Tenure not recorded"}


def _tenure_rows(figures: dict) -> list[dict]:
    """CH01 and CH02 by tenure, one row per tenure and one for none recorded (never dropped)."""
    s1, s2 = figures["stage1"], figures["stage2"]
    return [
        {"label": label, "received1": s1["received_by_tenure"][key], "received2": s2["received_by_tenure"][key],
         "within1": s1["within_timescale_by_tenure"][key], "within2": s2["within_timescale_by_tenure"][key]}
        for key, label in TENURE_LABELS.items()
    ]


def _refused_summary(refused: dict) -> list[dict]:
    return [
        {"reason": REFUSAL_LABELS.get(k, k), "total": v,
         "stage1": refused["by_stage"]["stage1"]["by_reason"].get(k, 0), "stage2": refused["by_stage"]["stage2"]["by_reason"].get(k, 0)}
        for k, v in refused["by_reason"].items()
    ]


def _ombudsman(period, today: dt.date) -> dict:
    return {
        "findings": ombudsman.findings_counts(period.start, period.end),
        "rate": ombudsman.maladministration_rate(period.start, period.end),
        "rate_definition": ombudsman.MALADMINISTRATION_RATE_DEFINITION,
        "orders": ombudsman.orders_summary(period.start, period.end, today=today),
        "failure_orders": ombudsman.failure_orders_summary(period.start, period.end, today=today),
        "non_compliance": list(
            Determination.objects.filter(determined_on__range=(period.start, period.end), code_non_compliance=True)
            .select_related("ombudsman_case").order_by("determined_on", "id")
        ),
    }


def _self_assessment(period):
    """The self-assessment published for the year (8.1 a): built elsewhere; linked when recorded."""
    return (
        PublishedReport.objects.filter(kind=ReportKind.SELF_ASSESSMENT, published_on__gte=period.start)
        .order_by("published_on", "id").first()
    )


def _assessment_in_putright(year: int):
    """The latest self-assessment of the year approved by the governing body, with its answers
    counted (8.1 a), when it was kept in PutRight."""
    from django.db.models import Count, Q

    from putright.selfassessment.models import SelfAssessment

    return (
        SelfAssessment.objects.filter(year=year, approved_on__isnull=False)
        .annotate(
            yes=Count("answers", filter=Q(answers__complies="yes")),
            no=Count("answers", filter=Q(answers__complies="no")),
            na=Count("answers", filter=Q(answers__complies="na")),
        )
        .order_by("-approved_on", "-version")
        .first()
    )


def annual_context(year: int, *, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    period = periods.reporting_year(year)
    figures = annual_figures(year)
    received = received_by_quarter(year)
    s1, s2 = figures["stage1"], figures["stage2"]
    assessment = _assessment_in_putright(year)
    svg = {
        "received": charts.received_by_quarter(received),
        "timescale": charts.within_timescale([
            ("Stage 1", s1["within_timescale_percent"], s1["within_timescale_without_extensions_percent"]),
            ("Stage 2", s2["within_timescale_percent"], s2["within_timescale_without_extensions_percent"]),
        ]),
        "themes": charts.themes(figures["themes"]) if figures["themes"] else "",
    }
    return {
        "kind": "annual",
        "landlord": LandlordSettings.load(),
        "year": year,
        "period": period,
        "label": periods.year_label(year),
        "today": today,
        "f": figures,
        "stages": _stage_table(figures),
        "received_by_quarter": received,
        "refused_rows": _refused_summary(figures["refused"]),
        "tenure_rows": _tenure_rows(figures),
        "charts": {k: charts.data_uri(v) for k, v in svg.items() if v},
        "narrative": _narratives(year, ANNUAL_SECTIONS),
        "self_assessment": _self_assessment(period),
        "assessment": assessment,
        "assessment_sections": self_assessment_appendix(assessment, figures),
        "ombudsman": _ombudsman(period, today),
        "ombudsman_reports": PublishedReport.objects.filter(kind=ReportKind.OMBUDSMAN_REPORT, published_on__range=(period.start, period.end)),
        "improvements": list(learning.improvements_done(period.start, period.end)),
        "satisfaction": satisfaction(period),
    }


def quarter_context(year: int, quarter: int, *, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    period = periods.quarter(year, quarter)
    figures = quarter_figures(year, quarter)
    s1, s2 = figures["stage1"], figures["stage2"]
    svg = {
        "timescale": charts.within_timescale([
            ("Stage 1", s1["within_timescale_percent"], s1["within_timescale_without_extensions_percent"]),
            ("Stage 2", s2["within_timescale_percent"], s2["within_timescale_without_extensions_percent"]),
        ]),
        "themes": charts.themes(figures["themes"]) if figures["themes"] else "",
    }
    before_year, before_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    try:
        before = quarter_figures(before_year, before_quarter)
    except ValueError:  # before the first reporting year PutRight knows
        before = {}
    return {
        "kind": "quarter",
        "comparison": compare.compare(figures, before),
        "previous_label": f"{periods.year_label(before_year)} quarter {before_quarter}",
        "landlord": LandlordSettings.load(),
        "year": year,
        "quarter": quarter,
        "period": period,
        "label": f"{periods.year_label(year)} quarter {quarter}",
        "today": today,
        "f": figures,
        "stages": _stage_table(figures),
        "refused_rows": _refused_summary(figures["refused"]),
        "tenure_rows": _tenure_rows(figures),
        "charts": {k: charts.data_uri(v) for k, v in svg.items() if v},
        "narrative": _narratives(year, QUARTER_SECTIONS, prefix=f"q{quarter}."),
        "ombudsman": _ombudsman(period, today),
        "open_orders": list(ombudsman.open_orders(today)),
        "learning_areas": learning.learning_by_service_area(period.start, period.end),
        "improvements_open": learning.improvements_open(today),
        "improvements": list(learning.improvements_done(period.start, period.end)),
        "satisfaction": satisfaction(period),
    }


def annual_html(year: int, *, today: dt.date | None = None, ways_back: list[tuple[str, str]] | None = None) -> str:
    """The annual report; `ways_back` ((text, url) pairs) adds links back into PutRight at the
    top for staff reading it in the browser (never in the PDF or the file published)."""
    return render_to_string("reports/annual_document.html", {**annual_context(year, today=today), "ways_back": ways_back or []})


def quarter_html(year: int, quarter: int, *, today: dt.date | None = None, ways_back: list[tuple[str, str]] | None = None) -> str:
    return render_to_string("reports/quarter_document.html", {**quarter_context(year, quarter, today=today), "ways_back": ways_back or []})


def pdf_bytes(html: str) -> bytes:
    """The document as a PDF, the way letters are made: WeasyPrint reading data: URIs only."""
    from putright.letters import render as letters  # WeasyPrint loads only when a PDF is made

    return letters.pdf_bytes(html)


def self_assessment_appendix(assessment, figures: dict) -> list:
    """The approved self-assessment's table for the annual report's appendix (the same table as
    the published self-assessment, `selfassessment.publish`), counted from the report's own
    figures; empty when no version of the year is approved."""
    if assessment is None:
        return []
    from putright.selfassessment import publish

    return publish.sections(assessment, figures=figures)
