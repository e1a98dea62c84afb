"""Triage in a real browser: the suggestion and the words behind it when logging a case, and the
offer to complain on the residents' site (Code 1.3). axe-core checks each page as shown."""

from __future__ import annotations

from playwright.sync_api import expect

from putright.cases.models import Case, Theme
from tests.browser.support import axe_violations, sign_in

UNHAPPY = "I have reported the damp in my bedroom three times since June and nobody has come. The mould is back."


def test_logging_a_case_shows_the_suggestion_and_its_reason(page, handler, resident):
    damp = Theme.objects.create(name="Damp and mould")
    sign_in(page, handler)
    page.goto(f"/cases/log/?resident={resident.pk}")
    page.get_by_label("What the resident said, in their own words").fill(UNHAPPY)
    page.get_by_role("button", name="Suggest what it is from their words").click()

    banner = page.locator("#triage-suggestion")
    expect(banner).to_contain_text("This reads as a complaint")
    expect(banner).to_contain_text("about damp and mould")
    expect(banner.locator("mark").first).to_be_visible()
    expect(banner).to_contain_text("three times since June")
    expect(banner).to_contain_text("you decide")
    expect(page.get_by_label("A complaint: the resident is unhappy with our service")).to_be_checked()
    expect(page.get_by_label("Damp and mould")).to_be_checked()
    expect(page.get_by_label("What the resident said, in their own words")).to_have_value(UNHAPPY)
    assert Case.objects.count() == 0  # a suggestion saves nothing
    assert axe_violations(page, "log a case with a suggestion") == []

    # The handler confirms (or changes) and logs it.
    page.get_by_role("radio", name="Phone", exact=True).check()  # the channel, not how consent was given
    page.get_by_role("button", name="Log it").click()
    expect(page.locator("h1")).to_contain_text("Rita Patel")
    case = Case.objects.get()
    assert case.kind == "complaint"
    assert list(case.themes.all()) == [damp]


def test_the_residents_site_offers_a_complaint_when_the_words_are_unhappy(page):
    page.goto("/")
    page.get_by_role("link", name="Report a problem").click()
    page.get_by_label("What is the problem?").fill(UNHAPPY)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("It sounds like you are unhappy with us")
    expect(page.locator("#triage-words")).to_contain_text("nobody has come")
    assert axe_violations(page, "report a problem: the offer to complain") == []
    page.get_by_label("Yes, make a complaint: look into what went wrong and put it right").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_contain_text("What would you like us to do to put things right?")
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_label("What has gone wrong?")).to_have_value(UNHAPPY)
