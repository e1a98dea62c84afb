"""Helpers for the portal's browser tests: keyboard-only driving and the reflow check."""

from __future__ import annotations

import pytest

# The elements that stick out past the right edge of a narrow screen, to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => Math.max(e.getBoundingClientRect().right, e.scrollWidth) > document.documentElement.clientWidth + 1)
  .slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""


def assert_no_horizontal_scroll(page, what: str = "") -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    client = page.evaluate("document.documentElement.clientWidth")
    if width > client:
        pytest.fail(f"{what or page.url} scrolls sideways at {client}px ({width}px wide): {page.evaluate(WIDEST)}", pytrace=False)


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab (only) until the element matching `selector` has focus; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector} on {page.url}", pytrace=False)


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_button(page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def mail_server(settings, live_server):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the live server sends to; links in the
    emails point at the live server."""
    from putright.notifications.testing import MailServer

    server = MailServer().start()
    server.configure(settings)
    settings.PUTRIGHT_SITE_URL = live_server.url
    yield server
    server.stop()
