"""Staff journeys in a real browser (Chromium), against a live PutRight server."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from putright.cases.models import Case
from putright.rules.lifecycle import State
from tests.browser.pages import CasePage, QueuePage, StepFormPage
from tests.browser.support import acknowledged_complaint, fresh_complaint, overdue_complaint, sign_in

OVERDUE = re.compile(r"\d+ working days? overdue")
# The elements that stick out past the right edge of a narrow screen, to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 2)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""


def test_it_lets_a_handler_find_an_overdue_case_and_acknowledge_it(page, handler, resident, other_resident, today):
    overdue = overdue_complaint(handler=handler, resident=resident, today=today)
    fresh = fresh_complaint(handler=handler, resident=other_resident, today=today)

    sign_in(page, handler)
    queue = QueuePage(page)
    expect(queue.heading).to_have_text("My cases")  # a handler lands on their own cases
    expect(queue.due_tag(overdue.reference)).to_have_text(OVERDUE)
    expect(queue.row(fresh.reference)).to_be_visible()

    queue.filter_due("Overdue")
    expect(queue.rows).to_have_count(1)
    expect(queue.row(overdue.reference)).to_be_visible()

    case_page = queue.open_case(overdue.reference)
    expect(case_page.heading).to_have_text(f"{overdue.reference}: Rita Patel")
    form = case_page.open_step("Define and acknowledge")
    expect(form.heading).to_have_text("Define and acknowledge")

    # The definition is left empty: the error summary takes focus and links to the field.
    form.fill("The outcomes the resident wants", "Fix the leak and apologise.")
    form.submit("Acknowledge")
    expect(page).to_have_title(re.compile(r"^Error: Define and acknowledge"))
    expect(form.error_summary).to_be_visible()
    expect(form.error_summary).to_be_focused()
    link = form.error_summary_links.filter(has_text="Enter what the resident is unhappy about")
    expect(link).to_have_attribute("href", "#id_definition")
    link.click()
    expect(form.field("What the resident is unhappy about")).to_be_focused()
    expect(form.field("The outcomes the resident wants")).to_have_value("Fix the leak and apologise.")

    form.fill("What the resident is unhappy about", "The kitchen leak was not repaired on time.")
    form.submit("Acknowledge")
    # Straight into the acknowledgement letter, drafted; the case page has the new timeline.
    expect(page).to_have_url(re.compile(r"/letters/\d+/$"))
    expect(case_page.success_banner).to_contain_text(f"Define and acknowledge: saved on {overdue.reference}.")
    case_page.goto_case(overdue.reference)
    expect(case_page.timeline.first).to_contain_text(re.compile(r"Stage 1 acknowledged on .*, late: due by"))
    expect(case_page.main).to_contain_text("The kitchen leak was not repaired on time.")
    assert Case.objects.get(pk=overdue.pk).state == State.STAGE1_ACKNOWLEDGED


def test_it_shows_oversight_everything_but_offers_no_steps(page, oversight, handler, resident, today):
    case = overdue_complaint(handler=handler, resident=resident, today=today)

    sign_in(page, oversight)
    queue = QueuePage(page)
    expect(queue.due_tag(case.reference)).to_have_text(OVERDUE)
    expect(page.get_by_role("link", name="Log a case")).to_have_count(0)

    case_page = queue.open_case(case.reference)
    expect(case_page.heading).to_contain_text(case.reference)
    expect(case_page.main).to_contain_text("My kitchen has been leaking for a month.")
    expect(case_page.steps_heading).to_have_count(0)
    expect(case_page.step_links).to_have_count(0)

    response = page.goto(f"/cases/{case.reference}/acknowledge/")
    assert response.status == 403
    response = page.goto("/cases/log/")
    assert response.status == 403
    assert Case.objects.get(pk=case.pk).state == State.STAGE1_LOGGED


def test_it_acknowledges_a_case_without_javascript(page_without_js, handler, resident, today):
    page = page_without_js
    case = overdue_complaint(handler=handler, resident=resident, today=today)

    sign_in(page, handler)
    case_page = CasePage(page).goto_case(case.reference)
    form = case_page.open_step("Define and acknowledge")
    form.submit("Acknowledge")
    expect(form.error_summary).to_be_visible()
    expect(form.error_summary_links.first).to_have_attribute("href", "#id_definition")

    form.fill("What the resident is unhappy about", "The kitchen leak was not repaired on time.")
    form.fill("The outcomes the resident wants", "Fix the leak.")
    form.submit("Acknowledge")
    expect(case_page.success_banner).to_contain_text(f"saved on {case.reference}")
    case_page.goto_case(case.reference)
    expect(case_page.timeline.first).to_contain_text("Stage 1 acknowledged on")
    assert Case.objects.get(pk=case.pk).state == State.STAGE1_ACKNOWLEDGED


def test_it_fits_a_320_pixel_screen_without_sideways_scrolling(narrow_page, manager, handler, resident, other_resident, today):
    page = narrow_page
    overdue = overdue_complaint(handler=handler, resident=resident, today=today)
    fresh_complaint(handler=handler, resident=other_resident, today=today)
    acknowledged = acknowledged_complaint(handler=handler, resident=resident, today=today)

    sign_in(page, manager)
    too_wide = {}
    for path in ["/cases/", f"/cases/{overdue.reference}/", f"/cases/{acknowledged.reference}/",
                 f"/cases/{overdue.reference}/acknowledge/"]:
        page.goto(path)
        width = StepFormPage(page).scroll_width()
        if width > 320 + 2:
            too_wide[path] = (width, page.evaluate(WIDEST))
    assert not too_wide, f"The page scrolls sideways at 320px: {too_wide}"
