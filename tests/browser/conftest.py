"""Real-browser fixtures: a live PutRight server, Debian's Chromium driven by Playwright, and an
axe-core check for WCAG 2.2 A/AA.

The browser is the system's (/usr/bin/chromium, `apt-get install chromium`): Playwright never
downloads one. axe-core ships inside axe-playwright-python, so nothing here needs the internet.
The live server needs a transactional database, which works on the SQLite file and PostgreSQL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PUTRIGHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach hosts it cannot (no internet here, nor in CI).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("PUTRIGHT_SCREENSHOTS", "/tmp/putright-browser-failures"))


# -- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for the browser tests, closed when they are done.

    Playwright's sync API keeps an asyncio loop on this thread while it runs, so Django's
    async-safety check would refuse the ORM calls a test makes between browser steps (and the
    database flush after each test). The tests are synchronous and the live server runs in its
    own thread, so the check guards nothing here: it is switched off while the browser is open
    and only then. (Depending on django_db_setup closes the browser before the test database
    is dropped.)
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"No browser at {CHROMIUM}: run `apt-get install -y chromium` (never `playwright install`).")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _new_page(request, browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


def _screenshot_if_failed(request, page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception:  # a screenshot is a courtesy; never hide the real failure
            pass


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) and page per test, at 1280 × 900."""
    context, page = _new_page(request, browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    _screenshot_if_failed(request, page)
    context.close()


@pytest.fixture
def page_without_js(request, browser, live_server):
    """A page with JavaScript switched off: the service must work without it."""
    context, page = _new_page(request, browser, live_server, java_script_enabled=False)
    yield page
    _screenshot_if_failed(request, page)
    context.close()


@pytest.fixture
def narrow_page(request, browser, live_server):
    """A page 320 CSS pixels wide (WCAG 1.4.10 Reflow)."""
    context, page = _new_page(request, browser, live_server, viewport={"width": 320, "height": 640})
    yield page
    _screenshot_if_failed(request, page)
    context.close()


# -- data ------------------------------------------------------------------------------------


# `today` is the suite's frozen today (conftest.py, tests/clock.py): the live server runs in this
# process, so its pages count deadlines from the same frozen clock.
