"""Demo data for Ombudsman cases, learning, safeguards and exceptional circumstances.

Called once at the end of `putright.cases.demo.build_demo`, after the cases exist. Everything is
made through the service functions, as staff would make it. Quietly does less when the demo has
few responded complaints.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from putright.accounts.models import User
from putright.cases.models import Case, ServiceArea
from putright.learning import actions as learning
from putright.ombudsman import actions
from putright.residents import actions as residents
from putright.residents.models import AdjustmentKind, Resident
from putright.rules.lifecycle import Kind

# Five determinations, 13 findings: the shape of seed 001's year.
DETERMINATIONS = [
    [("Response to reports of damp and mould", "severe_maladministration"), ("Complaint handling", "maladministration"),
     ("Record keeping", "service_failure")],
    [("Repairs to the roof", "maladministration"), ("Compensation offered", "no_maladministration")],
    [("Noise from a neighbour (ASB)", "service_failure"), ("Complaint handling", "reasonable_redress"),
     ("Communication", "no_maladministration")],
    [("Insurance claim for damaged belongings", "outside_jurisdiction"), ("Repairs to the kitchen", "maladministration")],
    [("Service charges", "reasonable_redress"), ("Estate cleaning", "mediation"), ("Parking", "withdrawn")],
]
CATEGORIES = ["property_condition", "property_condition", "tenant_behaviour", "property_condition", "rent_service_charges"]
LEARNING = [
    ("The damp report was closed as done without a follow-up visit.", "Jobs closed by the contractor without inspection.", "Kemp Building Services"),
    ("The stage 1 response was late and missed two points.", "Handler workload; no second check of the definition.", ""),
    ("Appointments were missed twice without a call.", "No text reminders for contractor appointments.", "Acme Plumbing"),
    ("The resident was not told about the extension.", "Extension letters not sent from the old system.", ""),
    ("Communal cleaning was skipped for three weeks.", "Cleaning rota not updated after staff changes.", "ShineRight Cleaning"),
]


def build_ombudsman_demo(demo) -> None:
    today = demo.today
    manager = User.objects.get(username="manager")
    handler = User.objects.get(username="handler")
    admin = User.objects.get(username="admin")
    responded = list(
        Case.objects.filter(kind=Kind.COMPLAINT, stages__responded_on__isnull=False, resident__isnull=False)
        .distinct().order_by("received_on", "id")[:12]
    )
    with transaction.atomic():
        _ombudsman(today, responded[:6], handler)
        _learning(today, responded[6:12] or responded[:5], handler, manager)
        _safeguards(today, manager, handler)
        _exceptional(today, admin, responded[:3])


def _ombudsman(today: dt.date, cases: list[Case], handler) -> None:
    for i, (case, findings) in enumerate(zip(cases, DETERMINATIONS)):
        opened = today - dt.timedelta(days=200 - 20 * i)
        oc = actions.open_ombudsman_case(
            case=case, category=CATEGORIES[i], opened_on=opened, their_reference=f"2025{10040 + i:05d}", actor=handler, today=today
        )
        request = actions.add_information_request(oc, requested_on=opened, due_by=opened + dt.timedelta(days=14), actor=handler, today=today,
                                                  description="The complaint file, repair records and correspondence.")
        actions.record_information_sent(request, sent_on=opened + dt.timedelta(days=12), bundle=f"{case.reference}-bundle-ombudsman.pdf", actor=handler, today=today)
        determined = opened + dt.timedelta(days=70)
        d = actions.record_determination(oc, determined_on=determined, findings=findings, actor=handler, today=today, code_non_compliance=(i == 0),
                                         summary="The Ombudsman's determination, received by email.")
        if any(f in ("severe_maladministration", "maladministration", "service_failure") for _, f in findings):
            order = actions.add_order(oc, kind="order", text="Apologise in writing to the resident.", due_by=determined + dt.timedelta(days=28),
                                      determination=d, actor=handler)
            actions.record_compliance(order, complied_on=determined + dt.timedelta(days=14), evidence="Copy of the apology letter sent to the Ombudsman.",
                                      actor=handler, today=today)
            money = actions.add_order(oc, kind="order", text="Pay the resident compensation for distress and inconvenience.",
                                      due_by=determined + dt.timedelta(days=28), compensation_ordered=200 + 200 * (2 - min(i, 2)), determination=d, actor=handler)
            if i != 1:  # one order is left overdue
                actions.record_compliance(money, complied_on=determined + dt.timedelta(days=20), evidence="Payment confirmation sent to the Ombudsman.",
                                          actor=handler, today=today)
        actions.add_order(oc, kind="recommendation", text="Review the repairs policy for damp reports.", determination=d, actor=handler)
    if len(cases) > 5:
        # Still open: an information request now overdue.
        oc = actions.open_ombudsman_case(case=cases[5], category="complaint_handling", opened_on=today - dt.timedelta(days=20),
                                         their_reference="202510099", actor=handler, today=today)
        actions.add_information_request(oc, requested_on=today - dt.timedelta(days=20), due_by=today - dt.timedelta(days=3), actor=handler, today=today,
                                        description="Copies of the stage 1 and stage 2 responses.")
    resident = Resident.objects.order_by("id").first()
    if resident is not None:
        actions.open_ombudsman_case(resident=resident, category="allocations", opened_on=today - dt.timedelta(days=10), their_reference="LGSCO 25 001 234",
                                    summary="Priority band on the housing register: came to the LGSCO first.", actor=handler, today=today)
        actions.open_ombudsman_case(resident=resident, category="care_services", body="other", body_name="Care Quality Commission",
                                    opened_on=today - dt.timedelta(days=5), summary="Care at the extra care scheme.", actor=handler, today=today)


def _learning(today: dt.date, cases: list[Case], handler, manager) -> None:
    items = []
    for case, (wrong, cause, contractor) in zip(cases, LEARNING):
        items.append(learning.record_learning(case, recorded_on=today, what_went_wrong=wrong, root_cause=cause, contractor=contractor,
                                              learning="Shared at the team meeting.", actor=handler, today=today))
    if not items:
        return
    done = learning.add_improvement(
        title="Post-inspection of every damp and mould job", owner=manager, due_by=today - dt.timedelta(days=30),
        service_area=ServiceArea.objects.filter(name="Damp and mould").first(), learning_items=items[:1], actor=manager, today=today,
    )
    learning.update_improvement(done, status="done", done_on=today - dt.timedelta(days=20), actor=manager, today=today,
                                you_said_we_did="You said damp jobs were closed before the mould had gone. We now inspect every damp and mould job after the work.")
    progress = learning.add_improvement(title="Text reminders for repair appointments", owner_name="Repairs team", due_by=today + dt.timedelta(days=45),
                                        learning_items=items[2:3], actor=manager, today=today)
    learning.update_improvement(progress, status="in_progress", actor=manager, today=today)
    learning.add_improvement(title="Second check of every stage 1 complaint definition", owner=manager, due_by=today - dt.timedelta(days=7),
                             learning_items=items[1:2], actor=manager, today=today)


def _safeguards(today: dt.date, manager, handler) -> None:
    people = list(Resident.objects.filter(cases__kind=Kind.COMPLAINT).distinct().order_by("id")[:3])
    if len(people) < 3:
        return
    due, lapsed, active = people
    base = dict(
        reasons="Repeated abusive and threatening calls to staff.",
        evidence="Call recordings and staff notes: 14 calls in three weeks.",
        equality_considerations="No disability disclosed; asked about support needs. Email and one named officer keep a way to complain open.",
    )
    residents.add_restriction(due, restricted="Contact by email to one named officer only.", starts_on=today - dt.timedelta(days=80),
                              review_by=today + dt.timedelta(days=7), actor=manager, today=today - dt.timedelta(days=80), **base)
    made = today - dt.timedelta(days=120)
    residents.add_restriction(lapsed, restricted="Calls limited to Tuesday mornings.", starts_on=made,
                              review_by=today - dt.timedelta(days=5), actor=manager, today=made, **base)
    residents.add_restriction(active, restricted="No visits to the area office without an appointment.", starts_on=today - dt.timedelta(days=10),
                              review_by=today + dt.timedelta(days=90), actor=manager, today=today, **base)
    residents.add_adjustment(due, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Letters in large print.", agreed_on=today - dt.timedelta(days=170),
                             review_by=today + dt.timedelta(days=3), actor=handler, today=today)


def _exceptional(today: dt.date, admin, cases: list[Case]) -> None:
    start = today - dt.timedelta(days=150)
    actions.record_exceptional_circumstance(
        title="Cyber incident: case system unavailable",
        description="A cyber incident took the housing management system offline; complaints were logged on paper and responses were delayed.",
        starts_on=start, ends_on=start + dt.timedelta(days=21), compliance_returns_by=start + dt.timedelta(days=28),
        residents_told_on=start + dt.timedelta(days=2), ombudsman_told_on=start + dt.timedelta(days=1), published_on=start + dt.timedelta(days=3),
        affected_cases=cases, actor=admin, today=today,
    )
