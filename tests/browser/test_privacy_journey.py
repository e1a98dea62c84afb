"""A subject access request in a real browser: recorded from the resident's page, its deadline on
the reviews page, the bundle downloaded, recorded as sent; axe-core on every page on the way."""

from __future__ import annotations

import zipfile

from playwright.sync_api import expect

from putright.privacy.models import DataRequest
from tests.browser.support import assert_accessible, fresh_complaint, sign_in


def test_a_manager_answers_a_subject_access_request(page, manager, resident, today, tmp_path):
    fresh_complaint(handler=None, resident=resident, today=today)
    sign_in(page, manager)
    page.goto(f"/residents/{resident.pk}/")
    page.get_by_role("link", name="Record a request from Rita Patel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a data protection request")
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "record a request, with errors")

    page.get_by_label("Subject access (a copy of their data)").check()
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access (a copy of their data)")
    request = DataRequest.objects.get()
    expect(page.locator("main")).to_contain_text(f"{request.due_by:%-d %B %Y}")
    assert_accessible(page, "request page")

    page.goto("/ombudsman/reviews/")
    expect(page.locator("#data-requests")).to_have_text("Data protection requests outstanding (1)")
    assert_accessible(page, "reviews with a data protection request")

    page.goto(f"/privacy/requests/{request.pk}/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the subject access bundle for Rita Patel").click()
    path = tmp_path / "bundle.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        assert "manifest.csv" in z.namelist()

    page.get_by_role("link", name="Record the bundle as sent").click()
    assert_accessible(page, "record as sent")
    page.get_by_label("How it was sent").fill("Secure email, password by phone.")
    page.get_by_role("button", name="Record as sent").click()
    expect(page.locator("main")).to_contain_text("Carried out on")
    page.goto("/privacy/requests/")
    assert_accessible(page, "requests list")
