"""Staff pages: raising a hazard from a case in one step, the steps met or missed, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from putright.cases.tests.factories import log_complaint, log_service_request
from putright.hazards import actions
from putright.hazards.models import HazardReport, Outcome
from putright.rules.hazards import local_moment

from .helpers import damp, raise_damp

pytestmark = pytest.mark.django_db


def at(*args):
    return local_moment(dt.datetime(*args))


def test_raise_from_a_complaint_in_one_step(client, handler, resident):
    case = log_complaint(resident=resident, actor=handler)
    client.force_login(handler)
    page = client.get(reverse("cases:detail", args=[case.reference]))
    assert reverse("hazards:raise", args=[case.reference]) in page.content.decode()
    response = client.post(reverse("hazards:raise", args=[case.reference]), {
        "kind": damp().pk, "category": "significant", "aware_on_0": "5", "aware_on_1": "11", "aware_on_2": "2026",
        "aware_time": "16:30", "aware_how": "complaint", "description": "Mould in the baby's room.",
        "home": "Flat 4, 12 River Street",
    })
    report = HazardReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("hazards:detail", args=[report.pk])
    assert report.case == case and report.investigate_by == dt.date(2026, 11, 19)
    page = client.get(response.url).content.decode()
    assert "Working day 10 is Thu 19 Nov 2026." in page
    assert "Record the investigation" in page


def test_raise_refuses_a_bad_time_with_a_clear_message(client, handler, resident):
    case = log_complaint(resident=resident, actor=handler)
    client.force_login(handler)
    response = client.post(reverse("hazards:raise", args=[case.reference]), {
        "kind": damp().pk, "category": "significant", "aware_on_0": "5", "aware_on_1": "11", "aware_on_2": "2026",
        "aware_time": "25:00", "aware_how": "complaint", "description": "Mould.", "home": "Flat 4",
    })
    assert response.status_code == 200
    assert "Time the landlord became aware must be a time on the 24-hour clock" in response.content.decode()
    assert not HazardReport.objects.exists()


def test_the_complaint_page_shows_each_step_met_or_missed(client, handler, resident):
    request = log_service_request(resident=resident, actor=handler)
    report = raise_damp(request, actor=handler)
    actions.record_investigation(report, concluded_at=at(2026, 11, 20, 9, 0), investigator="Dana", findings="Mould.", outcome=Outcome.SIGNIFICANT_FOUND, actor=handler)
    # A complaint linked to the request (Code 1.5) shows the hazard's clocks too.
    from putright.cases import actions as case_actions
    complaint = case_actions.convert_to_complaint(request, received_on=dt.date(2026, 11, 20), description="Nobody came for two weeks.", actor=handler, today=dt.date(2026, 11, 23))
    client.force_login(handler)
    page = client.get(reverse("cases:detail", args=[complaint.reference])).content.decode()
    assert "Awaab&#x27;s Law" in page or "Awaab's Law" in page
    assert 'data-step="investigate_by"' in page
    investigate_row = page.split('data-step="investigate_by"')[1].split("</tr>")[0]
    assert "Missed" in investigate_row  # concluded Fri 20 Nov, due Thu 19 Nov


def test_oversight_reads_but_cannot_raise_or_record(client, handler, oversight, resident):
    case = log_complaint(resident=resident, actor=handler)
    report = raise_damp(case, actor=handler)
    client.force_login(oversight)
    assert client.get(reverse("hazards:detail", args=[report.pk])).status_code == 200
    assert "This is about a hazard" not in client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert client.get(reverse("hazards:raise", args=[case.reference])).status_code == 403
    assert client.post(reverse("hazards:step", args=[report.pk, "update"]), {}).status_code == 403


def test_signed_out_is_sent_to_sign_in(client, handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    assert client.get(reverse("hazards:detail", args=[report.pk])).status_code == 302
    assert client.get(reverse("hazards:worklist")).status_code == 302


def test_worklist_and_queue_counts(client, handler, resident):
    raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)  # investigate by 19 Nov: overdue
    client.force_login(handler)
    page = client.get(reverse("hazards:worklist") + "?show=overdue").content.decode()
    assert "Overdue: 1" in page and "Damp and mould growth" in page
    queue = client.get(reverse("cases:queue")).content.decode()
    assert 'id="hazard-queue-counts"' in queue and "overdue: 1" in queue


def test_a_step_form_records_through_the_service(client, handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    client.force_login(handler)
    response = client.post(reverse("hazards:step", args=[report.pk, "update"]), {
        "given_on_0": "6", "given_on_1": "11", "given_on_2": "2026", "method": "Phone", "summary": "Survey booked.",
    })
    assert response.status_code == 302
    assert report.updates.get().summary == "Survey booked."
    assert report.events.last().kind == "update"


def test_a_manager_keeps_the_hazard_list_in_settings(client, manager, handler):
    client.force_login(manager)
    kind = damp()
    page = client.get(reverse("admin:hazards_hazardkind_change", args=[kind.pk]))
    assert page.status_code == 200
    client.force_login(handler)
    assert client.get(reverse("admin:hazards_hazardkind_change", args=[kind.pk])).status_code == 302  # not staff
