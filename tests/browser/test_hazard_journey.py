"""Awaab's Law in a real browser: a damp-and-mould complaint, through a hazard report, to a
response letter that says which legal steps were met."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from putright.cases import actions
from putright.cases.tests.factories import points
from putright.hazards.models import HazardReport
from putright.letters.models import Letter
from putright.letters.tests.factories import landlord
from putright.rules.calendar import format_day
from tests.browser.pages import CasePage, StepFormPage
from tests.browser.support import acknowledged_complaint, assert_accessible, sign_in


def test_a_damp_complaint_through_a_hazard_report_to_the_response_letter(page, handler, resident, today):
    landlord()
    case = acknowledged_complaint(handler=handler, resident=resident, today=today)
    aware_on = case.received_on
    investigated_on = aware_on + dt.timedelta(days=1)
    made_safe_on = aware_on + dt.timedelta(days=2)

    sign_in(page, handler)
    case_page = CasePage(page).goto_case(case.reference)
    page.get_by_role("link", name="This is about a hazard").click()
    form = StepFormPage(page)
    expect(form.heading).to_have_text("This is about a hazard")
    assert_accessible(page, "raise a hazard report")
    form.fill_date("Date the landlord became aware", aware_on)
    form.fill("Time the landlord became aware", "09:15")
    form.fill("The home affected", "Flat 4, 12 River Street, RB1 2AA")
    form.submit("Raise the hazard report")
    expect(form.success_banner).to_contain_text("Hazard report raised")
    report = HazardReport.objects.get(case=case)
    expect(page.locator('tr[data-step="investigate_by"]')).to_contain_text(format_day(report.investigate_by)[4:])

    page.get_by_role("link", name="Record the investigation").click()
    form.fill_date("Date the investigation concluded", investigated_on)
    form.fill("Time it concluded", "10:00")
    form.fill("Who investigated", "Dana Price, damp surveyor")
    page.get_by_label("Significant hazard found").check()
    form.fill("Findings", "Mould on the external wall; the extractor fan has failed.")
    form.submit("Record the investigation")
    expect(page.locator('tr[data-step="investigate_by"]')).to_contain_text("Met")

    page.get_by_role("link", name="Record the safety work").click()
    form.fill_date("Date the work was done", made_safe_on)
    form.fill("Time it was finished", "15:00")
    form.fill("What was done", "Mould wash; new extractor fan.")
    form.submit("Record the safety work")
    expect(page.locator('tr[data-step="safety_work_by"]')).to_contain_text("Met")
    expect(page.locator('tr[data-step="summary_by"]')).to_contain_text("Overdue")  # never sent
    assert_accessible(page, "the hazard report")

    # The case page shows each step, met or missed.
    case_page.goto_case(case.reference)
    section = page.locator('tr[data-step="investigate_by"]')
    expect(section).to_contain_text("Met")

    # The handler answers the complaint (as on the respond form) and issues the response letter.
    actions.respond(case, responded_on=today, points=points(), actor=handler, today=today)
    case_page.goto_case(case.reference)
    page.get_by_role("button", name="Draft letter: stage 1 response").click()
    page.get_by_role("button", name="Save and check before issuing").click()  # issuing is its own step
    page.get_by_role("button", name="Issue letter").click()
    expect(page.get_by_role("link", name="View the letter as sent (HTML)")).to_be_visible()
    letter = Letter.objects.get(case=case, kind="stage1_response")
    page.goto(f"/letters/{letter.pk}/preview/")
    body = page.locator("body")
    expect(body).to_contain_text("The law on hazards in your home (Awaab's Law)")
    expect(body).to_contain_text(f"Investigate. Met: done {format_day(investigated_on)} 10:00")
    expect(body).to_contain_text(re.compile(r"Relevant safety work\. Met: done"))
    expect(body).to_contain_text(re.compile(r"Written summary of the findings to the tenant\. Missed: not yet done"))


def test_a_resident_reports_damp_and_sees_the_dates_the_law_gives(page):
    page.goto("/")
    page.get_by_role("link", name="Report damp or mould").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report damp or mould")
    assert_accessible(page, "report damp or mould")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tell us what you can see")
    page.get_by_label("What can you see?").fill("Black mould on the bedroom ceiling.")
    page.get_by_label("Your full name").fill("Rosa Ahmed")
    page.get_by_label("Phone number (optional)").fill("07700 900123")
    page.get_by_label("Your address").fill("Flat 2, 8 Mill Lane")
    page.get_by_label("Postcode").fill("RB2 9ZZ")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report sent")
    report = HazardReport.objects.get()
    expect(page.locator("main")).to_contain_text(f"{report.investigate_by:%A} {report.investigate_by.day} {report.investigate_by:%B %Y}")
    assert_accessible(page, "report sent")
