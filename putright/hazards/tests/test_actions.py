"""Hazard reports through the service functions: stored deadlines, checks, append-only record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.core.exceptions import PermissionDenied

from putright.cases.models import AppendOnlyError
from putright.cases.tests.factories import log_complaint, log_compliment, log_service_request
from putright.hazards import actions, steps
from putright.hazards.kinds import ensure_kinds
from putright.hazards.models import HazardEvent, HazardKind, Outcome, StepKind
from putright.residents.models import Adjustment, AdjustmentKind
from putright.rules.errors import RuleViolation
from putright.rules.hazards import local_moment

from .helpers import damp, raise_damp

pytestmark = pytest.mark.django_db


def at(*args):
    return local_moment(dt.datetime(*args))


def test_raising_from_a_complaint_stores_the_clock_and_the_household(handler, resident):
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.VULNERABILITY, description="Baby aged 6 months with asthma")
    Adjustment.objects.create(resident=resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Calls after 10am")
    case = log_complaint(resident=resident, actor=handler)
    report = raise_damp(case, actor=handler)
    assert report.investigate_by == dt.date(2026, 11, 19)
    assert report.investigate_by_at is None
    assert report.summary_by is None and report.safety_work_by is None
    assert report.next_due_on == dt.date(2026, 11, 19)
    assert report.household_vulnerabilities == "Vulnerability: Baby aged 6 months with asthma"
    assert report.resident == resident
    event = report.events.get()
    assert event.kind == "raised" and event.actor == handler
    assert "investigate by Thu 19 Nov 2026" in event.summary


def test_emergency_stores_the_hour(handler, resident):
    case = log_service_request(resident=resident, actor=handler)
    report = raise_damp(case, actor=handler, category="emergency", aware_at=at(2026, 11, 21, 22, 15))
    assert report.investigate_by_at == at(2026, 11, 22, 22, 15)
    assert report.safety_work_by_at == at(2026, 11, 22, 22, 15)
    assert report.next_due_at == at(2026, 11, 22, 22, 15)


def test_the_whole_significant_journey(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    report = actions.record_investigation(
        report, concluded_at=at(2026, 11, 12, 11, 0), investigator="Dana Surveyor (damp specialist)",
        findings="Condensation mould; failed extractor fan.", outcome=Outcome.SIGNIFICANT_FOUND, actor=handler,
    )
    # Investigated Thu 12 Nov: summary by Tue 17 Nov, safety and preventative begun by Thu 19 Nov,
    # physically started within 12 weeks: Thu 4 Feb 2027.
    assert (report.summary_by, report.safety_work_by, report.preventative_work_begin_by, report.preventative_work_start_by) == (
        dt.date(2026, 11, 17), dt.date(2026, 11, 19), dt.date(2026, 11, 19), dt.date(2027, 2, 4),
    )
    assert report.next_due_on == dt.date(2026, 11, 17)
    report = actions.record_summary(report, given_on=dt.date(2026, 11, 18), actor=handler)  # a day late
    report = actions.record_safety_work(report, done_at=at(2026, 11, 16, 9, 0), work="Mould wash; new fan.", actor=handler)
    report = actions.record_preventative_work(report, work="Insulate the wall.", begun_on=dt.date(2026, 11, 17), actor=handler)
    assert report.next_due_on == dt.date(2027, 2, 4)
    rows = {row.step: row.status for row in steps.step_rows(report, now=at(2026, 11, 23, 10, 0))}
    assert rows == {
        "investigate_by": "met",
        "summary_by": "missed",
        "safety_work_by": "met",
        "preventative_work_begin_by": "met",
        "preventative_work_start_by": "due",
    }
    report = actions.close_hazard(report, closed_on=dt.date(2026, 11, 23), reason="Work under way.", actor=handler)
    assert report.next_due_on is None
    assert [e.kind for e in report.events.all()] == ["raised", "investigated", "summary", "safety_work", "preventative_work", "closed"]


def test_overdue_without_an_investigation(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    [row] = steps.step_rows(report, now=at(2026, 11, 20, 0, 1))
    assert row.status == "overdue"
    [row] = steps.step_rows(report, now=at(2026, 11, 19, 23, 59))
    assert row.status == "due"


def test_no_hazard_found_leaves_only_the_summary(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    report = actions.record_investigation(
        report, concluded_at=at(2026, 11, 9, 10, 0), investigator="Dana", findings="Dry: no mould.",
        outcome=Outcome.NO_HAZARD, actor=handler,
    )
    assert report.summary_by == dt.date(2026, 11, 12)
    assert report.safety_work_by is None and report.preventative_work_start_by is None
    with pytest.raises(RuleViolation) as error:
        actions.record_safety_work(report, done_at=at(2026, 11, 10, 9, 0), work="x", actor=handler)
    assert error.value.field == "done_at"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(category="significant", kind="Excess cold"), "category"),  # not yet a significant hazard
        (dict(category="emergency", kind="Crowding and space"), "category"),
        (dict(category="severe"), "category"),
        (dict(description="  "), "description"),
        (dict(home="", resident_address=""), "home"),
        (dict(aware_at="a week from now"), "aware_at"),  # in the future, whatever day the suite runs
        (dict(aware_at=dt.datetime(2026, 3, 29, 1, 30)), "aware_at"),  # did not happen in London
    ],
)
def test_raising_refuses_bad_input_and_saves_nothing(handler, resident, kwargs, field):
    case = log_complaint(resident=resident, actor=handler)
    ensure_kinds()
    if "kind" in kwargs:
        kwargs["kind"] = HazardKind.objects.get(name=kwargs["kind"])
    kwargs.pop("resident_address", None)
    if kwargs.get("aware_at") == "a week from now":
        kwargs["aware_at"] = timezone.now() + dt.timedelta(days=7)
    with pytest.raises(RuleViolation) as error:
        raise_damp(case, actor=handler, **kwargs)
    assert error.value.field == field
    assert not case.hazard_reports.exists()


def test_only_from_complaints_and_service_requests(handler, resident):
    with pytest.raises(RuleViolation):
        raise_damp(log_compliment(resident=resident, actor=handler), actor=handler)


def test_oversight_reads_only(handler, oversight, resident):
    case = log_complaint(resident=resident, actor=handler)
    with pytest.raises(PermissionDenied):
        raise_damp(case, actor=oversight)
    report = raise_damp(case, actor=handler)
    with pytest.raises(PermissionDenied):
        actions.record_update(report, given_on=dt.date(2026, 11, 6), method="phone", summary="x", actor=oversight)


def test_dates_before_awareness_are_refused(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    with pytest.raises(RuleViolation, match="before the landlord became aware") as error:
        actions.record_investigation(report, concluded_at=at(2026, 11, 5, 9, 0), investigator="D", findings="f", outcome=Outcome.NO_HAZARD, actor=handler)
    assert error.value.field == "concluded_at"
    with pytest.raises(RuleViolation, match="Record the investigation before"):
        actions.record_summary(report, given_on=dt.date(2026, 11, 6), actor=handler)
    report = actions.record_investigation(report, concluded_at=at(2026, 11, 12, 9, 0), investigator="D", findings="f", outcome=Outcome.NO_HAZARD, actor=handler)
    with pytest.raises(RuleViolation, match="before the investigation concluded"):
        actions.record_summary(report, given_on=dt.date(2026, 11, 6), actor=handler)


def test_accommodation_updates_and_reasonable_steps(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler, category="emergency")
    report = actions.record_accommodation(report, offered_on=dt.date(2026, 11, 6), accepted=True, moved_on=dt.date(2026, 11, 6), actor=handler)
    assert report.in_alternative_accommodation
    with pytest.raises(RuleViolation) as error:
        actions.record_accommodation(report, offered_on=dt.date(2026, 11, 6), accepted=True, returned_on=dt.date(2026, 11, 5), actor=handler)
    assert error.value.field in ("returned_on", "offered_on")
    actions.record_update(report, given_on=dt.date(2026, 11, 9), method="phone", summary="Works booked for 12 Nov.", actor=handler)
    actions.record_reasonable_step(report, on=dt.date(2026, 11, 6), kind=StepKind.NO_ACCESS, details="No answer at 9am and 2pm; card left.", actor=handler)
    assert [e.kind for e in report.events.all()] == ["raised", "accommodation", "update", "reasonable_step"]


def test_the_record_is_append_only(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)
    event = report.events.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        HazardEvent.objects.all().delete()


def test_kinds_are_data():
    ensure_kinds()  # the seeding migration's rows (a flushed test database loses them)
    assert HazardKind.objects.count() == 29
    assert list(HazardKind.objects.exclude(significant_from=None).values_list("name", flat=True)) == ["Damp and mould growth"]
    assert damp().emergency_from == dt.date(2025, 10, 27)


def test_reclassifying_counts_again_from_awareness(handler, resident):
    report = raise_damp(log_complaint(resident=resident, actor=handler), actor=handler, aware_at=at(2026, 11, 20, 18, 0))
    assert report.investigate_by == dt.date(2026, 12, 4)
    report = actions.reclassify(report, category="emergency", reason="Baby in the room; mould on the cot.", actor=handler)
    assert report.investigate_by_at == at(2026, 11, 21, 18, 0)
    assert report.events.last().kind == "reclassified"
    with pytest.raises(RuleViolation) as error:
        actions.reclassify(report, category="emergency", reason="again", actor=handler)
    assert error.value.field == "category"
