"""What anonymising one case does and refuses, and the pure rules for event data."""

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import CaseEvent, Extension
from putright.cases.tests import factories as f
from putright.privacy import actions as privacy_actions
from putright.privacy.anonymise import CannotAnonymise, anonymise_case
from putright.privacy.models import AnonymisedResident, HoldReason, Why
from putright.privacy.scrub import REMOVED, redact, scrub_data


def test_event_data_keeps_facts_and_loses_free_text():
    data = {
        "acknowledged_on": "2026-11-04", "decision": "upheld", "late": False, "amount": "150.00", "stage": 2,
        "reason": "We are waiting for Mr Smith's report.", "correspondent": "Rita Patel", "email": "rita@example.org",
        "points": [{"decision": "not_upheld", "point": "The leak at 4 Elm Road"}], "complaint_reference": "CMP-2026-0001",
        "something_new": "Anything else Written Like This",
    }
    assert scrub_data(data) == {
        "acknowledged_on": "2026-11-04", "decision": "upheld", "late": False, "amount": "150.00", "stage": 2,
        "reason": REMOVED, "correspondent": REMOVED, "email": REMOVED,
        "points": [{"decision": "not_upheld", "point": REMOVED}], "complaint_reference": "CMP-2026-0001",
        "something_new": REMOVED,
    }


def test_redact_finds_any_case_and_longest_first():
    assert redact("Spoke to RITA PATEL at 4 Elm Road", ["Rita Patel", "Rita", "4 Elm Road"]) == f"Spoke to {REMOVED} at {REMOVED}"


@pytest.mark.django_db
def test_it_refuses_an_open_case_a_held_case_and_a_second_time(resident, manager, today):
    case = f.log_complaint(resident=resident)
    with pytest.raises(CannotAnonymise, match="still open"):
        anonymise_case(case, why=Why.RETENTION)
    actions.withdraw(case, withdrawn_on=today, today=today)
    privacy_actions.place_hold(case, reason=HoldReason.MANAGER, explanation="Board review of repairs complaints.", actor=manager, today=today)
    with pytest.raises(CannotAnonymise, match="on hold: a manager's recorded reason"):
        anonymise_case(case, why=Why.RETENTION)
    anonymise_case(case, why=Why.RETENTION, check_holds=False)
    with pytest.raises(CannotAnonymise, match="already been anonymised"):
        anonymise_case(case, why=Why.RETENTION, check_holds=False)


@pytest.mark.django_db
def test_it_keeps_the_resident_while_another_case_of_theirs_is_not_anonymised(resident, handler, today):
    first = f.log_complaint(resident=resident)
    actions.withdraw(first, withdrawn_on=today, today=today)
    second = f.log_complaint(resident=resident)
    anonymise_case(first, why=Why.RETENTION)
    resident.refresh_from_db()
    assert resident.name == "Rita Patel" and not AnonymisedResident.objects.exists()
    actions.withdraw(second, withdrawn_on=today, today=today)
    anonymise_case(second, why=Why.RETENTION)
    resident.refresh_from_db()
    assert (resident.name, resident.email, resident.tenure) == (f"Anonymised resident {resident.pk}", "", "lcra")


@pytest.mark.django_db
def test_a_blank_good_reason_stays_blank_and_dates_stay(handler, today):
    case = f.complaint_at(f.State.STAGE1_ACKNOWLEDGED, handler=handler)
    actions.extend(case, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs())  # recorded when agreed
    actions.respond(case, responded_on=dt.date(2026, 11, 20), points=f.points(), actor=handler, today=dt.date(2026, 11, 20))
    actions.close(case, closed_on=today, actor=handler, today=today)
    columns = ("previous_respond_by", "new_respond_by", "good_reason", "resident_told_on")
    before = list(Extension.objects.filter(stage__case=case).values(*columns))
    events_before = list(CaseEvent.objects.filter(case=case).values_list("kind", "at", "actor"))
    anonymise_case(case, why=Why.RETENTION)
    assert list(Extension.objects.filter(stage__case=case).values(*columns)) == before
    assert before[0]["good_reason"] == ""
    assert Extension.objects.get(stage__case=case).reason == REMOVED
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", "at", "actor")) == events_before
    stage = case.stages.get(number=1)
    assert (stage.definition, stage.decision, stage.responded_on) == (REMOVED, "upheld", dt.date(2026, 11, 20))
    assert all(e.summary.endswith("Details removed when the record was anonymised.") for e in CaseEvent.objects.filter(case=case))


@pytest.mark.django_db
def test_it_removes_the_staff_reminders_that_named_the_resident(resident, handler, today):
    from putright.notifications.emails import staff_reminder
    from putright.notifications.models import Outbox

    case = f.log_complaint(resident=resident, handler=handler)
    handler.email = "hari@landlord.example"
    handler.save()
    reminder = staff_reminder(handler, overdue=[{"case": case, "words": "acknowledge", "url": "/"}], due_soon=[], today=today)
    assert "Rita Patel" in reminder.body_text
    actions.withdraw(case, withdrawn_on=today, today=today)
    anonymise_case(case, why=Why.RETENTION)
    assert not Outbox.objects.filter(body_text__contains="Rita Patel").exists()


@pytest.mark.django_db
def test_an_open_hazard_holds_the_case_and_a_closed_one_is_anonymised_with_it(resident, handler, today):
    from django.utils import timezone

    from putright.hazards import actions as hazard_actions
    from putright.hazards.kinds import damp
    from putright.hazards.models import AwareHow, HazardEvent, HazardReport
    from putright.privacy.retention import holds_on
    from putright.rules import hazards as hazard_rules

    case = f.log_service_request(resident=resident)
    aware = timezone.make_aware(dt.datetime(2026, 10, 27, 9, 0))
    report = hazard_actions.raise_hazard(
        case, kind=damp(), category=hazard_rules.SIGNIFICANT, aware_at=aware, aware_how=AwareHow.RESIDENT_REPORT,
        description="Rita Patel's baby's room has black mould.", home="4 Elm Road, Riverside", actor=handler,
    )
    actions.withdraw(case, withdrawn_on=today, today=today)
    assert holds_on(case) == ["an Awaab's Law hazard report is open"]
    hazard_actions.close_hazard(report, closed_on=today, reason="Rita Patel says the mould has gone.", actor=handler)
    assert holds_on(case) == []
    anonymise_case(case, why=Why.RETENTION)
    report = HazardReport.objects.get(pk=report.pk)
    assert (report.description, report.home, report.closed_reason, report.closed_on) == (REMOVED, REMOVED, REMOVED, today)
    assert not any("Rita" in e.summary + str(e.data) for e in HazardEvent.objects.filter(report=report))
