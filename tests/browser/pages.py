"""Page objects for the staff pages: every selector the browser tests use lives here.

Selectors prefer what a person sees (roles, labels, headings) over classes, so a test breaks
when the page changes for its users, not when markup is tidied.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Locator, Page


class BasePage:
    path = "/"

    def __init__(self, page: Page):
        self.page = page

    def goto(self, path: str | None = None):
        self.page.goto(path or self.path)
        return self

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def main(self) -> Locator:
        return self.page.locator("main")

    @property
    def error_summary(self) -> Locator:
        return self.page.locator(".govuk-error-summary")

    @property
    def error_summary_links(self) -> Locator:
        return self.error_summary.get_by_role("link")

    @property
    def success_banner(self) -> Locator:
        return self.page.locator(".govuk-notification-banner--success")

    def scroll_width(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth")


class SignInPage(BasePage):
    path = "/sign-in/"

    @property
    def username(self) -> Locator:
        return self.page.get_by_label("Username")

    @property
    def password(self) -> Locator:
        return self.page.get_by_label("Password")

    def sign_in(self, username: str, password: str) -> None:
        self.goto()
        self.username.fill(username)
        self.password.fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()


class QueuePage(BasePage):
    path = "/cases/"

    @property
    def table(self) -> Locator:
        return self.page.get_by_role("table")

    @property
    def rows(self) -> Locator:
        return self.table.locator("tbody tr")

    def row(self, reference: str) -> Locator:
        return self.rows.filter(has=self.page.get_by_role("link", name=reference, exact=True))

    def due_tag(self, reference: str) -> Locator:
        return self.row(reference).locator(".putright-due")

    def filter_due(self, label: str) -> None:
        self.page.get_by_label("Due", exact=True).select_option(label=label)
        self.page.get_by_role("button", name="Apply filters").click()
        self.page.wait_for_load_state()

    def open_case(self, reference: str) -> CasePage:
        self.page.get_by_role("link", name=reference, exact=True).click()
        return CasePage(self.page)


class CasePage(BasePage):
    def goto_case(self, reference: str) -> CasePage:
        self.goto(f"/cases/{reference}/")
        return self

    @property
    def steps_heading(self) -> Locator:
        return self.page.get_by_role("heading", name="What you can do now")

    @property
    def step_links(self) -> Locator:
        return self.page.locator("#steps").get_by_role("link")

    def step_hrefs(self) -> list[str]:
        return [a.get_attribute("href") for a in self.step_links.all()]

    def open_step(self, title: str) -> StepFormPage:
        self.step_links.filter(has_text=re.compile(f"^{re.escape(title)}$")).click()
        return StepFormPage(self.page)

    @property
    def timeline(self) -> Locator:
        return self.page.locator("ol.putright-timeline > li")


class StepFormPage(BasePage):
    def goto_step(self, reference: str, slug: str) -> StepFormPage:
        self.goto(f"/cases/{reference}/{slug}/")
        return self

    def field(self, label: str) -> Locator:
        return self.page.get_by_label(label, exact=True)

    def fill(self, label: str, value: str) -> None:
        self.field(label).fill(value)

    def fill_date(self, legend: str, day: dt.date) -> None:
        group = self.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))

    def submit(self, name: str) -> None:
        self.page.get_by_role("button", name=name).click()
        self.page.wait_for_load_state()
