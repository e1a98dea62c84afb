"""A self-assessment with answers of every kind and a year of cases behind it, for the publishing tests."""

from __future__ import annotations

import datetime as dt

from putright.reports.tests.histories import complaint, load
from putright.selfassessment.models import Answer, SelfAssessment
from putright.selfassessment.provisions import NUMBERS

YEAR = 2025
DAY = dt.date(2025, 6, 2)  # a Monday in 2025/26

UNANSWERED = ("1.2", "9.8")
EVIDENCE_6_2 = "Complaints policy, section 4.1.\nAudit of May 2025: every complaint logged the day it arrived."
COMMENTARY_6_3 = "Two late responses in the spring. Training for handlers by 30 September 2026."
# What the figures say, and what only staff see, for the cases loaded below.
SENTENCE_6_2 = "1 of 3 stage 1 complaints acknowledged within 5 working days in 2025/26; 2 late."
WARNING_6_2 = "Answered yes, but the figures show 2 late acknowledgements."
STAFF_ONLY_REFERENCE = "SA-EXT"  # an extension beyond the limit with no good reason: listed to staff under 6.4


def cases() -> None:
    load([
        complaint("SA-OK", DAY),
        complaint("SA-LATE", DAY, ack_after=9),
        complaint(STAFF_ONLY_REFERENCE, DAY, ack_after=8, extend_by=15, respond_after=24),
    ])


def answered(title: str = "Self-assessment 2025/26", *, year: int = YEAR, previous: SelfAssessment | None = None) -> SelfAssessment:
    """Every provision answered except UNANSWERED: 6.2 yes (the figures show late
    acknowledgements), 6.3 no with a commentary, 2.1 not applicable, the rest yes."""
    assessment = SelfAssessment.start(title=title, year=year, previous=previous)
    answers = {a.provision: a for a in assessment.answers.all()}
    for number in NUMBERS:
        answers[number].complies = "" if number in UNANSWERED else "yes"
    answers["2.1"].complies = "na"
    answers["6.2"].evidence = EVIDENCE_6_2
    answers["6.3"].complies = "no"
    answers["6.3"].commentary = COMMENTARY_6_3
    Answer.objects.bulk_update(answers.values(), ["complies", "evidence", "commentary"])
    return assessment
