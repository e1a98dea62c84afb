"""The service path for learning from complaints (9.1–9.3) and service improvements (8.1 d).

Same pattern as `putright.cases.actions`: role check, rule checks raising `RuleViolation`, the change
and a `CaseEvent` on each complaint concerned, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from putright.cases.actions.checks import check_actor as _check_actor, check_date as _check_date, format_date as _d, record as _record, require_text as _require_text, resolve_today as _today
from putright.cases.models import Case, ServiceArea
from putright.learning.models import ImprovementStatus, LearningItem, ServiceImprovement
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind


def has_response(case: Case) -> bool:
    """Learning is recorded after a response at either stage."""
    return case.kind == Kind.COMPLAINT and any(s.responded_on for s in case.stages.all())


@transaction.atomic
def record_learning(
    case: Case,
    *,
    recorded_on: dt.date,
    what_went_wrong: str,
    root_cause: str,
    learning: str = "",
    service_area: ServiceArea | None = None,
    contractor: str = "",
    actor=None,
    today: dt.date | None = None,
) -> LearningItem:
    """What went wrong on a complaint, its root cause, and the learning — after a response."""
    _check_actor(actor)
    today = _today(today)
    if not has_response(case):
        raise RuleViolation("Record learning once the complaint has had a response.", provision="9.1", field=None)
    what_went_wrong = _require_text(what_went_wrong, "what_went_wrong", "Enter what went wrong.", "9.1")
    root_cause = _require_text(root_cause, "root_cause", "Enter the root cause: why it went wrong.", "9.1")
    first_response = min(s.responded_on for s in case.stages.all() if s.responded_on)
    _check_date(recorded_on, "recorded_on", "the learning was recorded", today=today, not_before=(first_response, "the response"))
    item = LearningItem.objects.create(
        case=case, recorded_on=recorded_on, what_went_wrong=what_went_wrong, root_cause=root_cause, learning=(learning or "").strip(),
        service_area=service_area or case.service_area, contractor=(contractor or "").strip(), created_by=actor,
    )
    _record(case, "learning_recorded", f"Learning recorded: {what_went_wrong} Root cause: {root_cause}", actor=actor,
            learning_item=item.pk, contractor=item.contractor)
    return item


@transaction.atomic
def add_improvement(
    *,
    title: str,
    due_by: dt.date,
    owner=None,
    owner_name: str = "",
    description: str = "",
    service_area: ServiceArea | None = None,
    learning_items: Iterable[LearningItem] = (),
    cases: Iterable[Case] = (),
    you_said_we_did: str = "",
    actor=None,
    today: dt.date | None = None,
) -> ServiceImprovement:
    """A service improvement from learning, with an owner and a due date; linked to the complaints behind it."""
    _check_actor(actor)
    title = _require_text(title, "title", "Enter the improvement.")
    if not isinstance(due_by, dt.date):
        raise RuleViolation("Enter the date the improvement is due by.", field="due_by")
    if owner is None and not (owner_name or "").strip():
        raise RuleViolation("Choose who owns the improvement, or name a team.", field="owner")
    items = list(learning_items)
    linked = {c.pk: c for c in cases}
    for item in items:
        linked.setdefault(item.case_id, item.case)
    improvement = ServiceImprovement.objects.create(
        title=title, description=(description or "").strip(), owner=owner, owner_name=(owner_name or "").strip(), due_by=due_by,
        service_area=service_area, you_said_we_did=(you_said_we_did or "").strip(), created_by=actor,
    )
    improvement.learning_items.set(items)
    improvement.cases.set(linked.values())
    for case in linked.values():
        _record(case, "improvement_planned", f"Service improvement planned: {title} (due by {_d(due_by)}).", actor=actor, improvement=improvement.pk)
    return improvement


@transaction.atomic
def update_improvement(
    improvement: ServiceImprovement,
    *,
    status: str,
    done_on: dt.date | None = None,
    you_said_we_did: str | None = None,
    due_by: dt.date | None = None,
    actor=None,
    today: dt.date | None = None,
) -> ServiceImprovement:
    """Move an improvement on. Done needs the date and the "you said, we did" text for the annual report."""
    _check_actor(actor)
    today = _today(today)
    improvement = ServiceImprovement.objects.select_for_update().get(pk=improvement.pk)
    if status not in ImprovementStatus.values:
        raise RuleViolation("Choose planned, in progress or done.", field="status")
    if you_said_we_did is not None:
        improvement.you_said_we_did = you_said_we_did.strip()
    if due_by is not None:
        improvement.due_by = due_by
    if status == ImprovementStatus.DONE:
        _check_date(done_on, "done_on", "it was done", today=today)
        _require_text(improvement.you_said_we_did, "you_said_we_did", 'Enter the "you said, we did" text for the annual report.', "8.1")
        improvement.done_on = done_on
    else:
        improvement.done_on = None
    improvement.status = status
    improvement.save()
    if status == ImprovementStatus.DONE:
        for case in improvement.cases.all():
            _record(case, "improvement_done", f"Service improvement done on {_d(done_on)}: {improvement.title}. {improvement.you_said_we_did}",
                    actor=actor, improvement=improvement.pk)
    return improvement
