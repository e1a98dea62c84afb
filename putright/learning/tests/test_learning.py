import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from putright.cases.models import CaseEvent, ServiceArea
from putright.cases.tests.factories import complaint_at
from putright.learning import actions, queries
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import State

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def responded(handler, resident):
    return complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident)


def test_it_records_learning_after_a_response(responded, handler):
    area = ServiceArea.objects.create(name="Repairs")
    item = actions.record_learning(
        responded, recorded_on=TODAY, what_went_wrong="The repair was booked late.", root_cause="Job not raised from the call.",
        service_area=area, contractor="Acme Plumbing", actor=handler, today=TODAY,
    )
    assert item.contractor == "Acme Plumbing"
    assert CaseEvent.objects.filter(case=responded, kind="learning_recorded").exists()
    assert queries.learning_by_contractor(TODAY, TODAY) == [("Acme Plumbing", 1)]
    assert queries.learning_by_service_area(TODAY, TODAY) == [("Repairs", 1)]


def test_it_refuses_learning_before_a_response(handler, resident):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    with pytest.raises(RuleViolation):
        actions.record_learning(case, recorded_on=TODAY, what_went_wrong="x", root_cause="y", actor=handler, today=TODAY)


def test_it_refuses_learning_without_a_root_cause_or_from_oversight(responded, handler, oversight):
    with pytest.raises(RuleViolation) as e:
        actions.record_learning(responded, recorded_on=TODAY, what_went_wrong="Late.", root_cause="", actor=handler, today=TODAY)
    assert e.value.field == "root_cause"
    with pytest.raises(PermissionDenied):
        actions.record_learning(responded, recorded_on=TODAY, what_went_wrong="Late.", root_cause="x", actor=oversight, today=TODAY)


def test_it_turns_learning_into_an_improvement_done_with_you_said_we_did(responded, handler, manager):
    item = actions.record_learning(responded, recorded_on=TODAY, what_went_wrong="Late.", root_cause="No triage.", actor=handler, today=TODAY)
    with pytest.raises(RuleViolation) as e:
        actions.add_improvement(title="Triage leaks", due_by=dt.date(2027, 1, 31), learning_items=[item], actor=manager, today=TODAY)
    assert e.value.field == "owner"
    imp = actions.add_improvement(title="Triage leaks", due_by=dt.date(2027, 1, 31), owner=manager, learning_items=[item], actor=manager, today=TODAY)
    assert list(imp.cases.all()) == [responded]
    with pytest.raises(RuleViolation) as e:
        actions.update_improvement(imp, status="done", done_on=TODAY, actor=manager, today=TODAY)
    assert e.value.field == "you_said_we_did"
    imp = actions.update_improvement(
        imp, status="done", done_on=TODAY, you_said_we_did="You said leaks took too long; we now triage every leak on the day.", actor=manager, today=TODAY
    )
    done = list(queries.improvements_done(dt.date(2026, 4, 1), dt.date(2027, 3, 31)))
    assert [d.pk for d in done] == [imp.pk] and done[0].complaints == 1
    assert CaseEvent.objects.filter(case=responded, kind="improvement_done").exists()
    assert not queries.improvements_done(dt.date(2025, 4, 1), dt.date(2026, 3, 31)).exists()
