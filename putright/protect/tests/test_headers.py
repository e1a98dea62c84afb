"""Security findings (Low): no Cache-Control: no-store on personal data, no CSP or
Permissions-Policy, published HTML reports served inline, world-readable files, a 10-character
password minimum and no way for staff to change their own password."""

from __future__ import annotations

import os
import re
import stat

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from putright.cases import actions
from putright.cases.tests.factories import log_complaint
from putright.portal.models import PublishedReport

pytestmark = pytest.mark.django_db


def test_pages_and_downloads_with_personal_data_are_not_stored(client, handler, resident, today):
    case = log_complaint(resident=resident, handler=handler, today=today)
    item = actions.add_correspondence(case, direction="in", occurred_on=today, subject="Photo", actor=handler, today=today,
                                      files=[actions.NewFile("leak.pdf", "application/pdf", b"%PDF-1.4 leak")])
    client.force_login(handler)
    for path in (f"/cases/{case.reference}/", f"/cases/{case.reference}/attachments/{item.attachments.get().pk}/", "/cases/", "/track/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path


def test_every_page_has_a_csp_without_inline_script_and_a_permissions_policy(client, handler):
    client.force_login(handler)
    for path in ("/", "/cases/", "/complain/what-happened/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert script_src.strip() == "'self'" and "unsafe-inline" not in script_src, csp
        assert "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        # ...and the pages carry no inline script for it to block.
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path


def test_static_files_may_still_be_cached(client):
    response = client.get("/static/protect/js-enabled.js")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_a_published_html_report_is_a_download_in_a_sandbox(client, db):
    report = PublishedReport.objects.create(title="Annual report", kind="annual_report", published_on="2026-06-30")
    report.file.save("report.html", ContentFile(b"<script>alert(document.cookie)</script>"))
    response = client.get(f"/published-reports/{report.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"


def test_files_are_written_for_putright_only(handler, resident, today, settings):
    case = log_complaint(resident=resident, handler=handler, today=today)
    item = actions.add_correspondence(case, direction="in", occurred_on=today, subject="Photo", actor=handler, today=today,
                                      files=[actions.NewFile("leak.pdf", "application/pdf", b"%PDF-1.4 leak")])
    path = item.attachments.get().file.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o750
    connection.close()
    connection.ensure_connection()  # a new connection restricts the database file
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and os.path.exists(name):
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o640


def test_passwords_need_12_characters_and_staff_change_their_own(client, handler):
    client.force_login(handler)
    page = client.get("/account/password/")
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    short = client.post("/account/password/", {"old_password": "correct horse battery", "new_password1": "eleven char", "new_password2": "eleven char"})
    assert "at least 12 characters" in short.content.decode()
    done = client.post("/account/password/", {"old_password": "correct horse battery", "new_password1": "kettle piano river", "new_password2": "kettle piano river"})
    assert done.status_code == 302
    handler.refresh_from_db()
    assert handler.check_password("kettle piano river")
    assert client.get("/cases/").status_code == 200  # still signed in
