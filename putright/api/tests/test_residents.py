"""Residents and homes through the API, by the housing system's keys."""

from putright.residents.models import Adjustment, Resident, ResidentEvent

RITA = {
    "name": "Rita Patel", "email": "rita@example.org", "tenure": "lcra", "preferred_channel": "phone",
    "preferred_format": "large_print", "uprn": "100023336956",
    "adjustments": [{"kind": "reasonable_adjustment", "description": "Call after 10am.", "agreed_on": "2026-11-02", "review_by": "2027-05-02"}],
}


def test_an_administrators_key_creates_then_updates_by_tenancy_reference(make_key):
    admin = make_key("administrator")
    home = admin.client.put("/api/v1/homes/100023336956", {"address": "1 River Row", "postcode": "ab1 2cd", "tenure": "lcra"}, content_type="application/json")
    assert home.status_code == 200 and home.json()["postcode"] == "AB1 2CD"
    made = admin.client.put("/api/v1/residents/T-100", RITA, content_type="application/json")
    assert made.status_code == 200, made.content
    body = made.json()
    assert (body["tenancy_reference"], body["uprn"], body["preferred_format"]) == ("T-100", "100023336956", "large_print")
    assert body["adjustments"][0]["review_by"] == "2027-05-02"
    # Sent again with a new phone number: the same resident, the adjustment not doubled.
    again = admin.client.put("/api/v1/residents/T-100", {**RITA, "phone": "01234 567890"}, content_type="application/json")
    assert again.json()["id"] == body["id"] and Resident.objects.count() == 1 and Adjustment.objects.count() == 1
    kinds = list(ResidentEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["created_from_housing_system", "adjustment_added", "updated_from_housing_system"]
    assert ResidentEvent.objects.last().data["changed"] == ["phone"]
    assert admin.get("/residents/T-100").json()["phone"] == "01234 567890"


def test_only_an_administrator_changes_residents(api_manager, api_handler):
    for key in (api_manager, api_handler):
        answer = key.client.put("/api/v1/residents/T-100", RITA, content_type="application/json")
        assert answer.status_code == 403
    assert not Resident.objects.exists()


def test_bad_values_name_their_field(make_key):
    admin = make_key("administrator")
    answer = admin.client.put("/api/v1/residents/T-100", {**RITA, "uprn": "999"}, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "uprn"
    answer = admin.client.put("/api/v1/residents/T-100", {**RITA, "uprn": "", "email": "not an email"}, content_type="application/json")
    assert answer.json()["errors"][0]["field"] == "email"
    bad_review = {**RITA, "uprn": "", "adjustments": [{**RITA["adjustments"][0], "review_by": "2026-11-01"}]}
    answer = admin.client.put("/api/v1/residents/T-100", bad_review, content_type="application/json")
    assert answer.json()["errors"][0] == {"field": "review_by", "message": "The review date must be after the date it was agreed.", "provision": "5.10"}
    assert not Resident.objects.exists()  # nothing half saved
    assert admin.get("/residents/T-999").status_code == 404
