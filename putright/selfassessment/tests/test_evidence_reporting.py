"""Evidence on learning and reporting: learning from complaints (9.1), service improvements (9.2),
the annual report and its publication (8.1, 8.2), exceptional circumstances (8.5) and the
quarterly board reports (9.7)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from putright.learning import actions as learning
from putright.ombudsman import actions as ombudsman
from putright.ombudsman.routing import Category
from putright.portal.models import PublishedReport, ReportKind
from putright.reports.tests.histories import complaint as imported_complaint
from putright.reports.tests.histories import load
from putright.rules.lifecycle import Decision
from putright.selfassessment import evidence as data
from putright.selfassessment.models import SelfAssessment

from .history import DAY, TODAY, answered, evidence


def test_it_counts_learning_against_the_complaints_upheld(handler):
    upheld = answered(handler, description="A")
    answered(handler, description="B")  # upheld, no learning
    load([imported_complaint("IMP-3", DAY, decision=Decision.NOT_UPHELD.value)])
    learning.record_learning(upheld, recorded_on=dt.date(2025, 6, 20), what_went_wrong="The repair was booked late.",
                             root_cause="No slots in the contractor's diary.", actor=handler, today=TODAY)
    learning.record_learning(upheld, recorded_on=dt.date(2025, 6, 23), what_went_wrong="Nobody called back.",
                             root_cause="The callback list was not shared.", actor=handler, today=TODAY)
    item = evidence()["9.1"]
    assert item.sentence == ("2 learning items recorded in 2025/26 on 1 complaint; 1 of the 2 stage 1 and 2 responses sent in "
                             "2025/26 that upheld the complaint in full or in part are on complaints with learning recorded.")
    assert item.counts == {"learning_items": 2, "complaints": 1, "upheld_responses": 2, "upheld_with_learning": 1}
    assert not item.failures  # learning is expected to be looked for, not recorded on every complaint


def improvements(handler):
    """Two improvements made in 2025/26 (one linked to two complaints), one planned and overdue,
    one planned and not yet due, one made in 2024/25."""
    first, second = answered(handler, description="A"), answered(handler, description="B")

    def add(title, due_by, cases=()):
        return learning.add_improvement(title=title, due_by=due_by, owner_name="Repairs", cases=cases, actor=handler, today=TODAY)

    def done(item, on):
        learning.update_improvement(item, status="done", done_on=on, you_said_we_did="You said slow; we added slots.",
                                    actor=handler, today=TODAY)

    done(add("More repair slots", dt.date(2025, 9, 1), [first, second]), dt.date(2025, 8, 28))
    done(add("Callback list", dt.date(2025, 10, 1), [first]), dt.date(2025, 10, 3))
    add("New letters", dt.date(2026, 1, 31))
    add("Training", dt.date(2027, 1, 31))
    done(add("Old one", dt.date(2025, 3, 1)), dt.date(2025, 3, 1))


def test_it_counts_service_improvements(handler):
    improvements(handler)
    item = evidence()["9.2"]
    assert item.sentence == ("2 service improvements from complaints made in 2025/26, linked to 2 complaints; 2 more planned "
                             "or in progress now, 1 of them past their due date.")
    assert item.counts == {"done": 2, "cases": 2, "open": 2, "overdue": 1}


def test_it_says_what_the_annual_report_holds_and_what_was_published(handler, manager, admin_user):
    found = evidence()
    assert found["8.1"].sentence == (
        "The 2025/26 annual report in PutRight: a) no self-assessment approved by the governing body yet; b) the analysis "
        "not yet written, with 0 refusals summarised by reason; c) 0 Ombudsman findings of non-compliance with the Code; "
        "d) 0 service improvements made; e) the section on the Ombudsman's annual report not yet written; f) the "
        "section on other Ombudsman publications not yet written."
    )
    assert found["8.2"].sentence == (
        "The governing body's response to the 2025/26 annual report is not yet recorded in PutRight; recorded as "
        "published on the complaints page between 1 April 2026 and 31 March 2027: no annual report, no governing "
        "body's response. The governing body is not yet recorded as receiving the 2025/26 annual report."
    )

    improvements(handler)
    case = answered(handler, description="C")
    oc = ombudsman.open_ombudsman_case(category=Category.COMPLAINT_HANDLING, opened_on=dt.date(2025, 7, 1), case=case,
                                       actor=handler, today=TODAY)
    ombudsman.record_determination(oc, determined_on=dt.date(2025, 11, 3), findings=[("Complaint handling", "maladministration")],
                                   code_non_compliance=True, actor=handler, today=TODAY)
    assessment = SelfAssessment.start(title="2025/26", year=2025)
    assessment.approve(on=dt.date(2026, 6, 10), response="Approved.")
    client = Client()
    client.force_login(manager)
    for section in ("analysis", "ombudsman_publications", "governing_body_response"):
        assert client.post(f"/reports/2025/narrative/{section}/", {"text": "Written."}).status_code == 302
    PublishedReport.objects.create(title="Complaints report 2025/26", kind=ReportKind.ANNUAL_REPORT, published_on=dt.date(2026, 7, 1))
    PublishedReport.objects.create(title="Board response", kind=ReportKind.GOVERNING_BODY_RESPONSE, published_on=dt.date(2026, 7, 2))
    PublishedReport.objects.create(title="Complaints report 2024/25", kind=ReportKind.ANNUAL_REPORT, published_on=dt.date(2025, 7, 1))

    found = evidence()
    assert found["8.1"].sentence == (
        "The 2025/26 annual report in PutRight: a) self-assessment version 1, approved by the governing body on "
        "10 June 2026; b) the analysis written, with 0 refusals summarised by reason; c) 1 Ombudsman finding of "
        "non-compliance with the Code; d) 2 service improvements made; e) the section on the Ombudsman's annual "
        "report not yet written; f) the section on other Ombudsman publications written."
    )
    assert found["8.2"].sentence == (
        "The governing body's response to the 2025/26 annual report is recorded in PutRight; recorded as published "
        "on the complaints page between 1 April 2026 and 31 March 2027: the annual report on 1 July 2026, the "
        "governing body's response on 2 July 2026. The governing body is not yet recorded as receiving the 2025/26 "
        "annual report."
    )
    assert not found["8.1"].failures and not found["8.2"].failures


def test_it_finds_exceptional_circumstances_not_yet_reported(admin_user):
    assert evidence()["8.5"].sentence == "No exceptional circumstances stopping compliance with the Code were recorded for 2025/26."
    incident = ombudsman.record_exceptional_circumstance(
        title="Cyber incident", description="Case records unavailable for three weeks.", starts_on=dt.date(2026, 3, 20),
        compliance_returns_by=dt.date(2026, 4, 30), ombudsman_told_on=dt.date(2026, 3, 21), actor=admin_user, today=TODAY)
    ombudsman.record_exceptional_circumstance(
        title="Flood", description="Office closed.", starts_on=dt.date(2025, 1, 6), ends_on=dt.date(2025, 2, 14),
        compliance_returns_by=dt.date(2025, 2, 14), actor=admin_user, today=TODAY)  # over before 2025/26
    item = evidence()["8.5"]
    assert item.sentence == ("1 period of exceptional circumstances recorded for 2025/26, each with a date for returning to "
                             "compliance; recorded as told to the Ombudsman: 1, told to affected residents: 0, published: 0.")
    assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 period of exceptional circumstances without "
                                         "the Ombudsman told, residents told and publication all recorded.")
    ombudsman.update_exceptional_circumstance(incident, residents_told_on=dt.date(2026, 3, 22), published_on=dt.date(2026, 3, 22),
                                              actor=admin_user, today=TODAY)
    assert data.warning(evidence()["8.5"], "yes") == ""


def test_it_counts_the_quarters_with_a_board_report_written(manager):
    assert evidence()["9.7"].counts == {"quarters_written": 0}
    client = Client()
    client.force_login(manager)
    for section in ("q1.summary", "q2.issues_and_trends", "q4.summary"):
        assert client.post(f"/reports/2025/narrative/{section}/", {"text": "Written."}).status_code == 302
    assert client.post("/reports/2025/narrative/q3.summary/", {"text": ""}).status_code == 302  # saved empty
    assert client.post("/reports/2024/narrative/q3.summary/", {"text": "Last year."}).status_code == 302
    item = evidence()["9.7"]
    assert item.sentence == ("The quarterly report for the board and the Member Responsible for Complaints has its written "
                             "sections (the summary, issues and trends) filled in for 3 of the 4 quarters of 2025/26: Q1, Q2, Q4.")
    assert not item.failures
