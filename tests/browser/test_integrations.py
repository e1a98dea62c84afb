"""The inbox to log and the API's docs in a real browser: axe-core, one step, no CDN."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from putright.cases.models import Case
from putright.mailbox.fetch import store
from putright.mailbox.tests.mail import email
from tests.browser.support import axe_violations, sign_in


def test_a_handler_logs_an_email_from_the_inbox_in_one_step(page, handler, resident):
    received = dt.datetime(2026, 11, 20, 17, 45, tzinfo=dt.timezone.utc)
    store(email("Leak", "Water is coming through my ceiling.", sender=f"Rita Patel <{resident.email}>"),
          folder="INBOX", uidvalidity=1, uid=1, received_at=received)
    sign_in(page, handler)
    page.get_by_role("link", name="Inbox to log").click()
    problems = axe_violations(page, "inbox to log")
    page.get_by_role("link", name="Leak").click()
    problems += axe_violations(page, "an email")
    page.get_by_role("link", name="Log it").click()
    # Triage's suggestion, with the words that carried it, and the kind already chosen from it.
    suggestion = page.locator("#triage-suggestion")
    expect(suggestion).to_contain_text("This reads as a service request")
    expect(page.get_by_label("Service request", exact=True)).to_be_checked()
    problems += axe_violations(page, "log an email, with triage's suggestion")
    page.get_by_label("What the resident said, in their own words").fill("")
    page.get_by_role("button", name="Log it").click()  # no words: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += axe_violations(page, "log an email, with errors")
    page.get_by_label("What the resident said, in their own words").fill("Water is coming through my ceiling.")
    page.get_by_label("Complaint", exact=True).check()  # the handler decides
    page.get_by_label("Resident", exact=True).select_option(label=resident.name)
    page.get_by_role("button", name="Log it").click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{case.reference}: {resident.name}")
    expect(page.get_by_text(f"Logged as {case.reference}.")).to_be_visible()
    assert (case.received_on, case.channel, case.resident) == (dt.date(2026, 11, 20), "email", resident)
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)


def test_the_api_docs_render_from_our_own_files(page, live_server):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto("/api/v1/docs")
    expect(page.get_by_text("PutRight API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/cases/{reference}/acknowledge").first).to_be_visible()
    assert outside == []
