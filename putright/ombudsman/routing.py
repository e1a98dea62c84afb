"""Which Ombudsman a housing matter belongs to (seed 001, appendix one): a pure mapping, no database.

The suggestion is only a suggestion: staff can choose another body on the Ombudsman case.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Body(StrEnum):
    HOUSING_OMBUDSMAN = "housing_ombudsman"
    LGSCO = "lgsco"
    OTHER = "other"


BODY_LABELS = {
    Body.HOUSING_OMBUDSMAN: "Housing Ombudsman",
    Body.LGSCO: "Local Government and Social Care Ombudsman",
    Body.OTHER: "Another body",
}


class Category(StrEnum):
    # Housing Ombudsman matters (appendix one).
    LEASEHOLD = "leasehold"
    MOVING = "moving"
    RENT_SERVICE_CHARGES = "rent_service_charges"
    OCCUPANCY = "occupancy"
    PROPERTY_CONDITION = "property_condition"
    TENANT_BEHAVIOUR = "tenant_behaviour"
    ESTATE_MANAGEMENT = "estate_management"
    COMPLAINT_HANDLING = "complaint_handling"
    COMPENSATION = "compensation"
    # Local Government and Social Care Ombudsman matters (councils).
    ALLOCATIONS = "allocations"
    HOMELESSNESS = "homelessness"
    HOUSING_ADVICE = "housing_advice"
    HOUSING_BENEFIT = "housing_benefit"
    IMPROVEMENT_GRANTS = "improvement_grants"
    # Care services: the Care Quality Commission or the LGSCO.
    CARE_SERVICES = "care_services"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.LEASEHOLD: "Leasehold services (shared ownership, Right to Buy, lease repairs)",
    Category.MOVING: "Moving to a property (transfers outside Part 6, mutual exchange, tenancy type, decants)",
    Category.RENT_SERVICE_CHARGES: "Rent and service charges",
    Category.OCCUPANCY: "Occupancy rights (succession, assignment, ending a tenancy, possession)",
    Category.PROPERTY_CONDITION: "Property condition (repairs, voids, planned works, adaptations)",
    Category.TENANT_BEHAVIOUR: "Tenant behaviour (anti-social behaviour, noise, harassment)",
    Category.ESTATE_MANAGEMENT: "Estate management (communal areas, grounds, parking)",
    Category.COMPLAINT_HANDLING: "Complaint handling",
    Category.COMPENSATION: "Compensation",
    Category.ALLOCATIONS: "Allocations under Part 6 of the Housing Act 1996",
    Category.HOMELESSNESS: "Homelessness under Part 7 of the Housing Act 1996",
    Category.HOUSING_ADVICE: "General housing advice",
    Category.HOUSING_BENEFIT: "Housing benefit",
    Category.IMPROVEMENT_GRANTS: "Housing improvement grants",
    Category.CARE_SERVICES: "Care services",
    Category.OTHER: "Something else",
}

HOUSING_OMBUDSMAN_CATEGORIES = frozenset(
    {
        Category.LEASEHOLD,
        Category.MOVING,
        Category.RENT_SERVICE_CHARGES,
        Category.OCCUPANCY,
        Category.PROPERTY_CONDITION,
        Category.TENANT_BEHAVIOUR,
        Category.ESTATE_MANAGEMENT,
        Category.COMPLAINT_HANDLING,
        Category.COMPENSATION,
    }
)
LGSCO_CATEGORIES = frozenset(
    {Category.ALLOCATIONS, Category.HOMELESSNESS, Category.HOUSING_ADVICE, Category.HOUSING_BENEFIT, Category.IMPROVEMENT_GRANTS}
)


@dataclass(frozen=True)
class Suggestion:
    body: Body
    other_name: str = ""  # for Body.OTHER
    note: str = ""

    @property
    def label(self) -> str:
        return self.other_name if self.body == Body.OTHER and self.other_name else BODY_LABELS[self.body]


def suggest_body(category: Category | str) -> Suggestion:
    """The body that usually handles a matter of this category (seed 001, appendix one)."""
    try:
        category = Category(category)
    except ValueError:
        raise ValueError(f"'{category}' is not an Ombudsman category") from None
    if category in HOUSING_OMBUDSMAN_CATEGORIES:
        return Suggestion(Body.HOUSING_OMBUDSMAN)
    if category in LGSCO_CATEGORIES:
        return Suggestion(Body.LGSCO, note="A council's housing functions: the Local Government and Social Care Ombudsman.")
    if category == Category.CARE_SERVICES:
        return Suggestion(
            Body.LGSCO, note="Care services may fall to the Care Quality Commission or the LGSCO: check and change if needed."
        )
    return Suggestion(Body.HOUSING_OMBUDSMAN, note="Not in the appendix: check which body has jurisdiction.")
