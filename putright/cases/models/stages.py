"""A case's stages and what is decided in them: decision points, extensions, refusals, who took part,
and steps recorded late."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Decision

from .case import Case


class Stage(models.Model):
    """One of the Code's two stages of a complaint, with its clock (Code 6.2–6.19)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(choices=[(1, "Stage 1"), (2, "Stage 2")])
    # Stage 1: the date the complaint was received. Stage 2: the date escalation was asked for.
    requested_on = models.DateField()
    escalation_reason = models.TextField(blank=True, help_text="Optional: residents need not give reasons (6.12).")
    # The complaint definition (5.6) and responsibility (5.7), set at acknowledgement.
    definition = models.TextField(blank=True, help_text="What the resident is unhappy about.")
    outcomes_sought = models.TextField(blank=True)
    responsible_for = models.TextField(blank=True, help_text="Aspects the landlord is responsible for (5.7).")
    not_responsible_for = models.TextField(blank=True, help_text="Aspects it is not, and who is (5.7).")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="stages"
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledge_by = models.DateField()
    # The Code's date before any extension (projected from acknowledge_by until acknowledged) and
    # the date that applies now, after agreed extensions.
    code_respond_by = models.DateField()
    respond_by = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, blank=True, choices=[(d.value, d.value.replace("_", " ")) for d in Decision])
    # For the reports' "open at the end of the period": the day the stage stopped awaiting a
    # response (see ended_on_for). Kept in step by the actions that change what it is made of.
    ended_on = models.DateField(null=True, blank=True)
    # When the acknowledgement and the response were written into PutRight, beside the dates
    # typed in (putright.rules.recording), and whether either counts as late in the reports
    # because it was a late entry: recorded after its deadline, claiming to have met it.
    acknowledged_recorded_at = models.DateTimeField(null=True, blank=True)
    responded_recorded_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_counts_late = models.BooleanField(default=False)
    # Whether the response counts as late in the reports whatever its date says: it was a late
    # entry (``response_entered_late``: recorded after its deadline, or answering a deadline
    # extended after it had passed), it has not been issued, or it was issued after the last
    # date an extension issued in time allowed (checks.refresh_response_counts_late).
    response_counts_late = models.BooleanField(default=False)
    response_entered_late = models.BooleanField(default=False)
    # The day the response was issued to the resident: its letter through letters:issue, or a
    # recorded equivalent sent another way with its text (actions.issuing). Until then the
    # response is recorded, not sent. Imported history counts as issued on its response date.
    response_issued_on = models.DateField(null=True, blank=True)
    # When the resident is next owed an update under the interval agreed with the latest
    # extension (5.9, 6.6), while the stage awaits its response: kept by the service functions
    # (checks.refresh_next_update) so the queue counts it in SQL (putright.cases.worklists).
    next_update_due = models.DateField(null=True, blank=True)
    # TRUE while the stage's case is open, else empty: the queue's counts of updates owed read it
    # from the stage itself, where joining the cases cost more to plan than to run (0.33 ms a page
    # on PostgreSQL). Kept by database triggers (putright.performance.stagemarks): never set it.
    case_open = models.BooleanField(null=True, editable=False)
    # The case's handler while the case is open, else empty: a handler's own counts of updates
    # owed read it from the stage, not the case. Kept by triggers (putright.performance.handlercopies).
    case_handler = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_stage_per_number")]
        indexes = [
            # The queue's "extended" filter: the few stages extended and not answered yet.
            # responded_on first, so SQLite prefers it to an index on responded_on alone.
            models.Index(
                fields=["responded_on", "case"],
                condition=Q(responded_on__isnull=True) & ~Q(respond_by=models.F("code_respond_by")),
                name="stage_open_extended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} stage {self.number}"

    @property
    def is_extended(self) -> bool:
        return self.respond_by != self.code_respond_by

    @property
    def acknowledged_late(self) -> bool:
        return self.acknowledged_on is not None and self.acknowledged_on > self.acknowledge_by

    @property
    def responded_late(self) -> bool:
        """Late against the date that applies, agreed extensions included."""
        return self.responded_on is not None and self.responded_on > self.respond_by

    @staticmethod
    def ended_on_for(
        *, responded_on: dt.date | None, withdrawn_on: dt.date | None, refused_on: dt.date | None, acknowledged_on: dt.date | None
    ) -> dt.date | None:
        """The first day the stage no longer awaited a response: its response, the case's
        withdrawal or, for a stage never acknowledged, its first refusal (a refused complaint
        reopened and then acknowledged was accepted after all). None while it still awaits one."""
        ends = [responded_on, withdrawn_on, refused_on if acknowledged_on is None else None]
        return min((day for day in ends if day is not None), default=None)


class DecisionPoint(models.Model):
    """One point of the complaint definition, the decision on it and the reasons (6.7, 6.9 c–d)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField(default=0)
    point = models.TextField()
    decision = models.CharField(max_length=20, choices=[(d.value, d.value.replace("_", " ")) for d in Decision])
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["stage", "position", "id"]


class Extension(models.Model):
    """An extension of a stage's response date, agreed and explained to the resident (6.4, 6.5, 6.15, 6.16, 5.9).

    Waiting for the resident is recorded as an extension too: the Code has no way to pause the clock.
    """

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="extensions")
    previous_respond_by = models.DateField()
    new_respond_by = models.DateField()
    reason = models.TextField(help_text="The reason, as explained to the resident.")
    good_reason = models.TextField(blank=True, help_text="Why more than the Code's limit is needed, if it is.")
    beyond_code_limit = models.BooleanField(default=False)
    resident_told_on = models.DateField(null=True, blank=True)
    ombudsman_details_given = models.BooleanField(default=False)
    update_every_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often the resident agreed to be updated (5.9)."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)  # when it was recorded
    # Recorded after the date it extends had passed (putright.rules.recording): kept only with
    # the reason, and the stage's response then counts as late.
    entered_late = models.BooleanField(default=False)
    late_entry_reason = models.TextField(blank=True)
    # The day its letter (or a recorded equivalent) was issued: only then is the resident told,
    # with the Ombudsman's details the letter carries. An extension issued after the date it
    # extends had passed does not count for the reports (checks.refresh_response_counts_late).
    issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "id"]


class Refusal(models.Model):
    """A refusal to accept a complaint, or to escalate it, with the reasons (Code section 2, 5.11)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="refusals")
    stage_number = models.PositiveSmallIntegerField(default=1, help_text="1: not accepted; 2: escalation refused.")
    refused_on = models.DateField()
    reason = models.CharField(max_length=30, choices=[(r.value, REFUSAL_REASON_LABELS[r]) for r in RefusalReason])
    explanation = models.TextField(blank=True)
    ombudsman_rights_given = models.BooleanField(default=False)
    issue_arose_on = models.DateField(null=True, blank=True)
    discretion_decision = models.TextField(blank=True)
    proceedings_started_on = models.DateField(null=True, blank=True)
    previous_case_reference = models.CharField(max_length=40, blank=True)
    # 2.3: the 12 months run from the issue or from when the resident became aware of it.
    became_aware_on = models.DateField(null=True, blank=True)
    # OTHER: what the refused complaint was about, so the annual report (8.1 b) lists them.
    about = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the refusal letter (or a recorded equivalent) was issued: until then the resident
    # has not been told.
    issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "refused_on", "id"]


class StageParticipant(models.Model):
    """Someone who acted on a stage: its handler at any time, or who acknowledged (and so
    defined), extended or responded to it. Stage 2 must be dealt with by nobody who acted on
    stage 1 (6.13). Written by the service functions; never edited."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "user"], name="one_participant_row")]


class LateEntryStep(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledgement"
    EXTENDED = "extended", "Extension"
    RESPONDED = "responded", "Response"
    REFUSED = "refused", "Refusal"


class LateEntry(models.Model):
    """A step recorded well after the date typed in for it (putright.rules.recording): the
    complaints manager's list of late and back-dated entries, with who recorded it and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="late_entries")
    stage_number = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=20, choices=LateEntryStep.choices)
    effective_on = models.DateField(help_text="The date typed in for the step.")
    due_by = models.DateField(null=True, blank=True, help_text="The deadline the step answers.")
    recorded_on = models.DateField(help_text="The day it was recorded.")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200, blank=True)
    working_days_late = models.PositiveIntegerField(help_text="Working days from the date typed in to the day recorded.")
    counts_late = models.BooleanField(help_text="Recorded after its deadline, so it counts as late in the reports.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "late entries"
