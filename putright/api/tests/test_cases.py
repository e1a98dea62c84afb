"""Cases through the API: log, read, steps through the service functions, refusals as 422."""

import datetime as dt
import html

from putright.cases.models import CaseEvent, Extension, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_views_forms import date_fields, step_url
from putright.rules.lifecycle import State


def test_it_logs_a_complaint_with_its_stored_dates(api_handler, resident):
    resident.tenancy_reference = "T-100"
    resident.save()
    ServiceArea.objects.create(name="Repairs")
    Theme.objects.create(name="Damp and mould")
    answer = api_handler.post("/cases", {
        "kind": "complaint", "received_on": "2026-11-02", "description": "The damp is back.", "channel": "phone",
        "tenancy_reference": "T-100", "service_area": "Repairs", "themes": ["Damp and mould"],
    })
    assert answer.status_code == 201, answer.content
    case = answer.json()
    assert case["state"] == "stage1_logged" and case["resident"]["name"] == "Rita Patel"
    assert case["themes"] == ["Damp and mould"] and case["tenure"] == "lcra"
    stage = case["stages"][0]
    assert (stage["acknowledge_by"], stage["respond_by"]) == ("2026-11-09", "2026-11-23")
    assert case["next_deadline_by"] == "2026-11-09"
    assert "acknowledge" in case["next_actions"] and "refuse" not in case["next_actions"]  # a handler's key
    # The timeline says which system logged it.
    event = CaseEvent.objects.get(case__reference=case["reference"])
    assert event.actor.username == "api-handler-system"


