"""A response, an extension or a refusal counts as *issued* only when the resident is sent it:
its letter through `letters:issue`, or a recorded equivalent sent another way, with its text
(issue 12, item 6; docs/deadlines.md, "Recorded is not sent").

- `record_issue` is called by `putright.letters.actions.issue_letter` in the letter's transaction.
- `send_another_way` keeps what was sent (an email written outside PutRight, a letter from
  another system, what was said on the phone) as outgoing correspondence and issues the step.

Issuing a response makes its date the day it was sent, when that is later than the date
recorded: the Code's clock stops when the resident is sent the answer, not when it was written
(6.3, 6.14). Until then the response counts as late in the reports (`refresh_response_counts_late`).
An extension counts for the reports only when issued on or before the date it extends.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from putright.cases.actions.checks import (
    check_actor,
    check_date,
    format_date,
    late_entry,
    lock,
    record,
    refresh_next_update,
    refresh_response_counts_late,
    refresh_stage_ends,
    require_text,
    resolve_today,
)
from putright.cases.actions.correspondence import add_correspondence
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, Correspondence, Direction, Extension, Refusal, Remedy, Stage
from putright.residents.models import ContactChannel
from putright.rules import deadlines
from putright.rules import recording as recording_rules
from putright.rules.errors import RuleViolation

RESPONSE, EXTENSION, REFUSAL = "response", "extension", "refusal"
STEPS = {RESPONSE: "response", EXTENSION: "extension", REFUSAL: "refusal"}


def _stage(case: Case, stage_number: int | None) -> Stage:
    stages = Stage.objects.filter(case=case).order_by("-number")
    if stage_number is not None:
        stages = stages.filter(number=stage_number)
    stage = stages.first()
    if stage is None:
        raise RuleViolation("This case has no stage to issue anything for.", field="step")
    return stage


def awaiting_issue(case: Case, step: str, stage_number: int | None = None):
    """The step of ``case`` still to be issued: the stage (response), the extension or the
    refusal; None when there is none."""
    if step == RESPONSE:
        stage = Stage.objects.filter(case=case, responded_on__isnull=False, response_issued_on__isnull=True)
        if stage_number is not None:
            stage = stage.filter(number=stage_number)
        return stage.order_by("-number").first()
    if step == EXTENSION:
        extensions = Extension.objects.filter(stage__case=case, issued_on__isnull=True)
        if stage_number is not None:
            extensions = extensions.filter(stage__number=stage_number)
        return extensions.order_by("-id").first()
    if step == REFUSAL:
        refusals = Refusal.objects.filter(case=case, issued_on__isnull=True)
        if stage_number is not None:
            refusals = refusals.filter(stage_number=stage_number)
        return refusals.order_by("-refused_on", "-id").first()
    raise RuleViolation(f"'{step}' is not a step that is issued: choose a response, an extension or a refusal.", field="step")


def anything_awaiting_issue(case: Case) -> bool:
    """Whether any response, extension or refusal of ``case`` is still to be issued (as
    awaiting_issue asks for each), read from the case's prefetched stages, their extensions and
    its refusals: the case page asks this of every case it shows, without three more queries."""
    stages = case.stages.all()
    return (
        any(s.responded_on is not None and s.response_issued_on is None for s in stages)
        or any(e.issued_on is None for s in stages for e in s.extensions.all())
        or any(r.issued_on is None for r in case.refusals.all())
    )


def _issue(case: Case, step: str, target, *, issued_on: dt.date, item: Correspondence, via: str, actor, actor_label: str = "") -> None:
    """Mark ``target`` issued on ``issued_on`` by ``item`` and write the timeline event."""
    notes = []
    if step == RESPONSE:
        stage: Stage = target
        stage.response_issued_on = issued_on
        moved_from = None
        # A stage 1 letter issued after stage 2 began leaves the stage 1 date alone: stage 2's
        # request cannot come before the response it escalates.
        later_stage = Stage.objects.filter(case=case, number__gt=stage.number).exists()
        if issued_on > stage.responded_on and not later_stage:
            moved_from = stage.responded_on
            stage.responded_on = issued_on
        stage.save(update_fields=["response_issued_on", "responded_on"])
        if moved_from is not None:
            Remedy.objects.filter(case=case, stage_number=stage.number).update(offered_on=issued_on)
            refresh_stage_ends(case)
            notes.append(f"The response dated {format_date(moved_from)} counts from {format_date(issued_on)}, the day it was sent")
            if issued_on > stage.respond_by:
                notes.append(f"late: due by {format_date(stage.respond_by)}")
        late = refresh_response_counts_late(stage)
        summary = f"Stage {stage.number} response issued ({via}) on {format_date(issued_on)}."
        data = {"stage": stage.number, "moved_from": moved_from, "counts_late": late}
    elif step == EXTENSION:
        extension: Extension = target
        extension.issued_on = issued_on
        extension.ombudsman_details_given = True  # the letter (or the text recorded) carries them
        extension.save(update_fields=["issued_on", "ombudsman_details_given"])
        stage = extension.stage
        in_time = issued_on <= agreed_respond_by_before(stage, extension)
        if not in_time:
            notes.append(
                f"issued after {format_date(extension.previous_respond_by)} had passed, so it was not agreed in time: "
                "a response after that date counts as late"
            )
        refresh_response_counts_late(stage)
        refresh_next_update(case)
        summary = (f"Stage {stage.number} extension to {format_date(extension.new_respond_by)} issued ({via}) "
                   f"on {format_date(issued_on)}.")
        data = {"stage": stage.number, "extension": extension.pk, "in_time": in_time}
    else:
        refusal: Refusal = target
        refusal.issued_on = issued_on
        refusal.save(update_fields=["issued_on"])
        summary = f"Refusal ({refusal.get_reason_display().lower()}) issued ({via}) on {format_date(issued_on)}."
        data = {"stage": refusal.stage_number, "refusal": refusal.pk}
    if notes:
        summary = summary[:-1] + ": " + "; ".join(notes) + "."
    record(case, "issued", summary, actor=actor, actor_label=actor_label, step=step, issued_on=issued_on, via=via,
           correspondence=item.pk, **data)


def agreed_respond_by_before(stage: Stage, extension: Extension) -> dt.date:
    """The date agreed in time before ``extension`` (what it had to be issued by)."""
    agreed = stage.code_respond_by
    for other in sorted(stage.extensions.all(), key=lambda e: e.pk):
        if other.pk == extension.pk:
            break
        if other.issued_on is not None and other.issued_on <= agreed and other.new_respond_by > agreed:
            agreed = other.new_respond_by
    return agreed


@transaction.atomic
def record_issue(case: Case, *, step: str, stage_number: int | None, issued_on: dt.date, correspondence: Correspondence,
                 actor=None, actor_label: str = "") -> Case:
    """The letter for ``step`` was issued (called by `letters.actions.issue_letter`). A step
    already issued is left as it was: the first letter sent is what the resident was told."""
    check_actor(actor)
    case = lock(case)
    target = awaiting_issue(case, step, stage_number)
    if target is not None:
        _issue(case, step, target, issued_on=issued_on, item=correspondence, via="by letter", actor=actor, actor_label=actor_label)
    return case


@transaction.atomic
def send_another_way(
    case: Case,
    *,
    step: str,
    sent_on: dt.date,
    method: str,
    text: str,
    subject: str = "",
    stage_number: int | None = None,
    late_entry_reason: str = "",
    actor=None,
    today: dt.date | None = None,
) -> Case:
    """Record that a response, extension or refusal was sent to the resident another way than
    PutRight's letter, keeping exactly what was sent (5.12), and count it as issued.

    The text is required, and for an extension or a refusal it must give the Housing
    Ombudsman's details (6.5, 6.16, 2.4), which PutRight's letter would have carried. A sending
    recorded after the deadline it answers and more than 3 working days after it happened is a
    late entry (putright.rules.recording): refused without a reason, and counted as late.
    """
    check_actor(actor)
    today = resolve_today(today)
    case = lock(case)
    if step not in STEPS:
        raise RuleViolation("Choose what was sent: the response, the extension or the refusal.", field="step")
    target = awaiting_issue(case, step, stage_number)
    if target is None:
        raise RuleViolation(f"This case has no {STEPS[step]} waiting to be sent.", field="step")
    if method not in ContactChannel.values:
        raise RuleViolation("Choose how it was sent.", field="method")
    text = require_text(text, "text", "Enter the text that was sent (or what was said), so the record shows it (5.12).", provision="5.12")
    if step == RESPONSE:
        stage, since, since_label, due_by = target, target.responded_on, "the response was recorded as dated", target.respond_by
    elif step == EXTENSION:
        stage, since, since_label, due_by = target.stage, target.resident_told_on or target.stage.requested_on, "the resident was told", target.previous_respond_by
    else:
        stage, since, since_label, due_by = None, target.refused_on, "the refusal", None
    check_date(sent_on, "sent_on", "it was sent", today=today, not_before=(since, since_label))
    if step in (EXTENSION, REFUSAL) and "ombudsman" not in text.casefold():
        provision = "2.4" if step == REFUSAL else ("6.5" if stage.number == 1 else "6.16")
        raise RuleViolation(
            f"The {STEPS[step]} sent must give the Housing Ombudsman's details: the text recorded does not mention the Ombudsman.",
            provision=provision, field="text",
        )
    cal = landlord_calendar()
    recording = recording_rules.assess(sent_on, today, due_by, cal)
    number = stage.number if stage is not None else target.stage_number
    late_entry_reason = recording_rules.check_late_entry(
        recording, what=f"sending of the {STEPS[step]}", due_by=due_by or sent_on, recorded_on=today, reason=late_entry_reason,
        provision=(deadlines.stage_limits(number).respond_provision if step == RESPONSE
                   else deadlines.stage_limits(number).extension_provision if step == EXTENSION else None),
    )
    item = add_correspondence(
        case, direction=Direction.OUT, occurred_on=sent_on, body=text, subject=subject or f"The {STEPS[step]} (sent {ContactChannel(method).label.lower()})",
        method=method, correspondent=case.resident.name if case.resident_id else "", actor=actor, today=today,
    )
    if recording.late_entry and step == RESPONSE:
        Stage.objects.filter(pk=stage.pk).update(response_entered_late=True)
        stage.response_entered_late = True
    elif recording.late_entry and step == EXTENSION:
        Extension.objects.filter(pk=target.pk).update(entered_late=True, late_entry_reason=late_entry_reason)
        Stage.objects.filter(pk=stage.pk).update(response_entered_late=True)
        stage.response_entered_late = True
    step_name = {RESPONSE: "responded", EXTENSION: "extended", REFUSAL: "refused"}[step]
    late_entry(case, stage_number=number, step=step_name, effective_on=sent_on, due_by=due_by, recorded_on=today,
               recording=recording, reason=late_entry_reason, actor=actor, cal=cal)
    _issue(case, step, target, issued_on=sent_on, item=item, via=f"sent another way: {ContactChannel(method).label.lower()}", actor=actor)
    return case
