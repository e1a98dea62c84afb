import pytest

from putright.ombudsman.routing import Body, Category, suggest_body


@pytest.mark.parametrize(
    "category",
    ["leasehold", "moving", "rent_service_charges", "occupancy", "property_condition", "tenant_behaviour",
     "estate_management", "complaint_handling", "compensation"],
)
def test_it_suggests_the_housing_ombudsman_for_housing_matters(category):
    assert suggest_body(category).body is Body.HOUSING_OMBUDSMAN


@pytest.mark.parametrize("category", ["allocations", "homelessness", "housing_advice", "housing_benefit", "improvement_grants"])
def test_it_suggests_the_lgsco_for_council_functions(category):
    suggestion = suggest_body(category)
    assert suggestion.body is Body.LGSCO
    assert suggestion.label == "Local Government and Social Care Ombudsman"


def test_it_flags_care_services_as_cqc_or_lgsco():
    suggestion = suggest_body(Category.CARE_SERVICES)
    assert suggestion.body is Body.LGSCO
    assert "Care Quality Commission" in suggestion.note


def test_it_maps_every_category():
    for category in Category:
        assert suggest_body(category).body in Body


def test_it_refuses_an_unknown_category():
    with pytest.raises(ValueError):
        suggest_body("parking fines")