def test_it_names_the_field_of_an_unknown_resident_or_theme(api_handler):
    body = {"kind": "complaint", "received_on": "2026-11-02", "description": "Damp."}
    answer = api_handler.post("/cases", {**body, "tenancy_reference": "NOPE"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "tenancy_reference"
    answer = api_handler.post("/cases", {**body, "themes": ["Nope"]})
    assert answer.json()["errors"][0]["field"] == "themes"
    answer = api_handler.post("/cases", {**body, "received_on": "next week"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "received_on"


def test_a_step_goes_through_the_service_functions(api_handler, handler):
    case = f.log_complaint(handler=handler)
    answer = api_handler.post(f"/cases/{case.reference}/acknowledge", {
        "acknowledged_on": "2026-11-04", "definition": "The leak was not repaired.", "outcomes_sought": "Repair it.",
    })
    # Dated 4 Nov, recorded on 23 Nov after its deadline (9 Nov): a late entry needs its reason.
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "late_entry_reason"
    answer = api_handler.post(f"/cases/{case.reference}/acknowledge", {
        "acknowledged_on": "2026-11-04", "definition": "The leak was not repaired.", "outcomes_sought": "Repair it.",
        "late_entry_reason": "Acknowledged by phone; entered from the call log.",
    })
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["state"] == State.STAGE1_ACKNOWLEDGED
    assert body["stages"][0]["respond_by"] == "2026-11-18" and body["stages"][0]["handler"] == handler.username
    assert f.last_event(case).kind == "acknowledged"
    assert "extend" in body["next_actions"] and "acknowledge" not in body["next_actions"]


def test_a_refused_step_answers_422_in_the_forms_words(api_handler, handler, client):
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    refused = api_handler.post(f"/cases/{case.reference}/extend", {
        "new_respond_by": "2026-12-09", "reason": "Waiting for the contractor.", "resident_told_on": "2026-11-17",
        "update_every_working_days": 5,
    })
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "good_reason" and error["provision"] == "6.4"  # beyond the cap, no good reason
    assert not Extension.objects.exists()
    # The staff page refuses the same step with the same sentence and provision.
    client.force_login(handler)
    page = client.post(step_url(case, "extend"), {
        **date_fields("new_respond_by", dt.date(2026, 12, 9)), "reason": "Waiting for the contractor.",
        **date_fields("resident_told_on", dt.date(2026, 11, 17)), "update_every_working_days": "5",
    })
    assert html.escape(f"{error['message']} (Code {error['provision']})") in page.content.decode()


def test_a_step_the_code_does_not_allow_now_is_refused(api_handler, handler):
    case = f.log_complaint(handler=handler)
    answer = api_handler.post(f"/cases/{case.reference}/respond", {
        "responded_on": "2026-11-04", "points": [{"point": "Leak", "decision": "upheld", "reasons": "Late."}],
    })
    assert answer.status_code == 422 and answer.json()["errors"][0]["message"]
    assert f.stage(case, 1).responded_on is None


def test_roles_decide_what_a_key_may_do(api_handler, api_oversight, api_manager, handler):
    case = f.log_complaint(handler=handler)
    # Oversight reads everything and changes nothing.
    assert api_oversight.get(f"/cases/{case.reference}").json()["next_actions"] == []
    log = api_oversight.post("/cases", {"kind": "compliment", "received_on": "2026-11-02", "description": "Thanks."})
    assert log.status_code == 403
    refusal = {
        "refused_on": "2026-11-03", "reason": "legal_proceedings", "explanation": "A claim was filed at court.",
        "ombudsman_rights_given": True, "proceedings_started_on": "2026-10-01",
    }
    # Refusing is for managers (docs/roles.md), in the API as on the pages.
    assert api_handler.post(f"/cases/{case.reference}/refuse", refusal).status_code == 403
    # Dated 3 Nov and recorded on 23 Nov, after the 9 Nov deadline: a late entry, kept with its reason.
    refusal["late_entry_reason"] = "Decided at the 3 November panel; entered from its minutes."
    assert api_manager.post(f"/cases/{case.reference}/refuse", refusal).json()["state"] == "refused"


def test_an_unknown_case_is_404(api_handler):
    assert api_handler.get("/cases/PR-2026-999999").status_code == 404
    assert api_handler.post("/cases/PR-2026-999999/close", {"closed_on": "2026-11-02"}).status_code == 404


def test_it_lists_the_queue_a_page_at_a_time(api_handler, handler, other_handler):
    made = [f.log_complaint(received_on=dt.date(2026, 11, day), handler=handler if day % 2 else other_handler) for day in range(2, 14)]
    made.append(f.log_service_request())  # open, no deadline: last
    closed = f.log_compliment()
    f.actions.close(closed, closed_on=dt.date(2026, 11, 3), today=f.TODAY)
    seen, cursor = [], None
    while True:
        page = api_handler.get("/cases", {"limit": 5, **({"cursor": cursor} if cursor else {})}).json()
        seen += [c["reference"] for c in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Every open case once, soonest deadline first, the case without a deadline last.
    assert seen == [c.reference for c in made]
    mine = api_handler.get("/cases", {"handler": other_handler.username, "limit": 100}).json()["results"]
    assert {c["reference"] for c in mine} == {c.reference for c in made if c.handler == other_handler}
    everything = api_handler.get("/cases", {"include_closed": True, "kind": "compliment"}).json()["results"]
    assert [c["reference"] for c in everything] == [closed.reference]
    bad = api_handler.get("/cases", {"cursor": "not-ours"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
    unknown = api_handler.get("/cases", {"handler": "nobody"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "handler"


def test_the_list_says_which_cases_are_extended_open_or_not(api_handler, handler):
    """Read from the case's own mark (kept by triggers), which a withdrawn case whose extended stage
    was left unanswered keeps, as the case read alone says."""
    extended, plain, ended = (f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler) for _ in range(3))
    for case in (extended, ended):
        f.actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())
    f.actions.withdraw(ended, withdrawn_on=dt.date(2026, 11, 18), reason="Sorted now.", actor=handler, today=f.TODAY)
    rows = api_handler.get("/cases", {"include_closed": True}).json()["results"]
    assert {c["reference"]: c["extended"] for c in rows} == {extended.reference: True, plain.reference: False, ended.reference: True}
    # As the case itself says.
    assert all(api_handler.get(f"/cases/{c['reference']}").json()["extended"] == c["extended"] for c in rows)
    open_only = api_handler.get("/cases").json()["results"]
    assert {c["reference"]: c["extended"] for c in open_only} == {extended.reference: True, plain.reference: False}


def test_a_body_that_is_not_json_answers_400_in_the_documented_shape(api_handler, handler):
    # Found by Schemathesis: a NUL byte as the body answered Ninja's own undocumented 400.
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    answer = api_handler.client.post(f"/api/v1/cases/{case.reference}/allocate", b"\x00", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"errors": [{
        "field": None, "provision": None,
        "message": "The request body is not JSON: send a JSON object with Content-Type: application/json.",
    }]}
    schema = api_handler.client.get("/api/v1/schema").json()
    assert "400" in schema["paths"]["/api/v1/cases/{reference}/allocate"]["post"]["responses"]
