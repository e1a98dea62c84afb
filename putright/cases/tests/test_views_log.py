"""Logging from any channel: find or add the resident, then write down what they said (Code 1.2–1.5, 3.1–3.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from putright.cases.models import Case, CaseEvent, Channel, ServiceArea, Theme
from putright.cases.tests.test_views_forms import date_fields, detail_url, error_summary, frozen_today, step_url
from putright.residents.models import Representative, Resident
from putright.rules.calendar import WorkingCalendar
from putright.rules.lifecycle import Kind, State

pytestmark = pytest.mark.django_db

LOG = reverse("cases:log")
IN_THEIR_WORDS = "The ceiling in my bedroom has been dripping since March.\nNobody came — twice!\n\n“I’m fed up”, and my son has asthma."


def log_url(resident=None) -> str:
    return f"{LOG}?resident={resident.pk if resident is not None else 'new'}"


def complaint(**extra) -> dict:
    return {"kind": "complaint", "channel": "phone", **date_fields("received_on", frozen_today()), "description": IN_THEIR_WORDS, **extra}


@pytest.fixture
def signed_in(client, handler):
    client.force_login(handler)
    return client


# --- finding the resident -----------------------------------------------------------------------


def test_it_finds_a_resident_by_name_postcode_or_email(signed_in, resident, other_resident):
    resident.postcode = "SW1A 1AA"
    resident.tenancy_reference = "T-1001"
    resident.save()
    for query in ("rita", "Patel", "sw1a 1aa", "RITA@example.org", "t-1001"):
        html = signed_in.get(LOG, {"q": query}).content.decode()
        assert "Log a case for Rita Patel" in html, query
        assert f'href="?resident={resident.pk}"' in html
        assert "Sam Jones" not in html, query
    html = signed_in.get(LOG, {"q": "nobody-like-this"}).content.decode()
    assert "No resident matches" in html
    assert 'href="?resident=new"' in html


def test_it_asks_who_it_is_from_first(signed_in, resident):
    html = signed_in.get(LOG).content.decode()
    assert "Who is it from?" in html
    html = signed_in.get(log_url(resident)).content.decode()
    assert "For Rita Patel" in html
    assert "Code 1.2" in html and "own words" in html
    assert 'name="name"' not in html  # no new-resident boxes for an existing resident
    assert 'name="received_on_0"' in html
    assert signed_in.get(f"{LOG}?resident=999999").status_code == 404
    assert signed_in.get(f"{LOG}?resident=abc").status_code == 404


# --- logging for an existing resident -----------------------------------------------------------


@pytest.mark.parametrize("channel", Channel.values)
def test_it_logs_a_complaint_from_every_channel(signed_in, handler, resident, channel):
    received = frozen_today() - dt.timedelta(days=3)
    response = signed_in.post(log_url(resident), complaint(channel=channel, **date_fields("received_on", received)))
    assert response.status_code == 302, error_summary(response)
    case = Case.objects.get()
    assert response.url == detail_url(case)
    assert (case.kind, case.state, case.channel, case.received_on) == (Kind.COMPLAINT, State.STAGE1_LOGGED, channel, received)
    assert case.resident == resident and case.handler == handler
    assert case.description == IN_THEIR_WORDS
    cal = WorkingCalendar()
    stage = case.stages.get()
    assert stage.acknowledge_by == cal.add_working_days(received, 5)
    assert stage.respond_by == stage.code_respond_by == cal.add_working_days(stage.acknowledge_by, 10)
    assert case.next_deadline_by == stage.acknowledge_by
    event = CaseEvent.objects.get(case=case)
    assert event.kind == "logged" and event.actor == handler and event.data["description"] == IN_THEIR_WORDS
    page = signed_in.get(response.url).content.decode()
    assert f"Logged as {case.reference}." in page
    assert Channel(channel).label.lower() in page


def test_it_logs_a_service_request_and_a_compliment_without_stages(signed_in, resident):
    for kind in (Kind.SERVICE_REQUEST, Kind.COMPLIMENT):
        response = signed_in.post(log_url(resident), complaint(kind=kind.value, channel="email"))
        assert response.status_code == 302
    assert sorted(Case.objects.values_list("kind", "state")) == [("compliment", "open"), ("service_request", "open")]
    assert not Case.objects.filter(stages__isnull=False).exists()


def test_it_keeps_who_took_it_the_service_area_themes_and_handler(signed_in, resident, other_handler):
    area = ServiceArea.objects.create(name="Repairs")
    damp, noise = Theme.objects.create(name="Damp and mould"), Theme.objects.create(name="Noise")
    Theme.objects.create(name="Old theme", active=False)
    html = signed_in.get(log_url(resident)).content.decode()
    assert "Old theme" not in html
    data = complaint(received_by="Front desk, Jo", service_area=str(area.pk), themes=[str(damp.pk), str(noise.pk)], handler=str(other_handler.pk))
    assert signed_in.post(log_url(resident), data).status_code == 302
    case = Case.objects.get()
    assert (case.received_by, case.service_area, case.handler) == ("Front desk, Jo", area, other_handler)
    assert set(case.themes.all()) == {damp, noise}


def test_it_says_what_is_missing_and_saves_nothing(signed_in, resident):
    data = {"channel": "", "description": "  ", **date_fields("received_on", parts=("", "", ""))}
    response = signed_in.post(log_url(resident), data)
    assert response.status_code == 200
    summary = error_summary(response)
    for message in (
        "Select whether it is a complaint, a service request or a compliment",
        "Select how it reached us",
        "Enter date received",
        "Enter what the resident said, in their own words",
    ):
        assert message in summary
    assert "This field is required" not in response.content.decode()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


# --- a new resident in the same step --------------------------------------------------------------


def test_it_creates_the_resident_and_the_case_in_one_post(signed_in):
    data = complaint(name="  Ana Silva ", email="ana@example.org", phone="07700 900123", address="1 High St", postcode="e1 6an", tenure="lcra", preferred_channel="phone")
    response = signed_in.post(log_url(), data)
    assert response.status_code == 302, error_summary(response)
    resident = Resident.objects.get()
    assert (resident.name, resident.email, resident.postcode, resident.tenure, resident.preferred_channel) == ("Ana Silva", "ana@example.org", "E1 6AN", "lcra", "phone")
    case = Case.objects.get()
    assert case.resident == resident and case.tenure == "lcra"


def test_it_needs_a_name_for_a_new_resident(signed_in):
    response = signed_in.post(log_url(), complaint(name=""))
    assert "Enter the resident's full name" in error_summary(response)
    assert not Resident.objects.exists() and not Case.objects.exists()


def test_it_creates_no_resident_when_the_case_is_refused(signed_in):
    """All or nothing: the service refuses a date in the future after the resident was made."""
    tomorrow = frozen_today() + dt.timedelta(days=1)
    data = complaint(name="Ana Silva", representative_name="Jo Silva", **date_fields("received_on", tomorrow), **date_fields("representative_consent_on", frozen_today()))
    response = signed_in.post(log_url(), data)
    assert response.status_code == 200
    assert "cannot be in the future" in error_summary(response)
    assert not Resident.objects.exists()
    assert not Representative.objects.exists()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    # What was typed is still there to correct.
    assert 'value="Ana Silva"' in response.content.decode()


# --- representatives (3.6) --------------------------------------------------------------------


def test_it_records_a_representative_with_the_residents_consent(signed_in, resident):
    consent = frozen_today() - dt.timedelta(days=10)
    data = complaint(channel="representative", representative_name="Cllr Dee Khan", representative_relationship="Ward councillor", **date_fields("representative_consent_on", consent))
    response = signed_in.post(log_url(resident), data)
    assert response.status_code == 302, error_summary(response)
    case = Case.objects.get()
    rep = case.representative
    assert (rep.resident, rep.name, rep.relationship, rep.consent_given_on) == (resident, "Cllr Dee Khan", "Ward councillor", consent)
    html = signed_in.get(detail_url(case)).content.decode()
    assert "Cllr Dee Khan" in html and f"Consent given {consent.day} " in html


def test_it_asks_when_the_resident_consented_to_a_representative(signed_in, resident):
    response = signed_in.post(log_url(resident), complaint(representative_name="Cllr Dee Khan"))
    assert "Enter the date the resident agreed that this person may act for them" in error_summary(response)
    assert not Representative.objects.exists() and not Case.objects.exists()


# --- a service request the resident is unhappy with (1.5) ----------------------------------------


def test_it_turns_an_unhappy_service_request_into_a_complaint_while_the_request_carries_on(signed_in, handler, resident):
    received = frozen_today() - dt.timedelta(days=7)
    signed_in.post(log_url(resident), complaint(kind="service_request", description="Please fix my boiler.", **date_fields("received_on", received)))
    request = Case.objects.get()
    assert request.kind == Kind.SERVICE_REQUEST
    page = signed_in.get(detail_url(request)).content.decode()
    assert step_url(request, "raise-complaint") in page
    data = {**date_fields("received_on", frozen_today()), "description": "Three weeks and still no heating.", "channel": "phone"}
    response = signed_in.post(step_url(request, "raise-complaint"), data)
    complaint_case = Case.objects.exclude(pk=request.pk).get()
    assert response.url == detail_url(complaint_case)
    assert (complaint_case.kind, complaint_case.state, complaint_case.from_service_request) == (Kind.COMPLAINT, State.STAGE1_LOGGED, request)
    assert complaint_case.resident == resident and complaint_case.description == "Three weeks and still no heating."
    request.refresh_from_db()
    assert (request.state, request.is_open) == (State.OPEN, True)
    assert CaseEvent.objects.filter(case=request, kind="complaint_raised").exists()
    # Each links to the other.
    assert detail_url(request) in signed_in.get(detail_url(complaint_case)).content.decode()
    assert detail_url(complaint_case) in signed_in.get(detail_url(request)).content.decode()
    # A compliment cannot become a complaint.
    signed_in.post(log_url(resident), complaint(kind="compliment", description="Thanks!"))
    compliment = Case.objects.get(kind=Kind.COMPLIMENT)
    assert signed_in.get(step_url(compliment, "raise-complaint")).status_code == 302
