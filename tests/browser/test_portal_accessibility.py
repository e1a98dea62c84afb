"""axe-core (WCAG 2.2 A/AA) on every portal page and every error state, in a real browser.

The portal's URL patterns are enumerated: a page added later fails this test until it is
visited here (or listed as not being an HTML page).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.base import ContentFile
from playwright.sync_api import expect

from putright.cases import actions
from putright.cases.models import LandlordSettings
from putright.cases.tests.factories import ack_kwargs, points
from putright.portal import access
from putright.portal.models import PublishedReport, ReportKind
from putright.portal.urls import urlpatterns
from putright.rules.lifecycle import Kind
from tests.browser.portal_pages import ComplaintJourney, PortalCasePage
from tests.browser.support import assert_accessible

# Patterns that answer with a file or a redirect, never a page of their own.
NOT_PAGES = {"attachment", "report-file", "sign-out", "link", "representative"}  # representative: the POST of a button on "case"


def _closed_and_responded(resident, handler, today):
    def complaint(description):
        case = actions.log_case(kind=Kind.COMPLAINT, received_on=today, description=description, resident=resident, actor=handler, today=today)
        actions.acknowledge(case, actor=handler, today=today, **ack_kwargs(acknowledged_on=today))
        actions.respond(case, responded_on=today, points=points(), actor=handler, today=today)
        actions.add_correspondence(case, direction="out", occurred_on=today, subject="Stage 1 response",
                                   files=[actions.NewFile("response.pdf", "application/pdf", b"%PDF-1.4")], actor=handler, today=today)
        # The response counts as sent once recorded as sent (docs/deadlines.md, "Recorded is not sent").
        actions.send_another_way(case, step="response", sent_on=today, method="letter", actor=handler, today=today,
                                 text="Our stage 1 response: we upheld your complaint.")
        return case

    responded = complaint("The lift has been broken for a month.")
    closed = complaint("The bins were not collected.")
    actions.close(closed, closed_on=today, actor=handler, today=today)
    return responded, closed


def test_every_portal_page_and_error_state_has_no_axe_violations(page, handler, resident, today, monkeypatch):
    landlord = LandlordSettings.load()
    landlord.is_council, landlord.complaints_phone, landlord.complaints_email = True, "0300 123 4567", "complaints@landlord.example"
    landlord.save()
    report = PublishedReport(title="Complaints report 2025/26", kind=ReportKind.ANNUAL_REPORT, published_on=dt.date(2026, 6, 30))
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    visited: set[str] = set()

    def check(name: str, what: str = "") -> None:
        assert_accessible(page, what or name)
        visited.add(name)

    def error_state(name: str, button: str = "Continue") -> None:
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: "))
        check(name, f"{page.url} with errors")

    # The information pages.
    for name, path in (("start", "/"), ("how-to-complain", "/how-to-complain/"), ("stages", "/how-to-complain/stages/"),
                       ("ombudsman", "/how-to-complain/ombudsman/"), ("reports", "/published-reports/")):
        page.goto(path)
        check(name, path)

    # The complaint journey (for someone else, so every question appears), each page empty first.
    journey = ComplaintJourney(page)
    journey.start()
    check("question", "what has gone wrong")
    error_state("question")
    journey.what_happened()
    check("question", "put right")
    journey.put_right("")
    check("question", "when")
    error_state("question")
    journey.fill_date(today + dt.timedelta(days=3))
    error_state("question")  # a date in the future
    page.get_by_label("Day").fill("")
    page.get_by_label("Month").fill("")
    page.get_by_label("Year").fill("")
    journey.when(None)
    check("question", "someone else")
    error_state("question")
    journey.someone_else(yes=True)
    check("question", "their details")
    error_state("question")
    journey.field("Their full name").fill("Joan Smith")
    journey.field("Your relationship to them").fill("Daughter")
    journey.choose("They have agreed that I can complain for them")
    journey.continue_()
    check("question", "your details")
    error_state("question")
    journey.your_details("Ann Smith", phone="07700 900123")
    check("question", "contact")
    error_state("question")
    journey.choose("Email")
    error_state("question")  # no email address was given
    journey.contact("Phone")
    check("question", "support")
    journey.support("Standard")
    check("question", "attachments")
    journey.field("Upload photos or documents (optional)").set_input_files([{"name": "run.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"}])
    error_state("question")
    journey.field("Upload photos or documents (optional)").set_input_files([{"name": "damp.png", "mimeType": "image/png", "buffer": b"\x89PNG"}])
    page.get_by_role("button", name="Upload and add another").click()
    expect(page.get_by_role("button", name="Remove damp.png")).to_be_visible()
    check("question", "attachments with a file")
    journey.continue_()
    check("check-answers")
    # Sending fails: the error state keeps the answers.
    from putright.portal.views import complain

    monkeypatch.setattr(complain, "submit", lambda journey, today: (_ for _ in ()).throw(RuntimeError("database down")))
    page.get_by_role("button", name="Send complaint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("your complaint was not sent")
    check("check-answers", "check answers after a failure")
    monkeypatch.undo()
    journey.send()
    check("sent")

    # Signing in, with its error states.
    page.goto("/track/")
    check("sign-in")
    error_state("sign-in", "Email me a code")
    page.get_by_label("Email address").fill(resident.email)
    page.get_by_role("button", name="Email me a code").click()
    check("code")
    error_state("code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    check("code", "wrong code")
    page.goto("/track/link/not-a-real-token/")
    check("link", "a link that does not work")

    # A resident's cases and what they can do.
    responded, closed = _closed_and_responded(resident, handler, today)
    token, _ = access.mint_token(resident.email)
    page.goto(f"/track/link/{token}/")
    check("link", "the private link's confirm button")
    page.get_by_role("button", name="Continue to your complaints").click()
    check("my-cases")
    case_page = PortalCasePage(page).goto_case(responded.reference)
    check("case")
    for link, button, name, has_error in (
        ("Add information or photos", "Send", "add-information", True),
        ("Tell us you have not received our response", "Send", "not-received", False),
        ("Ask us to look at it again (stage 2)", "Ask for stage 2", "stage-two", False),
    ):
        case_page.goto_case(responded.reference).do(link)
        check(name)
        if has_error:
            error_state(name, button)
    case_page.goto_case(closed.reference)
    check("case", "a closed case")
    case_page.do("Tell us how we did (a short survey)")
    check("survey")
    error_state("survey", "Send feedback")
    # The question a resident is asked when someone complained for them (security: consent).
    from putright.cases.tests.factories import log_complaint
    from putright.residents.models import Representative

    rep = Representative.objects.create(resident=resident, name="Ann Patel", email="ann@example.org", consent_given_on=today)
    claimed = log_complaint(resident=resident, representative=rep, today=today)
    case_page.goto_case(claimed.reference)
    expect(page.get_by_role("heading", name="Does Ann Patel act for you?")).to_be_visible()
    check("case", "the question whether a representative acts for the resident")

    pages = {p.name for p in urlpatterns} - NOT_PAGES
    assert visited >= pages, f"not checked: {sorted(pages - visited)}"
