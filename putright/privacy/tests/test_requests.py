"""Data protection requests: their deadline, extension, correction, erasure and refusal, through
the service functions and the staff pages; outstanding ones on the reviews page."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from putright.cases import actions
from putright.cases.tests import factories as f
from putright.privacy import requests
from putright.privacy.models import AnonymisedResident, DataRequest, RequestOutcome
from putright.residents.models import ResidentEvent
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation

D = dt.date


@pytest.mark.parametrize(("received", "months", "due"), [
    (D(2026, 11, 2), 1, D(2026, 12, 2)),  # the same date next month
    (D(2026, 1, 31), 1, D(2026, 3, 2)),  # no 31 February: the 28th, a Saturday, so Monday
    (D(2026, 11, 25), 1, D(2026, 12, 29)),  # Christmas Day, a weekend, the Boxing Day holiday
    (D(2026, 11, 2), 3, D(2027, 2, 2)),  # extended: two further months
])
def test_the_deadline_counts_calendar_months_to_a_working_day(received, months, due):
    assert requests.answer_by(received, months, WorkingCalendar()) == due


@pytest.mark.django_db
def test_it_records_extends_once_and_refuses_with_a_reason(resident, handler, manager, today):
    item = requests.record_request(resident, kind="access", received_on=D(2026, 11, 2), actor=handler, today=today)
    assert item.due_by == D(2026, 12, 2) and item.answer_by == D(2026, 12, 2)
    item = requests.extend_request(item, reason="Eleven cases over six years.", actor=manager)
    assert item.answer_by == D(2027, 2, 2)
    with pytest.raises(RuleViolation, match="already been extended"):
        requests.extend_request(item, reason="Again.", actor=manager)
    with pytest.raises(RuleViolation) as excinfo:
        requests.refuse(item, reason=" ", actor=manager)
    assert excinfo.value.field == "reason"
    with pytest.raises(RuleViolation, match="cannot be in the future"):
        requests.record_request(resident, kind="access", received_on=today + dt.timedelta(days=1), actor=handler, today=today)


@pytest.mark.django_db
def test_a_correction_changes_the_details_and_keeps_no_old_value(resident, handler, manager, today):
    item = requests.record_request(resident, kind="rectification", received_on=today, details="My email changed.", actor=handler, today=today)
    requests.rectify(item, changes={"email": "rita.patel@example.net", "name": "Rita Patel"}, actor=manager, today=today)
    resident.refresh_from_db()
    assert resident.email == "rita.patel@example.net"
    event = ResidentEvent.objects.get(resident=resident, kind="details_corrected")
    assert event.data == {"fields": ["email"], "request": item.pk}
    assert "rita@example.org" not in event.summary + str(event.data)
    assert DataRequest.objects.get(pk=item.pk).outcome == RequestOutcome.DONE


@pytest.mark.django_db
def test_erasure_waits_for_open_cases_then_anonymises_everything(resident, handler, manager, today):
    case = f.log_complaint(resident=resident)
    item = requests.record_request(resident, kind="erasure", received_on=today, actor=handler, today=today)
    with pytest.raises(RuleViolation, match=f"{case.reference} is still open"):
        requests.erase(item, actor=manager, today=today)
    actions.withdraw(case, withdrawn_on=today, today=today)
    requests.erase(item, actor=manager, today=today)
    resident.refresh_from_db()
    assert resident.name == f"Anonymised resident {resident.pk}" and resident.email == ""
    assert AnonymisedResident.objects.get(resident=resident).why == "erasure"
    assert DataRequest.objects.get(pk=item.pk).completed_on == today


@pytest.mark.django_db
def test_the_pages_record_a_request_show_it_on_reviews_and_carry_out_an_erasure(client, resident, handler, manager, today):
    client.force_login(handler)
    page = client.get(reverse("residents:detail", args=[resident.pk]))
    assert reverse("privacy:new", args=[resident.pk]) in page.content.decode()
    posted = client.post(reverse("privacy:new", args=[resident.pk]), {
        "kind": "erasure", "received_on_0": "2", "received_on_1": "10", "received_on_2": "2026", "details": "Delete it all.",
    })
    item = DataRequest.objects.get()
    assert posted.status_code == 302 and item.due_by == D(2026, 11, 2)
    reviews = client.get(reverse("ombudsman:reviews")).content.decode()
    assert "Data protection requests outstanding (1)" in reviews and "Overdue" in reviews and resident.name in reviews
    # A handler records; only a manager decides.
    assert client.get(reverse("privacy:step", args=[item.pk, "erase"])).status_code == 403
    client.force_login(manager)
    missing = client.post(reverse("privacy:step", args=[item.pk, "erase"]), {})
    assert "Confirm that nothing needs to be kept" in missing.content.decode()
    done = client.post(reverse("privacy:step", args=[item.pk, "erase"]), {"confirm": "on"})
    assert done.status_code == 302
    assert AnonymisedResident.objects.filter(resident=resident).exists()
    assert "Data protection requests outstanding (0)" in client.get(reverse("ombudsman:reviews")).content.decode()


@pytest.mark.django_db
def test_staff_download_the_bundle_and_oversight_cannot(client, resident, handler, oversight):
    f.log_complaint(resident=resident)
    url = reverse("privacy:download", args=[resident.pk])
    client.force_login(oversight)
    assert client.post(url).status_code == 403
    client.force_login(handler)
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert any(n.endswith(".pdf") for n in z.namelist()) and "manifest.csv" in z.namelist()
    assert ResidentEvent.objects.get(kind="subject_access_bundle").actor == handler
