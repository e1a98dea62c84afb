"""axe-core (WCAG 2.2 A and AA) on every staff page, in the states people see them in."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from putright.cases import actions
from putright.cases.models import RemedyKind
from putright.residents.models import Adjustment, AdjustmentKind
from tests.browser.pages import CasePage, SignInPage, StepFormPage
from tests.browser.support import (
    acknowledged_complaint,
    assert_accessible,
    axe_violations,
    fresh_complaint,
    overdue_complaint,
    sign_in,
)


def test_it_passes_axe_on_sign_in_the_queue_and_case_pages(page, manager, handler, resident, other_resident, today):
    overdue = overdue_complaint(handler=handler, resident=resident, today=today)
    fresh_complaint(handler=None, resident=other_resident, today=today)
    acknowledged = acknowledged_complaint(handler=handler, resident=other_resident, today=today)
    # The flag box for adjustments shows on the case page (Code 5.10).
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Large print letters.",
                              review_by=today - dt.timedelta(days=1))

    problems = []
    signin = SignInPage(page).goto()
    problems += axe_violations(page, "sign in")
    page.get_by_role("button", name="Sign in").click()
    expect(signin.error_summary).to_be_visible()
    # Each field's own message is read out with the field, not only in the summary.
    expect(signin.username).to_have_accessible_description("Error: Enter your username")
    expect(signin.password).to_have_accessible_description("Error: Enter your password")
    problems += axe_violations(page, "sign in, nothing entered")
    signin.username.fill(manager.username)
    signin.password.fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(signin.error_summary).to_contain_text("Enter a correct username and password")
    problems += axe_violations(page, "sign in, wrong password")

    sign_in(page, manager)
    expect(page.get_by_role("table")).to_be_visible()
    problems += axe_violations(page, "queue")
    page.goto("/cases/?mine=1")
    problems += axe_violations(page, "queue, no cases")
    for case in (overdue, acknowledged):
        CasePage(page).goto_case(case.reference)
        problems += axe_violations(page, f"case page {case.reference} ({case.state})")
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)


REQUIRED_STEPS = {"acknowledge", "extend", "respond", "refuse", "remedy", "correspondence"}


def test_it_passes_axe_on_every_step_form_and_on_errors(page, manager, handler, resident, today):
    logged = overdue_complaint(handler=handler, resident=resident, today=today)
    acknowledged = acknowledged_complaint(handler=handler, resident=resident, today=today)
    actions.add_remedy(acknowledged, kind=RemedyKind.APOLOGY, description="A written apology.", due_by=today + dt.timedelta(days=7), actor=handler, today=today)
    actions.add_action(acknowledged, description="Treat the mould.", due_by=today + dt.timedelta(days=14), owner=handler, actor=handler)

    sign_in(page, manager)
    problems, visited = [], set()
    for case in (logged, acknowledged):
        case_page = CasePage(page).goto_case(case.reference)
        for href in case_page.step_hrefs():
            slug = href.rstrip("/").rsplit("/", 1)[-1]
            if slug in visited:  # the same form on another case: once is enough (axe is slow)
                continue
            page.goto(href)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            problems += axe_violations(page, f"{slug} ({case.state})")
            visited.add(slug)
    assert REQUIRED_STEPS <= visited, f"steps not offered: {REQUIRED_STEPS - visited}"

    # Forms with errors shown: every kind of field (date, textarea, select, checkbox) in error.
    for case, slug, button in [(logged, "acknowledge", "Acknowledge"), (acknowledged, "respond", "Record the response and write the letter"),
                               (acknowledged, "extend", "Extend")]:
        form = StepFormPage(page).goto_step(case.reference, slug)
        for box in page.locator(".govuk-date-input__input").all():
            box.fill("")
        form.submit(button)
        expect(form.error_summary).to_be_visible()
        problems += axe_violations(page, f"{slug} with errors")
        # A date's error links to its first box, which takes focus (a fieldset cannot).
        date_link = form.error_summary_links.filter(has_text="date").first
        date_link.click()
        expect(page.locator(".govuk-date-input__input").first).to_be_focused()
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)


def test_it_passes_axe_on_the_log_a_case_pages(page, handler, resident, today):
    sign_in(page, handler)
    page.goto("/cases/log/")
    assert_accessible(page, "log: find resident")
    page.get_by_label("Name, email, postcode or tenancy reference").fill("Rita")
    page.get_by_role("button", name="Find resident").click()
    expect(page.get_by_role("link", name="Log a case for Rita Patel")).to_be_visible()
    assert_accessible(page, "log: matches")
    page.get_by_role("link", name="Add a new resident and log a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a case")
    assert_accessible(page, "log: new resident")
    page.locator("main form").get_by_role("button", name="Log it").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "log: new resident, with errors")
