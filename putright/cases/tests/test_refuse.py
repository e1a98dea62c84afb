import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import Refusal
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import State

from .factories import TODAY, complaint_at, events, log_complaint, log_service_request, refuse_kwargs, refused

pytestmark = pytest.mark.django_db

REFUSED = dt.date(2026, 11, 3)  # refuse_kwargs' date, recorded the same day


@pytest.fixture
def logged(handler):
    return log_complaint(handler=handler)  # received Mon 2 Nov 2026


def test_it_refuses_a_complaint_once_legal_proceedings_started(logged, manager):
    actions.refuse(logged, actor=manager, today=REFUSED, **refuse_kwargs())
    logged.refresh_from_db()
    assert logged.state == State.REFUSED
    assert logged.previous_state == State.STAGE1_LOGGED
    assert logged.is_open is False
    assert logged.next_deadline_by is None
    [r] = Refusal.objects.filter(case=logged)
    assert r.stage_number == 1
    assert r.refused_on == dt.date(2026, 11, 3)
    assert r.reason == RefusalReason.LEGAL_PROCEEDINGS
    assert r.explanation == "A claim about the same disrepair was filed at court."
    assert r.ombudsman_rights_given is True
    assert r.proceedings_started_on == dt.date(2026, 10, 1)
    event = events(logged)[-1]
    assert event.kind == "refused"
    assert len(events(logged, "refused")) == 1
    assert event.actor == manager
    assert event.data["stage"] == 1
    assert event.data["reason"] == "legal_proceedings"
    assert event.data["refused_on"] == "2026-11-03"
    assert event.data["ombudsman_rights_given"] is True
    assert event.summary.startswith("Complaint not accepted on 3 November 2026")


def test_it_refuses_a_complaint_about_an_issue_over_12_months_old(logged):
    actions.refuse(
        logged,
        today=REFUSED,
        **refuse_kwargs(
            reason=RefusalReason.OVER_12_MONTHS,
            proceedings_started_on=None,
            issue_arose_on=dt.date(2025, 11, 1),  # anniversary Sun 1 Nov 2026; received 2 Nov
            discretion_decision="Considered; no good reason for the delay was given.",
        ),
    )
    r = Refusal.objects.get()
    assert r.reason == RefusalReason.OVER_12_MONTHS
    assert r.issue_arose_on == dt.date(2025, 11, 1)
    assert r.discretion_decision == "Considered; no good reason for the delay was given."


def test_it_refuses_a_matter_already_considered(logged, handler, other_handler):
    earlier = complaint_at(State.CLOSED, handler=handler, stage2_handler=other_handler, received_on=dt.date(2026, 10, 1))
    actions.refuse(
        logged,
        today=REFUSED,
        **refuse_kwargs(reason="previously_considered", proceedings_started_on=None, previous_case_reference=f" {earlier.reference} "),
    )
    assert Refusal.objects.get(case=logged).previous_case_reference == earlier.reference


def test_it_refuses_for_another_explained_reason(logged):
    actions.refuse(logged, today=REFUSED, **refuse_kwargs(reason=RefusalReason.OTHER, proceedings_started_on=None, about="A neighbour's dog"))
    assert Refusal.objects.get().reason == RefusalReason.OTHER
    assert Refusal.objects.get().about == "A neighbour's dog"


def test_it_refuses_to_escalate_with_the_same_limits(handler):
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)  # requested Tue 17 Nov
    actions.refuse(case, today=TODAY, **refuse_kwargs(refused_on=TODAY))
    case.refresh_from_db()
    assert case.state == State.REFUSED
    assert case.previous_state == State.STAGE2_REQUESTED
    assert case.is_open is False
    assert case.next_deadline_by is None
    assert Refusal.objects.get().stage_number == 2
    assert events(case)[-1].data["stage"] == 2
    assert events(case)[-1].summary.startswith("Escalation to stage 2 refused")


@pytest.mark.parametrize("explanation", ["", "   ", None])
def test_it_refuses_without_an_explanation(explanation, logged):
    refused(lambda: actions.refuse(logged, today=TODAY, **refuse_kwargs(explanation=explanation)), field="explanation", provision="2.4")
    assert not Refusal.objects.exists()


def test_it_refuses_without_telling_the_resident_of_their_ombudsman_rights(logged):
    refused(
        lambda: actions.refuse(logged, today=TODAY, **refuse_kwargs(ombudsman_rights_given=False)),
        field="ombudsman_rights_given",
        provision="2.4",
    )


def _over_12(**kw):
    args = dict(
        reason=RefusalReason.OVER_12_MONTHS,
        proceedings_started_on=None,
        issue_arose_on=dt.date(2025, 11, 1),
        discretion_decision="Considered, not used.",
    )
    args.update(kw)
    return refuse_kwargs(**args)


def test_it_refuses_to_refuse_a_complaint_received_within_12_months(logged):
    # Received Mon 2 Nov 2026 about an issue of 2 Nov 2025: the anniversary itself is in time (2.3).
    refused(
        lambda: actions.refuse(logged, today=TODAY, **_over_12(issue_arose_on=dt.date(2025, 11, 2))),
        field="issue_arose_on",
        provision="2.3",
    )


def test_it_refuses_the_12_month_reason_without_when_the_issue_arose(logged):
    refused(lambda: actions.refuse(logged, today=TODAY, **_over_12(issue_arose_on=None)), field="issue_arose_on", provision="2.2")


def test_it_refuses_the_12_month_reason_without_considering_discretion(logged):
    refused(lambda: actions.refuse(logged, today=TODAY, **_over_12(discretion_decision=" ")), field="discretion_decision", provision="2.3")


