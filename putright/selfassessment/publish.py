"""The self-assessment as the landlord publishes it: the Ombudsman's table, as a web page, a PDF
and a CSV to paste into the Ombudsman's spreadsheet.

The published table has one row per provision 1.2 to 9.8, section by section, with the columns
of the Ombudsman's template: Code provision, Code requirement, Comply with the Code
(Yes/No/N/A), Evidence, Commentary / explanation and any action to be taken. The evidence is the
manager's text followed by the sentence the year's figures give (`evidence/`), so the reader
sees the counts. What is for staff only stays out: the warnings where a "yes" is contradicted by
the figures, the links to the cases and the case references. An unanswered provision says "Not
answered", so a gap shows.

The figures are worked out when the document is made, from the records as they are then (as on
the staff page); the answers are those of the version.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from putright.protect import csvsafe
from putright.cases.models import LandlordSettings
from putright.reports import periods

from . import evidence as data
from .models import Complies, SelfAssessment
from .provisions import PROVISIONS

CSV_COLUMNS = ("section", "provision", "requirement", "complies", "evidence", "data_evidence", "commentary")
NOT_ANSWERED = "Not answered"
# The Ombudsman's column reads "Yes/No/N/A"; the staff pages say "Not applicable" in full.
COMPLIES_LABELS = {Complies.YES: "Yes", Complies.NO: "No", Complies.NOT_APPLICABLE: "N/A"}
DRAFT = "DRAFT – not yet approved by the governing body"


@dataclass(frozen=True)
class Row:
    provision: str
    requirement: str
    complies: str  # "yes", "no", "na", or "" when not answered
    evidence: str  # the manager's words
    data_evidence: str  # the sentence from the year's figures, or ""
    commentary: str

    @property
    def complies_label(self) -> str:
        return COMPLIES_LABELS.get(self.complies, NOT_ANSWERED)

    @property
    def answered(self) -> bool:
        return self.complies in COMPLIES_LABELS


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    rows: tuple[Row, ...]

    @property
    def caption(self) -> str:
        return f"Section {self.number}: {self.title}"


def sections(assessment: SelfAssessment, *, figures: dict | None = None) -> list[Section]:
    """The published table, section by section, in the Code's order.

    ``figures``: the year's `annual_figures`, when the caller has them already (the annual report),
    so they are not counted twice."""
    answers = assessment.answers_by_number()
    found = data.evidence_for(assessment.year, figures=figures)
    grouped: dict[int, tuple[str, list[Row]]] = {}
    for number, title, text in PROVISIONS:
        answer = answers.get(number)
        item = found.get(number)
        row = Row(
            provision=number,
            requirement=text,
            complies=answer.complies if answer and answer.complies in COMPLIES_LABELS else "",
            evidence=answer.evidence.strip() if answer else "",
            data_evidence=item.sentence if item else "",
            commentary=answer.commentary.strip() if answer else "",
        )
        grouped.setdefault(int(number.split(".")[0]), (title, []))[1].append(row)
    return [Section(n, title, tuple(rows)) for n, (title, rows) in grouped.items()]


def landlord_name() -> str:
    """The landlord's name from the landlord settings, or "" while it is still the placeholder."""
    landlord = LandlordSettings.load()
    placeholder = LandlordSettings._meta.get_field("name").default
    name = (landlord.name or "").strip()
    return "" if name == placeholder else name


def file_name(assessment: SelfAssessment, extension: str) -> str:
    """``self-assessment-2024-25-v2.pdf``."""
    return f"self-assessment-{periods.year_label(assessment.year).replace('/', '-')}-v{assessment.version}.{extension}"


def status(assessment: SelfAssessment) -> str:
    """One line: which version, and whether the governing body approved it."""
    when = f"approved by the governing body on {assessment.approved_on:%-d %B %Y}" if assessment.is_approved else DRAFT
    return f"{periods.year_label(assessment.year)} self-assessment “{assessment.title}”, version {assessment.version}: {when}"


def context(assessment: SelfAssessment, *, today: dt.date | None = None) -> dict:
    table = sections(assessment)
    return {
        "assessment": assessment,
        "landlord_name": landlord_name(),
        "label": periods.year_label(assessment.year),
        "period": periods.reporting_year(assessment.year),
        "sections": table,
        "unanswered": sum(1 for s in table for r in s.rows if not r.answered),
        "draft": DRAFT,
        "today": today or timezone.localdate(),
    }


def html(assessment: SelfAssessment, *, today: dt.date | None = None) -> str:
    """One self-contained page: the styles inside it, nothing loaded from elsewhere."""
    return render_to_string("selfassessment/document.html", context(assessment, today=today))


def pdf(assessment: SelfAssessment, *, today: dt.date | None = None) -> bytes:
    from putright.reports.render import pdf_bytes  # WeasyPrint loads only when a PDF is made

    return pdf_bytes(html(assessment, today=today))


def csv_text(assessment: SelfAssessment) -> str:
    """One row per provision in the Code's order, under CSV_COLUMNS; UTF-8 when encoded.

    ``complies`` is yes, no, na, or empty when not answered (the published page says "Not
    answered"); the figures' sentence is its own column so it can go in the Evidence cell or not."""
    out = io.StringIO()
    writer = csvsafe.writer(out)  # formula-safe (putright/protect/csvsafe.py)
    writer.writerow(CSV_COLUMNS)
    for section in sections(assessment):
        for row in section.rows:
            writer.writerow([section.number, row.provision, row.requirement, row.complies, row.evidence,
                             row.data_evidence, row.commentary])
    return out.getvalue()


def choose(year: int, version: int | None = None) -> SelfAssessment:
    """The version to publish for a reporting year.

    Given a version number: that version of the year. Otherwise the one the annual report
    appends (the latest approval), or, when none is approved, the latest version. Raises
    SelfAssessment.DoesNotExist with a sentence saying what there is."""
    of_year = SelfAssessment.objects.filter(year=year)
    label = periods.year_label(year)
    if version is not None:
        found = of_year.filter(version=version).order_by("-created_at", "-pk").first()
        if found is None:
            versions = sorted(set(of_year.values_list("version", flat=True)))
            there = f"versions for {label}: {', '.join(map(str, versions))}" if versions else f"there is no self-assessment for {label}"
            raise SelfAssessment.DoesNotExist(f"there is no version {version} of the {label} self-assessment ({there})")
        return found
    found = (of_year.filter(approved_on__isnull=False).order_by("-approved_on", "-version").first()
             or of_year.order_by("-version", "-created_at", "-pk").first())
    if found is None:
        others = sorted(set(SelfAssessment.objects.values_list("year", flat=True)))
        there = f"years with one: {', '.join(periods.year_label(y) for y in others)}" if others else "none has been started"
        raise SelfAssessment.DoesNotExist(f"there is no self-assessment for {label} ({there})")
    return found
