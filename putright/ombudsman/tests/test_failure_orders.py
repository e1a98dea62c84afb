"""Issue 12: Complaint Handling Failure Orders are their own record, recorded through the service
functions and the Ombudsman case page, and counted in the annual report (8.1 c)."""

import datetime as dt

import pytest

from putright.cases.tests import factories as f
from putright.ombudsman import actions, queries
from putright.ombudsman.models import FailureOrder, FailureType
from putright.reports.render import annual_html
from putright.rules.errors import RuleViolation

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 10, 5)


def _oc(handler):
    case = f.log_complaint(handler=handler, actor=handler, received_on=dt.date(2026, 9, 1), today=dt.date(2026, 9, 1))
    return actions.open_ombudsman_case(category="property_condition", opened_on=ISSUED, case=case, actor=handler, today=f.TODAY)


def test_a_failure_order_is_recorded_complied_with_and_counted_in_8_1_c(handler):
    oc = _oc(handler)
    with pytest.raises(RuleViolation) as caught:
        actions.add_failure_order(oc, failure="code", issued_on=ISSUED, text="Respond at stage 2.", due_by=ISSUED - dt.timedelta(days=1),
                                  actor=handler, today=f.TODAY)
    assert caught.value.field == "due_by"
    with pytest.raises(RuleViolation):
        actions.add_failure_order(oc, failure="lateness", issued_on=ISSUED, text="x", due_by=ISSUED, actor=handler, today=f.TODAY)
    order = actions.add_failure_order(oc, failure=FailureType.PROGRESS, issued_on=ISSUED, their_reference="CHFO-1",
                                      text="Issue the stage 2 response within 5 working days.", due_by=dt.date(2026, 10, 12),
                                      actor=handler, today=f.TODAY)
    actions.add_failure_order(oc, failure=FailureType.INFORMATION, issued_on=dt.date(2026, 11, 2),
                              text="Send the complaint file.", due_by=dt.date(2026, 11, 9), actor=handler, today=f.TODAY)
    assert oc.case.events.filter(kind="ombudsman_failure_order_added").count() == 2  # on the complaint's record too
    actions.record_failure_order_compliance(order, complied_on=dt.date(2026, 10, 14), evidence="Final response sent 14 October.",
                                            actor=handler, today=f.TODAY)
    with pytest.raises(RuleViolation):
        actions.record_failure_order_compliance(order, complied_on=dt.date(2026, 10, 14), evidence="Again.", actor=handler, today=f.TODAY)

    summary = queries.failure_orders_summary(dt.date(2026, 4, 1), dt.date(2027, 3, 31), today=f.TODAY)
    assert (summary["total"], summary["complied"], summary["complied_late"], summary["open"], summary["overdue"]) == (2, 1, 1, 1, 1)
    assert summary["by_failure"] == {"progress": 1, "information": 1, "code": 0}
    html = annual_html(2026, today=f.TODAY)
    assert "The Housing Ombudsman issued 2 Complaint Handling Failure Orders to us in 2026/27" in html
    assert "Issue the stage 2 response within 5 working days." in html
    assert "issued no Complaint Handling Failure Orders" in annual_html(2025, today=f.TODAY)


def test_the_ombudsman_case_page_records_one(client, handler, oversight):
    from putright.cases.tests.test_views_forms import date_fields

    oc = _oc(handler)
    client.force_login(handler)
    refused = client.post(f"/ombudsman/{oc.pk}/failure-order/", {"failure": "code", **date_fields("issued_on", ISSUED), "text": "",
                                                                 **date_fields("due_by", dt.date(2026, 10, 19))})
    assert refused.status_code == 200 and not FailureOrder.objects.exists()
    done = client.post(f"/ombudsman/{oc.pk}/failure-order/", {"failure": "code", **date_fields("issued_on", ISSUED),
                                                              "text": "Publish the self-assessment.", **date_fields("due_by", dt.date(2026, 10, 19))})
    assert done.status_code == 302 and FailureOrder.objects.get().failure == "code"
    page = client.get(f"/ombudsman/{oc.pk}/").content.decode()
    assert "Complaint Handling Failure Orders" in page and "Publish the self-assessment." in page and "Overdue" in page
    order = FailureOrder.objects.get()
    assert client.post(f"/ombudsman/{oc.pk}/failure-order-complied/", {"order": str(order.pk), **date_fields("complied_on", ISSUED),
                                                                        "evidence": "Published on the website."}).status_code == 302
    order.refresh_from_db()
    assert order.complied_on == ISSUED
    client.force_login(oversight)  # reads, never writes
    assert client.post(f"/ombudsman/{oc.pk}/failure-order/", {}).status_code == 403
