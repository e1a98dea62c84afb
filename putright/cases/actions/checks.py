"""What every service function shares: the actor and date checks, the lock, the lifecycle
step, the timeline record and the stored queue and report columns.

Public so that the other apps' service functions (residents, Ombudsman cases, learning) check
and record in the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.utils import timezone

from putright.cases.models import (
    Case,
    CaseEvent,
    LateEntry,
    ReferenceCounter,
    Refusal,
    Stage,
    StageParticipant,
)
from putright.rules import deadlines, lifecycle
from putright.rules import recording as recording_rules
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Action, State

REFERENCE_PREFIX = getattr(settings, "PUTRIGHT_REFERENCE_PREFIX", "PR")


def resolve_today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def check_actor(actor) -> None:
    """Oversight roles read only: the service path refuses them whatever page or command calls it."""
    if actor is not None and not getattr(actor, "can_change_cases", False):
        raise PermissionDenied("Your role can read cases but not change them.")


def require_text(value: str | None, field: str, message: str, provision: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, provision=provision, field=field)
    return value


def check_date(value: dt.date | None, field: str, label: str, *, today: dt.date, not_before=None) -> dt.date:
    """A date that has happened: not missing, not in the future, not before `not_before` (date, label)."""
    if not isinstance(value, dt.date):
        raise RuleViolation(f"Enter the date {label}.", field=field)
    if value > today:
        raise RuleViolation(f"The date {label} cannot be in the future.", field=field)
    if not_before is not None:
        earlier, earlier_label = not_before
        if earlier is not None and value < earlier:
            raise RuleViolation(
                f"The date {label} ({value:%-d %B %Y}) cannot be before {earlier_label} ({earlier:%-d %B %Y}).",
                field=field,
            )
    return value


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def transition(case: Case, action: Action) -> State:
    return lifecycle.next_state(
        case.kind, case.state, action, previous_state=State(case.previous_state) if case.previous_state else None
    )


def get_stage(case: Case, number: int | None = None) -> Stage:
    number = number or lifecycle.stage_of(case.state) or 1
    return Stage.objects.get(case=case, number=number)


def to_json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def record(case: Case, event: str, summary: str, *, actor=None, actor_label: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_label=actor_label or ("" if actor else "system"),
        kind=event,
        summary=summary,
        data=to_json(data),
    )


def refresh_queue_fields(case: Case, stage: Stage | None) -> None:
    """Keep the denormalised queue columns in step with the state and the stage's stored dates."""
    state = State(case.state)
    case.is_open = lifecycle.is_open(state)
    field = lifecycle.deadline_field(state)
    case.next_deadline_by = getattr(stage, field) if (field and stage is not None) else None


def refresh_stage_ends(case: Case) -> None:
    """Stage.ended_on of each of the case's stages, after a response, acknowledgement, refusal,
    withdrawal or reopening changed what it is made of."""
    refusals = dict(
        Refusal.objects.filter(case=case).order_by().values_list("stage_number").annotate(first=Min("refused_on"))
    )
    for stage in Stage.objects.filter(case=case):
        ended_on = Stage.ended_on_for(responded_on=stage.responded_on, withdrawn_on=case.withdrawn_on,
                                      refused_on=refusals.get(stage.number), acknowledged_on=stage.acknowledged_on)
        if stage.ended_on != ended_on:
            Stage.objects.filter(pk=stage.pk).update(ended_on=ended_on)


def new_stage(case: Case, number: int, requested_on: dt.date, cal: WorkingCalendar, **fields) -> Stage:
    scales = deadlines.timescales(number, requested_on, None, cal)
    return Stage.objects.create(
        case=case,
        number=number,
        requested_on=requested_on,
        acknowledge_by=scales.acknowledge_by.due_on,
        code_respond_by=scales.respond_by.due_on,
        respond_by=scales.respond_by.due_on,
        **fields,
    )


