"""Issue 18's gap: reads of personal data through the API go in the access log of reading, like
the pages, attributed to the key (putright/api/reading.py)."""

from django.test import Client

from putright.audit.models import ReadEvent
from putright.audit.views import viewed_by
from putright.cases.tests import factories as f
from putright.rules.lifecycle import State


def _reads(**filters):
    return list(ReadEvent.objects.filter(**filters).order_by("id"))


def test_reading_a_case_is_recorded_against_the_key(api_handler, handler, resident):
    case = f.log_complaint(handler=handler, resident=resident)
    assert api_handler.get(f"/cases/{case.reference}").status_code == 200
    [read] = _reads(case=case)
    assert read.actor == api_handler.key.user and read.actor_label == "API key handler-system"
    assert (read.what, read.resident, read.label) == ("case", resident, case.reference)
    assert read.path == f"/api/v1/cases/{case.reference}"
    # It shows on the case page's "viewed by" and in the log's search by resident.
    assert viewed_by(case)[0]["who"] == "API key handler-system"
    assert list(ReadEvent.objects.about(resident)) == [read]


def test_a_case_nobody_may_see_is_not_logged_as_read(api_handler):
    assert api_handler.get("/cases/PR-2026-999999").status_code == 404
    assert not ReadEvent.objects.exists()


def test_each_case_on_a_page_of_the_list_is_recorded(api_handler, handler, resident, other_resident):
    rita = f.log_complaint(handler=handler, resident=resident)
    sam = f.log_complaint(handler=handler, resident=other_resident)
    page = api_handler.get("/cases", {"limit": 1}).json()
    [first] = page["results"]
    assert [r.case.reference for r in _reads()] == [first["reference"]]
    api_handler.get("/cases", {"cursor": page["next_cursor"]})
    assert {r.case for r in _reads()} == {rita, sam} and {r.resident for r in _reads()} == {resident, other_resident}


def test_the_events_feed_records_each_case_on_its_page_once(api_handler, handler, resident, settings):
    settings.PUTRIGHT_EVENTS_SETTLE_SECONDS = 0
    case = f.log_complaint(handler=handler, resident=resident)
    f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    events = api_handler.get("/events").json()["events"]
    assert len(events) > 2  # several events on each of the two cases
    reads = _reads(what="case")
    assert case in {r.case for r in reads} and all(r.resident == resident for r in reads)
    assert len(reads) == len({e["case"] for e in events}) == 2  # one row per case, not per event


def test_reading_and_writing_a_resident_are_recorded(make_key, resident):
    admin = make_key("administrator")
    resident.tenancy_reference = "T-100"
    resident.save()
    assert admin.get("/residents/T-100").status_code == 200
    answer = admin.client.put("/api/v1/residents/T-100", {"name": "Rita Patel", "email": "rita@example.org"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    reads = _reads(resident=resident)
    assert [(r.what, r.actor_label) for r in reads] == [("resident", "API key administrator-system")] * 2


def test_a_step_answers_with_the_case_and_that_is_recorded(api_handler, handler, resident, today):
    case = f.log_complaint(handler=handler, resident=resident)
    answer = api_handler.post(f"/cases/{case.reference}/correspondence", {
        "direction": "in", "occurred_on": today.isoformat(), "body": "Resident sent photos.",
    })
    assert answer.status_code == 200, answer.content
    assert [r.case for r in _reads()] == [case]


def test_the_log_page_finds_api_reads_by_the_keys_name(api_handler, handler, resident, admin_user):
    case = f.log_complaint(handler=handler, resident=resident)
    api_handler.get(f"/cases/{case.reference}")
    client = Client()
    client.force_login(admin_user)
    page = client.get("/access-log/", {"staff": "handler-system"}).content.decode()
    assert case.reference in page
