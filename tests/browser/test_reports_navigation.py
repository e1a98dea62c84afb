"""The reports as the board reads them, in a real browser (issue 16): the board report compares
each figure with the previous quarter, the figures page is in tabs (a contents list without
JavaScript), and every report page has a way back. axe-core on every new page and state."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from putright.cases import actions
from putright.reports import periods
from putright.rules.lifecycle import Kind
from tests.browser.support import assert_accessible, sign_in


def _complaint(handler, resident, on: dt.date, words: str):
    # recorded on the day it was received (putright.rules.recording)
    return actions.log_case(kind=Kind.COMPLAINT, received_on=on, description=words, resident=resident,
                            handler=handler, actor=handler, today=on)


def _quarters(today: dt.date):
    year, number = periods.quarter_of(today)
    this = periods.quarter(year, number)
    before_year, before_number = (year, number - 1) if number > 1 else (year - 1, 4)
    return (year, number, this), (before_year, before_number, periods.quarter(before_year, before_number))


def test_the_board_report_compares_with_the_previous_quarter_and_leads_back(page, oversight, handler, resident, other_resident, today):
    (year, number, this), (_, before_number, before) = _quarters(today)
    _complaint(handler, resident, before.start + dt.timedelta(days=7), "The gutters overflow onto the path.")
    for n, day in enumerate(sorted({this.start, max(this.start, today - dt.timedelta(days=3)), today})):
        _complaint(handler, other_resident if n % 2 else resident, day, f"Complaint number {n} about the lift.")
    received_now = len({this.start, max(this.start, today - dt.timedelta(days=3)), today})

    sign_in(page, oversight)  # the board reads; it changes nothing
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name=f"Q{number} {periods.year_label(year)}", exact=True).click()
    page.get_by_role("link", name="Board report (HTML)").click()
    expect(page.get_by_role("heading", name="Compared with the previous quarter")).to_be_visible()
    table = page.locator("table.comparison")
    expect(table.locator("caption")).to_contain_text(f"quarter {before_number}")
    row = table.get_by_role("row", name=re.compile(r"^Stage 1 complaints received"))
    change = received_now - 1
    expect(row).to_have_text(re.compile(rf"Stage 1 complaints received\s*{received_now}\s*1\s*{change} more"))
    ch02 = table.get_by_role("row", name=re.compile(r"^Stage 1 responded to within"))
    expect(ch02).to_contain_text("Cannot compare: no responses")
    expect(page.locator("body")).not_to_contain_text("n/a")
    assert_accessible(page, "board report with the comparison")

    # The way back to the quarter's figures, and on to every report.
    page.get_by_role("link", name=f"Back to the figures {periods.year_label(year)} quarter {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Complaint figures {periods.year_label(year)} quarter {number}")
    page.get_by_role("link", name="Whole year").click()
    page.get_by_role("link", name="Annual report (HTML)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annual complaints performance")
    assert_accessible(page, "annual report with its ways back")
    page.get_by_role("link", name="All reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")


def test_the_figures_page_is_in_tabs(page, manager, handler, resident, today):
    (year, number, this), _ = _quarters(today)
    _complaint(handler, resident, this.start, "Nobody came to fix the boiler.")
    url = f"/reports/{year}/"

    sign_in(page, manager)
    page.goto(url)
    tabs = page.locator(".govuk-tabs")
    expect(tabs.get_by_role("tab", name="Stage 1", exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#stage-1")).to_be_visible()
    expect(page.locator("#compensation")).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 5000, f"the figures page is {height} px tall"
    assert_accessible(page, "figures, stage 1 tab")

    tabs.get_by_role("tab", name="Compensation and satisfaction").click()
    expect(page.locator("#compensation")).to_be_visible()
    expect(page.locator("#stage-1")).to_be_hidden()
    expect(page.locator("#compensation")).to_contain_text("£0.00")
    assert_accessible(page, "figures, compensation tab")
    tabs.get_by_role("tab", name="Narrative").click()
    expect(page.locator("#narrative")).to_contain_text("Not yet written")
    assert_accessible(page, "figures, narrative tab")



def test_without_javascript_the_figures_page_is_a_contents_list_and_its_sections(page_without_js, manager, today):
    # (axe-core runs inside the page, so it needs JavaScript: the same markup is checked above)
    page = page_without_js
    sign_in(page, manager)
    page.goto(f"/reports/{periods.year_of(today)}/")
    contents = page.locator(".govuk-tabs__list")
    links = contents.get_by_role("link")
    expect(links.first).to_be_visible()
    targets = [href for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    # the groups, Awaab's Law and the narrative, and a tab for any section a feature adds later
    assert {"#stage-1", "#stage-2", "#refused", "#themes", "#compensation", "#narrative"} <= set(targets), targets
    for panel in targets:
        expect(page.locator(panel)).to_be_visible()
    contents.get_by_role("link", name="Refused, withdrawn and open").click()
    assert page.url.endswith("#refused")