def next_reference(year: int) -> str:
    """PR-2026-000123: sequential per year, never reused. Call inside a transaction."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{REFERENCE_PREFIX}-{year}-{counter.last:06d}"


def format_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def check_manager(actor, what: str) -> None:
    """Refusing, reallocating and reopening are a complaints manager's decisions (docs/roles.md):
    refused here, whatever page, command or API calls. No actor means PutRight itself (a
    command or the import), which pages never pass."""
    check_actor(actor)
    if actor is not None and not getattr(actor, "can_manage_cases", False):
        raise PermissionDenied(f"Only a complaints manager or administrator can {what}.")


def note_participants(stage: Stage, *users) -> None:
    """Remember who acted on the stage (its handler, who acknowledged, extended or responded),
    so stage 2 can be kept independent of everyone who acted on stage 1 (6.13)."""
    ids = {u.pk for u in users if u is not None and getattr(u, "pk", None) is not None}
    if not ids:
        return
    known = set(StageParticipant.objects.filter(stage=stage, user_id__in=ids).values_list("user_id", flat=True))
    StageParticipant.objects.bulk_create(StageParticipant(stage=stage, user_id=pk) for pk in sorted(ids - known))


def stage1_participants(case: Case) -> set[int]:
    return set(StageParticipant.objects.filter(stage__case=case, stage__number=1).values_list("user_id", flat=True))


def check_independent(case: Case, user, *, field: str = "handler", doing: str = "handle") -> None:
    """Nobody who acted on stage 1 acknowledges, extends, responds to or handles stage 2 (6.13)."""
    if user is None or getattr(user, "pk", None) is None:
        return
    if user.pk in stage1_participants(case):
        raise RuleViolation(
            f"{user.display_name} acted on stage 1 of this complaint, so cannot {doing} stage 2: "
            "stage 2 must be dealt with by someone independent of stage 1.",
            provision="6.13",
            field=field,
        )


def late_entry(
    case: Case,
    *,
    stage_number: int,
    step: str,
    effective_on: dt.date,
    due_by: dt.date | None,
    recorded_on: dt.date,
    recording: recording_rules.Recording,
    reason: str,
    actor=None,
    actor_label: str = "",
    cal: WorkingCalendar,
) -> LateEntry | None:
    """Put a back-dated or late-entered step on the complaints manager's list."""
    if not (recording.back_dated or recording.late_entry):
        return None
    return LateEntry.objects.create(
        case=case,
        stage_number=stage_number,
        step=step,
        effective_on=effective_on,
        due_by=due_by,
        recorded_on=recorded_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
        recorded_by_label=actor_label or ("" if actor else "system"),
        working_days_late=recording_rules.lag(effective_on, recorded_on, cal),
        counts_late=recording.late_entry,
        reason=reason,
    )


def recheck_extension_caps(stage: Stage, cal: WorkingCalendar) -> list:
    """Hold the stage's extensions to the Code's cap against its real date, whenever that date
    changes (an acknowledgement, a calendar change): an extension agreed against a projected
    date that now reaches past the cap with no good reason is marked beyond the limit, so a
    response after the cap counts as late (6.4, 6.15). Returns the extensions newly marked."""
    marked = []
    for extension in stage.extensions.filter(beyond_code_limit=False, good_reason=""):
        if deadlines.extension_beyond_cap(stage.number, stage.code_respond_by, extension.new_respond_by, cal):
            extension.beyond_code_limit = True
            extension.save(update_fields=["beyond_code_limit"])
            marked.append(extension)
    return marked


def agreed_respond_by(stage: Stage) -> dt.date:
    """The latest response date the resident was told of in time: the Code's date, moved by each
    extension whose letter (or recorded equivalent) was issued on or before the date it
    extended, in order. An extension never issued, or issued after that date had passed, was not
    agreed in time and moves nothing (6.4, 6.5, 6.15, 6.16)."""
    agreed = stage.code_respond_by
    for extension in sorted(stage.extensions.all(), key=lambda e: e.pk):
        if extension.issued_on is not None and extension.issued_on <= agreed and extension.new_respond_by > agreed:
            agreed = extension.new_respond_by
    return agreed


def refresh_response_counts_late(stage: Stage) -> bool:
    """Stage.response_counts_late: the response counts as late in the reports, whatever its
    date, when it was a late entry, when it is recorded but not issued, or when it was sent
    after the last date an extension issued in time allowed. Saved; returns the new value."""
    late = stage.response_entered_late
    if stage.responded_on is not None:
        late = late or stage.response_issued_on is None or stage.responded_on > agreed_respond_by(stage)
    if late != stage.response_counts_late:
        stage.response_counts_late = late
        Stage.objects.filter(pk=stage.pk).update(response_counts_late=late)
    return late


def refresh_next_update(case: Case, cal: WorkingCalendar | None = None) -> None:
    """Stage.next_update_due of the case's stages: for a stage awaiting its response whose latest
    extension agreed an update interval of N working days, N working days after the resident was
    last told anything (told of the extension, its letter sent, or the latest message sent to
    them since); otherwise none. Called by every action that changes one of those."""
    from django.db.models import Max

    from putright.cases.models import Correspondence, Direction, Extension

    if cal is None:
        from putright.cases.calendar import landlord_calendar

        cal = landlord_calendar()
    last_sent = (Correspondence.objects.filter(case=case, direction=Direction.OUT, internal=False)
                 .aggregate(last=Max("occurred_on"))["last"])
    for stage in Stage.objects.filter(case=case):
        due = None
        latest = Extension.objects.filter(stage=stage).order_by("-id").first() if stage.responded_on is None else None
        if latest is not None and latest.update_every_working_days:
            told = [d for d in (latest.resident_told_on, latest.issued_on, last_sent) if d is not None]
            last = max(told, default=timezone.localdate(latest.created_at))
            due = cal.add_working_days(last, latest.update_every_working_days)
        if stage.next_update_due != due:
            Stage.objects.filter(pk=stage.pk).update(next_update_due=due)
