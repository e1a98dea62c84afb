"""Issue 12: the named roles with dates (4.1, 9.4, 9.5) and the governing body's receipt of each
annual and quarterly report with its response (8.2, 9.6), in the self-assessment's evidence and
the annual report."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from putright.cases.tests.test_views_forms import date_fields
from putright.governance import actions
from putright.governance.models import NamedRole, ReportReceipt
from putright.reports.render import annual_html
from putright.rules.errors import RuleViolation
from putright.selfassessment import evidence as data

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def test_a_new_holder_ends_the_previous_one_and_the_evidence_sees_every_day_of_the_year(manager, handler):
    with pytest.raises(PermissionDenied):
        actions.appoint("senior_lead", name="Ann Lee", starts_on=dt.date(2025, 1, 6), actor=handler, today=TODAY)
    with pytest.raises(RuleViolation) as caught:
        actions.appoint("senior_lead", name=" ", starts_on=dt.date(2025, 1, 6), actor=manager, today=TODAY)
    assert caught.value.provision == "9.4"
    first = actions.appoint("senior_lead", name="Ann Lee", job_title="Director of Housing", starts_on=dt.date(2025, 1, 6), actor=manager, today=TODAY)
    second = actions.appoint("senior_lead", name="Bo Diaz", starts_on=dt.date(2026, 6, 1), actor=manager, today=TODAY)
    first.refresh_from_db()
    assert first.ends_on == dt.date(2026, 5, 31) and second.ends_on is None
    with pytest.raises(RuleViolation):  # not before the current holder started
        actions.appoint("senior_lead", name="Cy", starts_on=dt.date(2026, 5, 1), actor=manager, today=TODAY)
    actions.appoint("member_responsible", name="Councillor Dee", starts_on=dt.date(2026, 9, 1), actor=manager, today=TODAY)

    found = data.evidence_for(2026, today=TODAY)
    assert found["9.4"].failures == 0
    assert "Ann Lee, Director of Housing from 6 January 2025 to 31 May 2026; Bo Diaz from 1 June 2026" in found["9.4"].sentence
    assert found["9.5"].failures == 1 and "Part of the year has nobody recorded" in found["9.5"].sentence  # from September only
    assert found["4.1"].failures == 1 and found["4.1"].sentence.startswith("Nobody is recorded as the complaints officer")
    assert data.warning(found["4.1"], "yes").startswith("Answered yes, but the figures show no complaints officer")


def test_the_governing_body_receipt_is_recorded_once_after_the_period_and_shown(manager):
    with pytest.raises(RuleViolation) as caught:  # the year has not ended
        actions.record_receipt(year=2026, received_on=TODAY, response="Noted.", actor=manager, today=TODAY)
    assert caught.value.field == "received_on"
    actions.record_receipt(year=2026, quarter=2, received_on=dt.date(2026, 10, 14), meeting="Board, October",
                           response="The board asked for a plan on damp complaints.", actor=manager, today=TODAY)
    with pytest.raises(RuleViolation):
        actions.record_receipt(year=2026, quarter=2, received_on=dt.date(2026, 10, 15), response="Again.", actor=manager, today=TODAY)
    actions.record_receipt(year=2025, received_on=dt.date(2026, 6, 10), meeting="Board, June",
                           response="The board welcomes the report and asks for quarterly updates.", actor=manager, today=TODAY)
    actions.appoint("complaints_officer", name="The Complaints Team", starts_on=dt.date(2024, 4, 1), actor=manager, today=TODAY)
    assert "Q2 on 14 October 2026" in data.evidence_for(2026, today=TODAY)["9.6"].sentence
    assert "received the 2025/26 annual report on 10 June 2026 (Board, June)" in data.evidence_for(2025, today=TODAY)["8.2"].sentence
    html = annual_html(2025, today=TODAY)
    assert "The governing body received this report on 10 June 2026 (Board, June)" in html
    assert "The board welcomes the report and asks for quarterly updates." in html
    assert "The Complaints Team (from 1 April 2024)" in html


def test_the_pages_read_for_all_and_record_for_managers(client, manager, oversight):
    client.force_login(manager)
    refused = client.post("/governance/appoint/", {"kind": "member_responsible", "name": "", **date_fields("starts_on", dt.date(2026, 9, 1))})
    assert refused.status_code == 200 and not NamedRole.objects.exists()
    done = client.post("/governance/appoint/", {"kind": "member_responsible", "name": "Councillor Dee", **date_fields("starts_on", dt.date(2026, 9, 1))})
    assert done.status_code == 302
    done = client.post("/governance/receipt/", {"year": "2025", "quarter": "0", **date_fields("received_on", dt.date(2026, 6, 10)),
                                                "response": "Welcomed."})
    assert done.status_code == 302 and ReportReceipt.objects.get().response == "Welcomed."
    client.force_login(oversight)
    page = client.get("/governance/").content.decode()
    assert "Councillor Dee" in page and "Welcomed." in page and "Name who holds a role" not in page
    assert client.get("/governance/appoint/").status_code == 403
