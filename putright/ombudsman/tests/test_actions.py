import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from putright.cases.models import CaseEvent
from putright.cases.tests.factories import complaint_at, log_service_request
from putright.ombudsman import actions
from putright.ombudsman.models import Determination, DeterminationFinding, ExceptionalCircumstance, OmbudsmanEvent, Order
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import State

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def complaint(handler, resident):
    return complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident)


@pytest.fixture
def oc(complaint, handler):
    return actions.open_ombudsman_case(
        case=complaint, category="property_condition", opened_on=dt.date(2026, 11, 18), their_reference="202412345", actor=handler, today=TODAY
    )


def test_it_opens_a_case_with_the_suggested_body_and_records_it_on_the_complaint(oc, complaint, resident):
    assert oc.body == "housing_ombudsman"
    assert oc.resident == resident
    assert OmbudsmanEvent.objects.filter(ombudsman_case=oc, kind="opened").exists()
    assert CaseEvent.objects.filter(case=complaint, kind="ombudsman_opened").exists()


def test_it_opens_a_standalone_case_for_another_body(handler, resident):
    oc = actions.open_ombudsman_case(
        resident=resident, category="care_services", body="other", body_name="Care Quality Commission",
        opened_on=dt.date(2026, 11, 2), actor=handler, today=TODAY,
    )
    assert oc.case is None and oc.body_label == "Care Quality Commission"
    assert oc.differs_from_suggestion


def test_it_refuses_another_body_without_a_name(handler, resident):
    with pytest.raises(RuleViolation) as e:
        actions.open_ombudsman_case(resident=resident, category="other", body="other", opened_on=TODAY, actor=handler, today=TODAY)
    assert e.value.field == "body_name"


def test_it_refuses_a_service_request(handler, resident):
    request = log_service_request(resident=resident, actor=handler)
    with pytest.raises(RuleViolation):
        actions.open_ombudsman_case(case=request, category="property_condition", opened_on=TODAY, actor=handler, today=TODAY)


def test_it_refuses_oversight(complaint, oversight):
    with pytest.raises(PermissionDenied):
        actions.open_ombudsman_case(case=complaint, category="property_condition", opened_on=TODAY, actor=oversight, today=TODAY)


def test_it_changes_the_body(oc, handler):
    oc = actions.change_body(oc, body="lgsco", reason="A Part 6 allocation decision.", actor=handler)
    assert oc.body == "lgsco"
    with pytest.raises(RuleViolation):
        actions.change_body(oc, body="housing_ombudsman", reason="", actor=handler)


def test_it_records_an_information_request_and_the_bundle_sent(oc, handler):
    req = actions.add_information_request(oc, requested_on=dt.date(2026, 11, 18), due_by=dt.date(2026, 12, 2), actor=handler, today=TODAY)
    assert not req.is_overdue(TODAY) and req.is_overdue(dt.date(2026, 12, 3))
    with pytest.raises(RuleViolation) as e:
        actions.record_information_sent(req, sent_on=TODAY, bundle="", actor=handler, today=TODAY)
    assert e.value.field == "bundle"
    req = actions.record_information_sent(req, sent_on=TODAY, bundle="PR-2026-000001-bundle.pdf", actor=handler, today=TODAY)
    assert req.sent_on == TODAY


def test_it_refuses_an_information_request_without_a_due_date(oc, handler):
    with pytest.raises(RuleViolation) as e:
        actions.add_information_request(oc, requested_on=TODAY, due_by=None, actor=handler, today=TODAY)
    assert e.value.field == "due_by"


def test_it_records_a_determination_with_a_finding_per_issue(oc, handler):
    d = actions.record_determination(
        oc, determined_on=TODAY, actor=handler, today=TODAY,
        findings=[("Repairs to the leak", "maladministration"), ("Complaint handling", "service_failure"), ("Compensation", "reasonable_redress")],
    )
    assert [f.finding for f in d.findings.all()] == ["maladministration", "service_failure", "reasonable_redress"]


def test_it_refuses_a_finding_outside_the_allowed_list(oc, handler):
    with pytest.raises(RuleViolation) as e:
        actions.record_determination(oc, determined_on=TODAY, findings=[("Repairs", "partly upheld")], actor=handler, today=TODAY)
    assert "not a finding" in str(e.value)
    assert not Determination.objects.exists() and not DeterminationFinding.objects.exists()


def test_it_refuses_a_determination_without_findings(oc, handler):
    with pytest.raises(RuleViolation):
        actions.record_determination(oc, determined_on=TODAY, findings=[], actor=handler, today=TODAY)


def test_it_refuses_an_order_without_a_due_date_but_takes_a_recommendation(oc, handler):
    with pytest.raises(RuleViolation) as e:
        actions.add_order(oc, kind="order", text="Pay £400.", actor=handler)
    assert e.value.field == "due_by"
    rec = actions.add_order(oc, kind="recommendation", text="Review the repairs policy.", actor=handler)
    assert rec.due_by is None


def test_it_refuses_compliance_without_evidence_then_records_it(oc, handler):
    order = actions.add_order(oc, kind="order", text="Pay £400.", due_by=dt.date(2026, 12, 21), compensation_ordered="400", actor=handler)
    assert order.compensation_ordered == Decimal("400")
    with pytest.raises(RuleViolation) as e:
        actions.record_compliance(order, complied_on=TODAY, evidence="  ", actor=handler, today=TODAY)
    assert e.value.field == "evidence"
    assert Order.objects.get(pk=order.pk).complied_on is None
    order = actions.record_compliance(order, complied_on=TODAY, evidence="Payment record sent 23 Nov.", actor=handler, today=TODAY)
    assert order.complied_on == TODAY and not order.is_overdue(dt.date(2027, 1, 1))


def test_it_refuses_closing_with_orders_outstanding(oc, handler):
    actions.add_order(oc, kind="order", text="Apologise.", due_by=dt.date(2026, 12, 21), actor=handler)
    with pytest.raises(RuleViolation):
        actions.close_ombudsman_case(oc, closed_on=TODAY, actor=handler, today=TODAY)


def test_it_records_exceptional_circumstances_for_administrators_only(admin_user, manager, complaint):
    kwargs = dict(
        title="Cyber incident", description="Case system unavailable.", starts_on=dt.date(2026, 11, 2),
        compliance_returns_by=dt.date(2026, 12, 14), residents_told_on=dt.date(2026, 11, 4), ombudsman_told_on=dt.date(2026, 11, 3),
        affected_cases=[complaint], today=TODAY,
    )
    with pytest.raises(PermissionDenied):
        actions.record_exceptional_circumstance(actor=manager, **kwargs)
    ec = actions.record_exceptional_circumstance(actor=admin_user, **kwargs)
    assert list(ec.affected_cases.all()) == [complaint]
    assert CaseEvent.objects.filter(case=complaint, kind="exceptional_circumstance").exists()
    ec = actions.update_exceptional_circumstance(ec, ends_on=dt.date(2026, 11, 20), published_on=dt.date(2026, 11, 5), actor=admin_user, today=TODAY)
    assert ec.ends_on == dt.date(2026, 11, 20)


def test_it_refuses_exceptional_circumstances_without_a_return_date(admin_user):
    with pytest.raises(RuleViolation) as e:
        actions.record_exceptional_circumstance(
            title="Flood", description="Office flooded.", starts_on=TODAY, compliance_returns_by=None, actor=admin_user, today=TODAY
        )
    assert e.value.provision == "8.5"
    assert not ExceptionalCircumstance.objects.exists()
