"""The portal with the keyboard alone, without JavaScript, and at 320 CSS pixels wide."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from playwright.sync_api import expect

from putright.cases import actions
from putright.cases.models import Case
from putright.cases.tests.factories import ack_kwargs, points
from putright.portal import access
from putright.rules.lifecycle import State
from tests.browser.portal_pages import PUT_RIGHT, WHAT_HAPPENED, ComplaintJourney, MyCasesPage, PortalCasePage
from tests.browser.portal_support import assert_no_horizontal_scroll, press_button, tab_to, type_into

CONTINUE = "button[value=continue]"


def test_a_resident_complains_and_escalates_with_the_keyboard_alone(page, handler, today):
    page.goto("/")
    press_button(page, "a.govuk-button--start")
    type_into(page, "#id_what_happened", WHAT_HAPPENED)
    press_button(page, CONTINUE)
    type_into(page, "#id_put_right", PUT_RIGHT)
    press_button(page, CONTINUE)
    type_into(page, "#id_when_0", "3")
    page.keyboard.press("Tab")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    press_button(page, CONTINUE)
    tab_to(page, "input[name=for_someone_else]")
    page.keyboard.press("Space")  # the first choice: for myself
    press_button(page, CONTINUE)
    type_into(page, "#id_name", "Kofi Mensah")
    page.keyboard.press("Tab")
    page.keyboard.type("kofi@example.org")
    press_button(page, CONTINUE)
    tab_to(page, "input[name=preferred_channel]")
    page.keyboard.press("Space")  # Email
    press_button(page, CONTINUE)
    tab_to(page, "input[name=preferred_format]:checked")  # Standard, chosen already
    page.keyboard.press("ArrowDown")  # Large print
    type_into(page, "#id_support", "I use a screen reader.")
    press_button(page, CONTINUE)
    press_button(page, CONTINUE)  # no files
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your complaint")
    press_button(page, "main form button.govuk-button")
    journey = ComplaintJourney(page)
    expect(journey.panel).to_contain_text("Complaint sent")
    reference = journey.reference()
    case = Case.objects.get(reference=reference)
    assert case.resident.preferred_format == "large_print" and "3 November 2026" in case.description

    # The stage 1 response goes out; the resident escalates, still by keyboard.
    actions.acknowledge(case, actor=handler, today=today, **ack_kwargs(acknowledged_on=today))
    actions.respond(case, responded_on=today, points=points(), actor=handler, today=today)
    token, _ = access.mint_token("kofi@example.org")
    page.goto(f"/track/link/{token}/")
    press_button(page, "main form button.govuk-button")  # the link signs in only when its button is pressed
    press_button(page, f"a[href='/my-cases/{reference}/']")
    press_button(page, f"a[href='/my-cases/{reference}/stage-2/']")
    press_button(page, "main form button.govuk-button")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("We have your request for stage 2")
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED


def test_the_portal_works_without_javascript(page_without_js, today):
    page = page_without_js
    journey = ComplaintJourney(page)
    journey.start()
    journey.continue_()  # nothing entered: the error summary, without JavaScript
    expect(journey.error_summary).to_contain_text("Tell us what has gone wrong")
    journey.what_happened()
    journey.put_right()
    journey.when(dt.date(2026, 10, 1))
    journey.someone_else()
    journey.your_details("Lena Novak", email="lena@example.org")
    journey.contact("Email")
    journey.support("Standard")
    journey.attachments([{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}])
    page.get_by_role("link", name="Change what you would like us to do").click()
    journey.put_right("Fix it this week.")
    expect(journey.heading).to_have_text("Check your answers before sending your complaint")
    expect(journey.main).to_contain_text("Fix it this week.")
    reference = journey.send()
    assert Case.objects.get(reference=reference).correspondence.get().attachments.get().name == "letter.pdf"

    # Sign in with an emailed code, still without JavaScript.
    page.goto("/track/")
    page.get_by_label("Email address").fill("lena@example.org")
    page.get_by_role("button", name="Email me a code").click()
    code = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()
    case_page = MyCasesPage(page).open_case(reference)
    expect(case_page.main).to_contain_text("letter.pdf")
    case_page.do("Add information or photos")
    page.get_by_label("What would you like to tell us?").fill("The leak is worse.")
    case_page.submit("Send")
    expect(case_page.success_banner).to_contain_text("We have added this")


def test_portal_pages_fit_320_css_pixels(narrow_page, handler, resident, today):
    page = narrow_page
    journey = ComplaintJourney(page)
    journey.start()
    assert_no_horizontal_scroll(page, "start, then what happened")
    journey.continue_()
    assert_no_horizontal_scroll(page, "what happened, with errors")
    journey.what_happened()
    journey.put_right()
    journey.continue_()
    assert_no_horizontal_scroll(page, "when, with errors")
    journey.when(None)
    journey.someone_else(yes=True)
    assert_no_horizontal_scroll(page, "their details")
    journey.field("Their full name").fill("Joan Smith")
    journey.field("Your relationship to them").fill("Daughter")
    journey.choose("They have agreed that I can complain for them")
    journey.continue_()
    journey.your_details("Ann Smith", email="ann.smith.with.a.long.address@example.org", address="Flat 12, Longname House\nVery Long Road Name", postcode="LS1 4AB")
    journey.contact("Email")
    journey.support("Large print", "Please write to me in large print.")
    assert_no_horizontal_scroll(page, "attachments")
    journey.attachments()
    assert_no_horizontal_scroll(page, "check answers")
    reference = journey.send()
    assert_no_horizontal_scroll(page, "confirmation")
    case = Case.objects.get(reference=reference)
    actions.acknowledge(case, actor=handler, today=today, **ack_kwargs(acknowledged_on=today))
    token, _ = access.mint_token("ann.smith.with.a.long.address@example.org")
    page.goto(f"/track/link/{token}/")
    assert_no_horizontal_scroll(page, "the private link's confirm button")
    page.get_by_role("button", name="Continue to your complaints").click()
    assert_no_horizontal_scroll(page, "my cases")
    PortalCasePage(page).goto_case(reference)
    assert_no_horizontal_scroll(page, "case")
    for path in ("/how-to-complain/", "/how-to-complain/stages/", "/how-to-complain/ombudsman/", "/published-reports/", "/track/"):
        page.goto(path)
        assert_no_horizontal_scroll(page, path)
