"""A handler's day in a real browser: the queue at 1280 px, searching from the header, and
axe-core on every new page and state (issue 16)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from putright.residents.models import Resident
from tests.browser.pages import QueuePage, StepFormPage
from tests.browser.support import acknowledged_complaint, assert_accessible, fresh_complaint, overdue_complaint, sign_in

# Elements whose right edge passes their scrolling box's: a table cut off or scrolling sideways.
OVERFLOW = """() => {
  const box = document.querySelector('.putright-table-scroll');
  return {scroll: box.scrollWidth, client: box.clientWidth, page: document.documentElement.scrollWidth,
          viewport: document.documentElement.clientWidth};
}"""


def test_the_queue_shows_every_column_at_1280px_without_scrolling(page, handler, other_handler, resident, today):
    long_name = Resident.objects.create(name="Bartholomew Fitzwilliam-Montgomery", phone="07700 900456")
    cases = [
        overdue_complaint(handler=handler, resident=resident, today=today),
        overdue_complaint(handler=handler, resident=long_name, today=today, description="The lift has been broken for weeks."),
        fresh_complaint(handler=handler, resident=resident, today=today),
        acknowledged_complaint(handler=handler, resident=long_name, today=today),
        fresh_complaint(handler=other_handler, resident=resident, today=today),
    ]
    sign_in(page, handler)
    queue = QueuePage(page)
    expect(queue.heading).to_have_text("My cases")
    expect(queue.rows).to_have_count(4)  # not the other handler's case
    for header in ("Case", "Received", "Resident", "What", "Where it is", "Handler", "Next deadline"):
        expect(queue.table.get_by_role("columnheader", name=re.compile(rf"^{header}"))).to_be_visible()
    sizes = page.evaluate(OVERFLOW)
    assert sizes["scroll"] <= sizes["client"], f"the table scrolls sideways at 1280 px: {sizes}"
    assert sizes["page"] <= sizes["viewport"], f"the page scrolls sideways at 1280 px: {sizes}"
    # One row per case: each row one line of text high (the tags included).
    heights = page.eval_on_selector_all("table.putright-queue tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)")
    assert max(heights) <= 64, heights  # at most two lines of text, however long the state or name
    # The counts at the top.
    counts = page.locator("#due-counts")
    expect(counts).to_contain_text("2 overdue")
    assert_accessible(page, "queue, my cases")

    # One control for everyone's cases; then sort by a column.
    page.get_by_role("link", name="All cases", exact=True).click()
    expect(queue.heading).to_have_text("All cases")
    expect(queue.rows).to_have_count(len(cases))
    page.get_by_role("link", name=re.compile(r"^Resident")).click()
    expect(queue.table.locator("th[aria-sort=ascending]")).to_contain_text("Resident")
    first = queue.rows.first.locator("td").nth(2)
    expect(first).to_have_text("Bartholomew Fitzwilliam-Montgomery")
    assert_accessible(page, "queue, all cases sorted by resident")


def test_it_finds_a_case_by_reference_and_a_resident_by_phone_from_the_header(page, handler, resident, today):
    resident.phone = "07700 900123"
    resident.save()
    case = overdue_complaint(handler=handler, resident=resident, today=today)
    other = fresh_complaint(handler=handler, resident=resident, today=today)

    sign_in(page, handler)
    page.goto(f"/cases/{other.reference}/")  # any staff page: the search is in the header
    search = page.get_by_role("search").get_by_role("searchbox")
    search.fill(case.reference.rsplit("-", 1)[1])  # "000001": the number alone
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/cases/{case.reference}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)

    search = page.get_by_role("search").get_by_role("searchbox")
    search.fill("+44 7700 900 123")  # spaced and written differently from the record
    page.get_by_role("search").get_by_role("button", name="Search").click()
    queue = QueuePage(page)
    expect(queue.heading).to_have_text("Cases matching “+44 7700 900 123”")
    expect(queue.rows).to_have_count(2)
    expect(queue.row(case.reference)).to_be_visible()
    expect(queue.row(other.reference)).to_be_visible()
    assert_accessible(page, "search results")

    search = page.get_by_role("search").get_by_role("searchbox")
    search.fill("07999 111222")
    search.press("Enter")
    expect(queue.main).to_contain_text("No case or resident matches “07999 111222”")
    assert_accessible(page, "search with no results")


def test_the_404_and_403_pages_are_the_landlords_own_and_accessible(page, oversight, handler, resident, today):
    case = fresh_complaint(handler=handler, resident=resident, today=today)
    response = page.goto("/survey/no-such-link/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the start")).to_be_visible()
    assert_accessible(page, "404 for a resident")

    sign_in(page, oversight)
    response = page.goto(f"/cases/{case.reference}/acknowledge/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page.locator("#reason")).to_have_text("Your role can read cases but not change them.")
    expect(page.get_by_role("search")).to_be_visible()
    assert_accessible(page, "403 for oversight")
    response = page.goto("/cases/PR-1999-000001/")
    assert response.status == 404
    page.get_by_role("link", name="Go to your cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All cases")


def test_it_edits_and_issues_a_letter_without_typing_markup(page, handler, resident, today):
    from putright.letters.models import Letter, LetterStatus
    from putright.letters.tests import factories as lf

    lf.landlord()
    case = acknowledged_complaint(handler=handler, resident=resident, today=today)
    sign_in(page, handler)
    page.goto(f"/cases/{case.reference}/")
    page.get_by_role("button", name=re.compile("Draft letter: stage 1 acknowledgement", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stage 1 acknowledgement")
    # The required parts are a fixed block between two plain-text boxes: nothing to keep intact.
    expect(page.locator("#required-parts")).to_contain_text("Mould in the back bedroom was not treated.")
    before = page.get_by_label("Wording before the parts the Code requires")
    expect(before).to_have_value(re.compile(r"^Dear Rita Patel,\n\nThank you"))
    assert "<p>" not in before.input_value() and "{{" not in before.input_value()
    assert_accessible(page, "letter draft")
    before.fill("Dear Rita Patel,\n\nThank you for telling us about the <b>mould</b>.")
    page.get_by_role("button", name="Save and check before issuing").click()

    # Issuing is its own step, saying it cannot be undone.
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue the stage 1 acknowledgement letter")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Issuing cannot be undone")
    assert_accessible(page, "issue letter step")
    page.get_by_role("button", name="Issue letter").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("issued and recorded")
    letter = Letter.objects.get(case=case)
    assert letter.status == LetterStatus.ISSUED
    assert "the <b>mould</b>." in letter.text  # typed as text, sent as text
    assert_accessible(page, "issued letter")


def test_it_responds_in_one_pass_from_the_definition_into_the_letter(page, handler, resident, today):
    from putright.cases import actions
    from putright.cases.models import Case, Remedy
    from putright.letters.tests import factories as lf
    from putright.rules.lifecycle import State

    lf.landlord()
    case = fresh_complaint(handler=handler, resident=resident, today=today)
    actions.acknowledge(
        case, acknowledged_on=today, definition="1. The kitchen leak was not repaired on time.\n2. Nobody called back.",
        outcomes_sought="Fix the leak.", responsible_for="The repair.", actor=handler, today=today,
    )
    sign_in(page, handler)
    page.goto(f"/cases/{case.reference}/")
    page.get_by_role("link", name="Record the response").click()
    # The points are the agreed definition's, already written.
    expect(page.get_by_label("Point 1 of the complaint")).to_have_value("The kitchen leak was not repaired on time.")
    expect(page.get_by_label("Point 2 of the complaint")).to_have_value("Nobody called back.")
    assert_accessible(page, "respond in one pass")

    page.get_by_role("button", name="Add another point").click()
    expect(page.get_by_label("Point 3 of the complaint")).to_have_value("")
    page.get_by_label("Point 3 of the complaint").fill("The contractor left a mess.")
    for i, decision in ((1, "Upheld"), (2, "Upheld"), (3, "Not upheld")):
        page.get_by_label(f"Decision on point {i}", exact=True).select_option(label=decision)
        page.get_by_label(f"Reasons for the decision on point {i}").fill(f"Reason {i}.")
    page.get_by_label("Remedy (optional)").select_option(label="Apologising")
    page.get_by_label("What will happen to put it right").fill("A written apology from the repairs manager.")
    page.get_by_role("button", name="Record the response and write the letter").click()
    # The Code wants a date for it (7.3): the error points at the remedy's own date boxes.
    expect(page.locator(".govuk-error-summary")).to_contain_text("(Code 7.3)")
    expect(page.locator(".govuk-error-summary a").first).to_have_attribute("href", "#id_remedy_due_by_0")
    assert_accessible(page, "respond in one pass, with an error")
    StepFormPage(page).fill_date("Remedy to be done by", today + dt.timedelta(days=7))
    page.get_by_role("button", name="Record the response and write the letter").click()

    # Straight into the drafted response letter, with the remedy in its required parts.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stage 1 response")
    expect(page.locator("#required-parts")).to_contain_text("A written apology from the repairs manager.")
    assert_accessible(page, "response letter draft")
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.STAGE1_RESPONDED
    assert case.stage(1).points.count() == 3 and Remedy.objects.filter(case=case).count() == 1