def test_it_refuses_legal_proceedings_without_when_they_started(logged):
    refused(lambda: actions.refuse(logged, today=TODAY, **refuse_kwargs(proceedings_started_on=None)), field="proceedings_started_on", provision="2.2")


def test_it_refuses_previously_considered_without_the_earlier_reference(logged):
    refused(
        lambda: actions.refuse(logged, today=TODAY, **refuse_kwargs(reason=RefusalReason.PREVIOUSLY_CONSIDERED, proceedings_started_on=None)),
        field="previous_case_reference",
        provision="2.2",
    )


def test_it_refuses_a_reason_the_code_does_not_allow(logged):
    refused(lambda: actions.refuse(logged, today=TODAY, **refuse_kwargs(reason="too_many_complaints")), field="reason", provision="2.2")


@pytest.mark.parametrize(
    "refused_on",
    [dt.date(2026, 11, 24), dt.date(2026, 11, 1), None],
    ids=["future", "before-receipt", "missing"],
)
def test_it_refuses_a_bad_refusal_date(refused_on, logged):
    refused(lambda: actions.refuse(logged, today=TODAY, **refuse_kwargs(refused_on=refused_on)), field="refused_on")


@pytest.mark.parametrize(
    "state",
    [State.STAGE1_ACKNOWLEDGED, State.STAGE1_RESPONDED, State.STAGE2_ACKNOWLEDGED, State.CLOSED, State.WITHDRAWN, State.REFUSED],
)
def test_it_refuses_to_refuse_in_the_wrong_state(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler if state is State.STAGE2_ACKNOWLEDGED else None)
    refused(lambda: actions.refuse(case, today=TODAY, **refuse_kwargs(refused_on=TODAY)))


def test_it_refuses_to_refuse_a_service_request():
    request = log_service_request()
    refused(lambda: actions.refuse(request, today=TODAY, **refuse_kwargs()))


# --- issue 12: the ways round refusing (2.2-2.5, 5.11, 6.12) -----------------------------------


def test_a_handler_cannot_refuse_through_the_service_function(logged, handler):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.refuse(logged, actor=handler, today=REFUSED, **refuse_kwargs())
    assert not Refusal.objects.exists()


def test_legal_proceedings_starting_in_the_future_have_not_started(logged, manager):
    refused(
        lambda: actions.refuse(logged, actor=manager, today=REFUSED, **refuse_kwargs(proceedings_started_on=dt.date(2026, 12, 1))),
        field="proceedings_started_on",
        provision="2.2",
    )


@pytest.mark.parametrize("which", ["missing", "itself", "open"])
def test_previously_considered_names_another_concluded_complaint(which, logged, manager, handler):
    reference = {
        "missing": "PR-2025-999999",
        "itself": logged.reference,
        "open": lambda: complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, received_on=dt.date(2026, 11, 2)).reference,
    }[which]
    reference = reference() if callable(reference) else reference
    refused(
        lambda: actions.refuse(
            logged, actor=manager, today=REFUSED,
            **refuse_kwargs(reason=RefusalReason.PREVIOUSLY_CONSIDERED, proceedings_started_on=None, previous_case_reference=reference),
        ),
        field="previous_case_reference",
        provision="2.2",
    )
    assert not Refusal.objects.exists()


def test_an_escalation_is_not_over_12_months_when_the_complaint_was_made_in_time(handler, manager):
    # Received 2 Nov 2026 about an issue of 5 Nov 2025: in time. Escalated 17 Nov 2026, more than
    # 12 months after the issue; the 12 months are measured to the complaint, not the escalation.
    case = complaint_at(State.STAGE2_REQUESTED, handler=handler)
    refused(
        lambda: actions.refuse(case, actor=manager, today=TODAY, **_over_12(issue_arose_on=dt.date(2025, 11, 5), refused_on=TODAY)),
        field="issue_arose_on",
        provision="2.3",
    )


def test_the_12_months_run_from_when_the_resident_became_aware(logged, manager):
    refused(
        lambda: actions.refuse(logged, actor=manager, today=REFUSED, **_over_12(issue_arose_on=dt.date(2024, 1, 1), became_aware_on=dt.date(2026, 6, 1))),
        field="issue_arose_on",
        provision="2.3",
    )
    actions.refuse(logged, actor=manager, today=REFUSED, **_over_12(issue_arose_on=dt.date(2024, 1, 1), became_aware_on=dt.date(2025, 6, 1)))
    assert Refusal.objects.get().became_aware_on == dt.date(2025, 6, 1)


def test_another_reason_says_what_the_complaint_was_about(logged, manager):
    refused(
        lambda: actions.refuse(logged, actor=manager, today=REFUSED, **refuse_kwargs(reason=RefusalReason.OTHER, proceedings_started_on=None)),
        field="about",
        provision="2.5",
    )


def test_a_refusal_recorded_weeks_after_its_date_needs_a_reason_and_is_listed(logged, manager):
    from putright.cases.models import LateEntry

    refused(lambda: actions.refuse(logged, actor=manager, today=TODAY, **refuse_kwargs()), field="late_entry_reason")
    actions.refuse(logged, actor=manager, today=TODAY, late_entry_reason="Decision letter sent by post; not recorded.", **refuse_kwargs())
    entry = LateEntry.objects.get()
    assert (entry.step, entry.effective_on, entry.recorded_on, entry.recorded_by, entry.counts_late) == (
        "refused", dt.date(2026, 11, 3), TODAY, manager, True
    )
    assert Refusal.objects.get().recorded_by == manager
