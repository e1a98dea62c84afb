"""The information the Code requires on the site (3.4–3.7, 8.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases.models import LandlordSettings
from putright.portal.models import PublishedReport, ReportKind
from putright.rules import deadlines

pytestmark = pytest.mark.django_db


def test_how_to_complain_lists_the_channels_from_settings(client):
    landlord = LandlordSettings.load()
    landlord.complaints_phone, landlord.complaints_email = "0300 123 4567", "complaints@landlord.example"
    landlord.save()
    body = client.get("/how-to-complain/").content.decode()
    assert "0300 123 4567" in body and "complaints@landlord.example" in body
    assert "do not need to use the word complaint" in body and "can complain for you" in body


def test_the_timescales_come_from_the_rules(client, monkeypatch):
    monkeypatch.setitem(deadlines.STAGE_LIMITS, 1, deadlines.StageLimits(7, 13, 17, "6.2", "6.3", "6.4"))
    monkeypatch.setitem(deadlines.STAGE_LIMITS, 2, deadlines.StageLimits(8, 23, 29, "6.11", "6.14", "6.15"))
    body = client.get("/how-to-complain/stages/").content.decode()
    for number in (7, 13, 17, 8, 23, 29):
        assert f"within {number} working days" in body or f"than {number} more working days" in body, number


def test_the_ombudsman_page_uses_the_contact_details_in_settings(client):
    landlord = LandlordSettings.load()
    landlord.housing_ombudsman_contact = "Housing Ombudsman, Test Street"
    landlord.save()
    body = client.get("/how-to-complain/ombudsman/").content.decode()
    assert "Housing Ombudsman, Test Street" in body and "Local Government and Social Care Ombudsman" not in body
    landlord.is_council = True
    landlord.save()
    body = client.get("/how-to-complain/ombudsman/").content.decode()
    assert "Local Government and Social Care Ombudsman" in body and "Coventry" in body


def test_the_reports_page_says_none_yet_then_lists_them(client):
    assert "We have not published any reports yet." in client.get("/published-reports/").content.decode()
    PublishedReport.objects.create(title="Complaints report 2025/26", kind=ReportKind.ANNUAL_REPORT,
                                   published_on=dt.date(2026, 6, 30), url="https://landlord.example/report.pdf")
    body = client.get("/published-reports/").content.decode()
    assert "Complaints report 2025/26" in body and "30 June 2026" in body and "https://landlord.example/report.pdf" in body
