"""Page objects for the resident portal: every selector the portal's browser tests use.

As in pages.py, selectors are what a person sees (roles, labels, headings), not classes.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Locator

from tests.browser.pages import BasePage

# The answers a resident gives in the browser journeys.
WHAT_HAPPENED = "Water has come through my kitchen ceiling for six weeks. Nobody has come to fix it."
PUT_RIGHT = "Fix the leak and repaint the ceiling."


class PortalPage(BasePage):
    def continue_(self) -> None:
        self.page.get_by_role("button", name="Continue", exact=True).click()
        self.page.wait_for_load_state()

    def field(self, label: str) -> Locator:
        return self.page.get_by_label(label, exact=True)

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def fill_date(self, day: dt.date) -> None:
        self.page.get_by_label("Day").fill(str(day.day))
        self.page.get_by_label("Month").fill(str(day.month))
        self.page.get_by_label("Year").fill(str(day.year))

    @property
    def panel(self) -> Locator:
        return self.page.locator(".govuk-panel--confirmation")


class ComplaintJourney(PortalPage):
    """The online complaint, question by question."""

    path = "/"

    def start(self) -> None:
        self.goto()
        self.page.get_by_role("button", name="Start now").click()
        self.page.wait_for_load_state()

    def what_happened(self, text: str = WHAT_HAPPENED) -> None:
        self.field("What has gone wrong?").fill(text)
        self.continue_()

    def put_right(self, text: str = PUT_RIGHT) -> None:
        self.field("What would you like us to do to put things right?").fill(text)
        self.continue_()

    def when(self, day: dt.date | None) -> None:
        if day is None:
            self.page.get_by_label("I'm not sure when it happened").check()
        else:
            self.fill_date(day)
        self.continue_()

    def someone_else(self, yes: bool = False) -> None:
        self.choose("Yes, I am complaining for someone else" if yes else "No, I am complaining for myself")
        self.continue_()

    def your_details(self, name: str, email: str = "", phone: str = "", address: str = "", postcode: str = "") -> None:
        for label, value in (("Full name", name), ("Email address", email), ("Phone number", phone), ("Address", address), ("Postcode", postcode)):
            if value:
                self.field(label).fill(value)
        self.continue_()

    def contact(self, how: str = "Email") -> None:
        self.choose(how)
        self.continue_()

    def support(self, fmt: str = "Large print", support: str = "") -> None:
        self.choose(fmt)
        if support:
            self.field("Tell us about any support you need (optional)").fill(support)
        self.continue_()

    def attachments(self, files: list[dict] | None = None) -> None:
        if files:
            self.field("Upload photos or documents (optional)").set_input_files(files)
        self.continue_()

    def send(self) -> str:
        self.page.get_by_role("button", name="Send complaint").click()
        self.page.wait_for_load_state()
        return self.reference()

    def reference(self) -> str:
        return re.search(r"PR-\d{4}-\d{6}", self.panel.inner_text()).group(0)


class MyCasesPage(PortalPage):
    path = "/my-cases/"

    def open_case(self, reference: str) -> PortalCasePage:
        self.page.get_by_role("link", name=reference, exact=True).click()
        self.page.wait_for_load_state()
        return PortalCasePage(self.page)


class PortalCasePage(PortalPage):
    def goto_case(self, reference: str) -> PortalCasePage:
        self.goto(f"/my-cases/{reference}/")
        return self

    def do(self, link: str) -> PortalPage:
        self.page.get_by_role("link", name=link).click()
        self.page.wait_for_load_state()
        return PortalPage(self.page)

    def submit(self, name: str) -> None:
        self.page.get_by_role("button", name=name).click()
        self.page.wait_for_load_state()
