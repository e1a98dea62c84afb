"""Helpers for the browser tests: the axe-core check, signing in, and cases made through the
service path (putright.cases.actions), dated from the real date as the live pages are."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases import actions
from putright.rules.lifecycle import Kind
from tests.browser.pages import SignInPage

PASSWORD = "correct horse battery"  # the root conftest's personas
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(page, user) -> None:
    from putright.twofactor import policy, testing

    code = testing.current_code(user) if policy.required_for(user) else None
    SignInPage(page).sign_in(user.username, PASSWORD)
    if code is not None:  # the second factor, as the member of staff types it from their app
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


# -- axe -------------------------------------------------------------------------------------


def axe_violations(page, what: str = "") -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, one line per rule and node."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    found = [v for v in Axe().run(page, options=options).response["violations"] if set(v["tags"]) & set(WCAG_TAGS)]
    lines = []
    for v in found:
        tags = ", ".join(t for t in v["tags"] if t in WCAG_TAGS)
        lines.append(f"{what or page.url}: {v['id']} ({v['impact']}, {tags}): {v['help']}")
        for node in v["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))} — {summary}")
    return lines


def assert_accessible(page, what: str = "") -> None:
    """Fail listing every WCAG 2.2 A/AA violation axe-core finds (id, impact, help, targets)."""
    lines = axe_violations(page, what)
    if lines:
        pytest.fail("Accessibility violations:\n" + "\n".join(lines), pytrace=False)


# -- cases, through the service path -----------------------------------------------------------


def overdue_complaint(*, handler, resident, today: dt.date, description: str = "My kitchen has been leaking for a month."):
    """A stage 1 complaint received four weeks ago and never acknowledged: overdue."""
    return actions.log_case(
        kind=Kind.COMPLAINT, received_on=today - dt.timedelta(days=28), description=description,
        resident=resident, handler=handler, actor=handler, today=today,
    )


def fresh_complaint(*, handler, resident, today: dt.date, description: str = "The communal lights are out."):
    """A stage 1 complaint received today: acknowledge within 5 working days."""
    return actions.log_case(
        kind=Kind.COMPLAINT, received_on=today, description=description,
        resident=resident, handler=handler, actor=handler, today=today,
    )


def acknowledged_complaint(*, handler, resident, today: dt.date):
    """A stage 1 complaint received a week ago and acknowledged the next day."""
    received = today - dt.timedelta(days=7)
    case = actions.log_case(
        kind=Kind.COMPLAINT, received_on=received, description="Black mould in the back bedroom again.",
        resident=resident, handler=handler, actor=handler, today=today,
    )
    return actions.acknowledge(
        case, acknowledged_on=received + dt.timedelta(days=1), definition="Mould in the back bedroom was not treated.",
        outcomes_sought="Treat the mould and fix the cause.", responsible_for="The repair.", actor=handler,
        today=received + dt.timedelta(days=1),  # recorded the day it was done (putright.rules.recording)
    )
