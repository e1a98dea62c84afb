"""axe-core on the pages issue 12 added: the worklists, recording a step sent another way (and
its errors), the case page saying a response is recorded but not sent, and the late entries
reached from a manager's menu."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from putright.cases import actions
from putright.cases.tests import factories as f
from tests.browser.support import acknowledged_complaint, axe_violations, sign_in


def test_the_worklists_and_sent_another_way_pass_axe(page, manager, handler, resident, today):
    case = acknowledged_complaint(handler=handler, resident=resident, today=today)
    actions.add_action(case, description="Treat the mould.", due_by=today - dt.timedelta(days=3), owner=handler, actor=handler)
    actions.respond(case, responded_on=today, points=f.points(), actor=handler, today=today)

    sign_in(page, manager)
    problems = []
    page.get_by_role("link", name="Late entries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Steps recorded late or back-dated")
    page.goto("/cases/")
    page.locator("#worklist-counts").get_by_role("link", name="1 action overdue").click()
    expect(page.get_by_role("heading", name="Outstanding actions overdue (1)")).to_be_visible()
    problems += axe_violations(page, "worklists")

    page.goto(f"/cases/{case.reference}/")
    expect(page.get_by_text("Response recorded, letter not sent")).to_be_visible()
    problems += axe_violations(page, "case page, response not sent")
    page.goto(f"/cases/{case.reference}/sent-another-way/")
    problems += axe_violations(page, "sent another way")
    page.get_by_role("button", name="Record what was sent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the text that was sent, or what was said")
    problems += axe_violations(page, "sent another way, with errors")
    page.get_by_label("What was sent (the full text, or what was said)").fill("We upheld your complaint. You can ask for stage 2.")
    page.get_by_role("button", name="Record what was sent").click()
    expect(page.get_by_text("Response recorded, letter not sent")).to_have_count(0)
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)


def test_the_governance_pages_and_the_failure_order_form_pass_axe(page, manager, handler, resident, today):
    from putright.ombudsman import actions as ombudsman_actions

    case = acknowledged_complaint(handler=handler, resident=resident, today=today)
    oc = ombudsman_actions.open_ombudsman_case(category="property_condition", opened_on=today, case=case, actor=handler, today=today)
    sign_in(page, manager)
    problems = []
    page.goto("/governance/")
    problems += axe_violations(page, "governance")
    page.get_by_role("link", name="Name who holds a role").click()
    problems += axe_violations(page, "appoint")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += axe_violations(page, "appoint, with errors")
    page.goto("/governance/receipt/")
    problems += axe_violations(page, "receipt")
    page.goto(f"/ombudsman/{oc.pk}/failure-order/")
    problems += axe_violations(page, "failure order")
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)
