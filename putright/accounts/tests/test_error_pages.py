"""Branded error pages in plain English, and the icon every browser asks for (issue 16)."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.views.defaults import server_error

from putright.cases.models import LandlordSettings


def test_it_says_page_not_found_in_the_landlords_own_pages(client, db):
    LandlordSettings.objects.update_or_create(pk=1, defaults={"name": "Riverside Homes", "complaints_phone": "0300 123 4567"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1 class=\"govuk-heading-l\">Page not found</h1>" in html
    assert "Riverside Homes complaints" in html  # the resident's site, with its menu
    assert "Make a complaint" in html
    assert 'href="tel:03001234567"' in html
    assert "Not Found" not in html


def test_it_sends_staff_back_to_their_cases(client, handler):
    client.force_login(handler)
    response = client.get("/cases/PR-1999-999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Go to your cases" in html
    assert 'role="search"' in html  # the staff header, with its search box


def test_it_says_why_a_page_is_refused(client, oversight, handler, today):
    from putright.cases.tests import factories as f

    case = f.log_complaint(handler=handler, today=today)
    client.force_login(oversight)
    response = client.get(f"/cases/{case.reference}/acknowledge/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot see this page" in html
    assert "Your role can read cases but not change them." in html
    assert "403 Forbidden" not in html


def test_a_server_error_page_needs_no_database_or_request_context(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "putright.css" in html


def test_a_refused_form_says_what_happened_and_that_nothing_was_saved(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "We could not accept that form" in html
    assert "Nothing from that form has been saved" in html
    assert "CSRF" not in html


def test_the_icon_is_found(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/putright/favicon.svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
