"""Learning and reporting: learning recorded (9.1), service improvements (9.2), the annual report
and its publication (8.1, 8.2), exceptional circumstances (8.5), the board reports (9.7)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q

from putright.learning.models import ImprovementStatus, LearningItem, ServiceImprovement
from putright.ombudsman.models import Determination, ExceptionalCircumstance
from putright.portal.models import PublishedReport, ReportKind
from putright.reports.models import ReportNarrative
from putright.reports import periods
from putright.reports.periods import Period

from ..models import SelfAssessment
from .base import Evidence, long_date, plural


def learning(responses: dict, period: Period, today: dt.date, label: str) -> list[Evidence]:
    """9.1 (learning recorded, and on the complaints upheld) and 9.2 (service improvements made, and
    those still to do). ``responses``: `stages.response_counts` of the year."""
    items = LearningItem.objects.filter(recorded_on__range=(period.start, period.end)).aggregate(
        items=Count("pk"), cases=Count("case_id", distinct=True))
    done = Q(status=ImprovementStatus.DONE, done_on__range=(period.start, period.end))
    not_done = ~Q(status=ImprovementStatus.DONE)
    # The join to the linked complaints repeats an improvement once per complaint: count distinct.
    improvements = ServiceImprovement.objects.aggregate(
        done=Count("pk", filter=done, distinct=True),
        cases=Count("cases", filter=done, distinct=True),
        open=Count("pk", filter=not_done, distinct=True),
        overdue=Count("pk", filter=not_done & Q(due_by__lt=today), distinct=True),
    )
    upheld = responses[1]["upheld"] + responses[2]["upheld"]
    learned = responses[1]["upheld_learned"] + responses[2]["upheld_learned"]
    return [
        Evidence(
            provision="9.1",
            sentence=(f"{plural(items['items'], 'learning item')} recorded in {label} on {plural(items['cases'], 'complaint')}; "
                      f"{learned} of the {upheld} stage 1 and 2 responses sent in {label} that upheld the complaint in full "
                      f"or in part are on complaints with learning recorded."),
            counts={"learning_items": items["items"], "complaints": items["cases"], "upheld_responses": upheld,
                    "upheld_with_learning": learned},
        ),
        Evidence(
            provision="9.2",
            sentence=(f"{plural(improvements['done'], 'service improvement')} from complaints made in {label}, linked to "
                      f"{plural(improvements['cases'], 'complaint')}; {improvements['open']} more planned or in progress now, "
                      f"{improvements['overdue']} of them past their due date."),
            counts=improvements,
        ),
    ]


def _written(texts: dict[str, str], key: str) -> bool:
    return bool(texts.get(key, "").strip())


def reports(year: int, figures: dict, improvements_done: int, period: Period, label: str) -> list[Evidence]:
    """8.1 (what the year's annual report in PutRight holds), 8.2 (the governing body's response,
    and what was recorded as published in the year after), 9.7 (the quarterly board reports)."""
    texts = ReportNarrative.texts(year)
    approved = (SelfAssessment.objects.filter(year=year, approved_on__isnull=False)
                .order_by("-approved_on", "-version").values_list("version", "approved_on").first())
    non_compliance = Determination.objects.filter(determined_on__range=(period.start, period.end), code_non_compliance=True).count()
    # The annual report of a year is published after it ends: look in the following year.
    following = periods.reporting_year(year + 1)
    after = (following.start, following.end)
    published = dict(
        PublishedReport.objects.filter(published_on__range=after, kind__in=(ReportKind.ANNUAL_REPORT, ReportKind.GOVERNING_BODY_RESPONSE))
        .values_list("kind").annotate(first=Min("published_on")).order_by()
    )

    def state(key: str) -> str:
        return "written" if _written(texts, key) else "not yet written"

    a = (f"self-assessment version {approved[0]}, approved by the governing body on {long_date(approved[1])}" if approved
         else "no self-assessment approved by the governing body yet")
    annual = Evidence(
        provision="8.1",
        sentence=(f"The {label} annual report in PutRight: a) {a}; b) the analysis {state('analysis')}, with "
                  f"{plural(figures['refused']['total'], 'refusal')} summarised by reason; c) "
                  f"{plural(non_compliance, 'Ombudsman finding')} of non-compliance with the Code; d) "
                  f"{plural(improvements_done, 'service improvement')} made; e) the section on the Ombudsman's annual "
                  f"report {state('ombudsman_annual_report')}; f) the section on other Ombudsman publications "
                  f"{state('ombudsman_publications')}."),
        counts={"self_assessment_approved": bool(approved), "analysis_written": _written(texts, "analysis"),
                "refused": figures["refused"]["total"], "code_non_compliance": non_compliance,
                "improvements_done": improvements_done,
                "ombudsman_annual_report_written": _written(texts, "ombudsman_annual_report"),
                "ombudsman_publications_written": _written(texts, "ombudsman_publications")},
    )

    def when(kind: str, name: str) -> str:
        return f"the {name} on {long_date(published[kind])}" if kind in published else f"no {name}"

    response = _written(texts, "governing_body_response")
    annual_report = when(ReportKind.ANNUAL_REPORT, "annual report")
    board_response = when(ReportKind.GOVERNING_BODY_RESPONSE, "governing body's response")
    publication = Evidence(
        provision="8.2",
        sentence=(f"The governing body's response to the {label} annual report is {'recorded' if response else 'not yet recorded'} "
                  f"in PutRight; recorded as published on the complaints page between {long_date(after[0])} and "
                  f"{long_date(after[1])}: {annual_report}, {board_response}."),
        counts={"governing_body_response_recorded": response,
                "annual_report_published": published.get(ReportKind.ANNUAL_REPORT),
                "governing_body_response_published": published.get(ReportKind.GOVERNING_BODY_RESPONSE)},
    )

    quarters = [q for q in range(1, 5) if _written(texts, f"q{q}.summary") or _written(texts, f"q{q}.issues_and_trends")]
    board = Evidence(
        provision="9.7",
        sentence=(f"The quarterly report for the board and the Member Responsible for Complaints has its written sections "
                  f"(the summary, issues and trends) filled in for {len(quarters)} of the 4 quarters of {label}"
                  + (": " + ", ".join(f"Q{q}" for q in quarters) + "." if quarters else ".")),
        counts={"quarters_written": len(quarters)},
    )
    return [annual, publication, board]


def exceptional(period: Period, label: str) -> Evidence:
    """Exceptional circumstances (8.5) overlapping the year: the periods the annual report lists
    (`ombudsman.queries.exceptional_circumstances_in`)."""
    row = ExceptionalCircumstance.objects.filter(
        Q(starts_on__lte=period.end) & (Q(ends_on__gte=period.start) | Q(ends_on__isnull=True))
    ).aggregate(
        total=Count("pk"),
        ombudsman=Count("pk", filter=Q(ombudsman_told_on__isnull=False)),
        residents=Count("pk", filter=Q(residents_told_on__isnull=False)),
        published=Count("pk", filter=Q(published_on__isnull=False)),
        incomplete=Count("pk", filter=Q(ombudsman_told_on__isnull=True) | Q(residents_told_on__isnull=True) | Q(published_on__isnull=True)),
    )
    if not row["total"]:
        return Evidence(provision="8.5", sentence=f"No exceptional circumstances stopping compliance with the Code were recorded for {label}.",
                        counts=row)
    return Evidence(
        provision="8.5",
        sentence=(f"{plural(row['total'], 'period')} of exceptional circumstances recorded for {label}, each with a date for "
                  f"returning to compliance; recorded as told to the Ombudsman: {row['ombudsman']}, told to affected residents: "
                  f"{row['residents']}, published: {row['published']}."),
        counts=row,
        failures=row["incomplete"],
        failure_text=(plural(row["incomplete"], "period") + " of exceptional circumstances without the Ombudsman told, "
                      "residents told and publication all recorded"),
    )
