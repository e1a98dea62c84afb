"""The case: one complaint, service request or compliment, and its themes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from putright.residents.models import Representative, Resident, Tenure
from putright.rules.lifecycle import Kind, State

from .reference import ServiceArea, Theme

if TYPE_CHECKING:  # annotations only: the stages' module refers to the case
    from .stages import Refusal, Stage


# --- the case -----------------------------------------------------------------------------------


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online form"
    SOCIAL_MEDIA = "social_media", "Social media"
    REPRESENTATIVE = "representative", "Via a representative"
    COLLEAGUE = "colleague", "Via a colleague"
    OTHER = "other", "Other"


class Case(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=[(k.value, k.value.replace("_", " ").capitalize()) for k in Kind])
    state = models.CharField(max_length=30, choices=[(s.value, s.value.replace("_", " ")) for s in State])
    # Where a case goes back to if it is reopened after being closed, withdrawn or refused.
    previous_state = models.CharField(max_length=30, blank=True)
    # Denormalised for the queue: kept in step by every action.
    is_open = models.BooleanField(default=True)
    next_deadline_by = models.DateField(null=True, blank=True)

    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.OTHER)
    received_on = models.DateField(db_index=True)
    received_by = models.CharField(max_length=200, blank=True, help_text="The colleague who took it (3.2).")
    description = models.TextField(help_text="What the resident said, in their own words.")
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The resident's name, copied for the queue's "sort by resident": an index of open cases gives
    # that order (performance migration 0005) where a join sorted every open case. Kept by database
    # triggers (putright.performance.copies), whatever changes a case or renames a resident: never
    # set it here.
    resident_name = models.CharField(max_length=200, null=True, blank=True, editable=False)
    # True while a stage of the case awaits its response by a date an agreed extension moved (the
    # queue's "Extended" filter and tag), otherwise empty: read from an index of open extended
    # cases in the queue's order (performance migration 0007). Kept by database triggers
    # (putright.performance.copies) whatever changes a stage: never set it here.
    extended_open = models.BooleanField(null=True, editable=False)
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT)
    tenure = models.CharField(max_length=4, choices=Tenure.choices, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="cases", through="CaseTheme")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The handler's first name and username (both empty without a handler), copied for the
    # queue's "sort by handler": indexes of the cases in that order (performance migration 0019)
    # give a page where a join to the users sorted all of the filter's cases. Kept by database
    # triggers (putright.performance.handlernames), whatever re-allocates a case or renames a
    # user: never set them here.
    handler_first_name = models.CharField(max_length=150, null=True, blank=True, editable=False)
    handler_username = models.CharField(max_length=150, null=True, blank=True, editable=False)
    # Code 1.5: a complaint raised about a service request, which carries on.
    # Both are empty on nearly every case: indexed only where set (see Meta.indexes).
    from_service_request = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints_raised", db_index=False
    )
    # Code 6.8: a new complaint logged for an issue raised during another.
    related_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="linked", db_index=False
    )

    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The day retention or an erasure anonymised the case (privacy.AnonymisedCase is the record):
    # set in the same transaction, only by putright.privacy.anonymise. It lets an index hold just the
    # ended cases retention still has to look at, not the hundreds of thousands already done.
    anonymised_on = models.DateField(null=True, blank=True, editable=False)
    imported = models.BooleanField(default=False, help_text="Brought in from another system's history.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What triage (putright.triage) makes of a service request's description: whether it reads as
    # dissatisfaction (Code 1.5), and the resident's words that carried it. Worked out once, when
    # the request is logged (putright.triage.stored), not on every view of the queue; None until
    # then (requests imported closed: the worker's triage_backfill job).
    reads_as_complaint = models.BooleanField(null=True, blank=True, editable=False)
    complaint_words = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            # The queue: open cases by next deadline.
            models.Index(fields=["next_deadline_by"], condition=Q(is_open=True), name="case_open_deadline"),
            # The queue filtered by handler ("only my cases"), kind, stage or state, and service
            # area: small indexes of open cases only. Without them each filter reads every case
            # of that handler, kind or area ever recorded to find the open ones (1.7 s, 2.5 s and
            # 0.2 s on SQLite with a million cases: benchmarks/queue.py).
            models.Index(fields=["handler", "next_deadline_by"], condition=Q(is_open=True), name="case_open_handler_deadline"),
            models.Index(fields=["kind", "next_deadline_by"], condition=Q(is_open=True), name="case_open_kind_deadline"),
            models.Index(fields=["state", "next_deadline_by"], condition=Q(is_open=True), name="case_open_state_deadline"),
            models.Index(fields=["service_area", "next_deadline_by"], condition=Q(is_open=True), name="case_open_area_deadline"),
            models.Index(fields=["kind", "received_on"], name="case_kind_received"),
            # The case page's "complaints raised from this request" and "linked complaints": indexes
            # of the few cases where these are set. A plain index of a column empty on nearly every
            # row misleads a planner with statistics (ANALYZE): SQLite read "every row has the same
            # value" and walked all million cases for each lookup (4.4 s a case page).
            models.Index(fields=["from_service_request"], condition=Q(from_service_request__isnull=False), name="case_from_request"),
            models.Index(fields=["related_to"], condition=Q(related_to__isnull=False), name="case_related_to"),
            # Retention (putright.privacy.due): ended cases not anonymised yet, by kind and age. Without
            # it each page of due cases first reads every case already anonymised (5 s a page).
            models.Index(fields=["kind", "received_on"], condition=Q(is_open=False, anonymised_on__isnull=True), name="case_ended_not_anonymised"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_complaint(self) -> bool:
        return self.kind == Kind.COMPLAINT

    def stage(self, number: int) -> Stage | None:
        for stage in self.stages.all():
            if stage.number == number:
                return stage
        return None

    @property
    def current_stage(self) -> Stage | None:
        stages = sorted(self.stages.all(), key=lambda s: s.number)
        return stages[-1] if stages else None

    @property
    def latest_refusal(self) -> Refusal | None:
        refusals = sorted(self.refusals.all(), key=lambda r: (r.refused_on, r.id))
        return refusals[-1] if refusals else None


class CaseTheme(models.Model):
    """A theme of a case (``Case.themes``; the table Django made for it at first).

    The case's kind and received date are copied onto each row: neither changes once a case is
    logged, and with them the year's themes are counted from this table's own index (reports
    migration 0003), not by visiting every complaint received. Set them with
    ``case.themes.set(themes, through_defaults=CaseTheme.defaults_for(case))``.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    received_on = models.DateField()
    # True while the case is open, otherwise empty: the queue's theme filter reads the theme's
    # open cases from an index of these rows (performance migration 0008), not every case the
    # theme was ever given to. Kept by database triggers (putright.performance.copies): never set it.
    case_open = models.BooleanField(null=True, editable=False)
    # While the case is open, its stage (1 or 2, empty outside a stage), its next deadline and its
    # handler's id, otherwise empty: a page of a theme (and stage, and handler) in the queue's
    # deadline order is read from an index of these rows (performance migration 0013). Kept by
    # the same triggers: never set them.
    case_stage = models.SmallIntegerField(null=True, editable=False)
    case_deadline = models.DateField(null=True, editable=False)
    case_handler = models.IntegerField(null=True, editable=False)

    class Meta:
        db_table = "cases_case_themes"
        unique_together = [("case", "theme")]

    @staticmethod
    def defaults_for(case: Case) -> dict:
        return {"kind": case.kind, "received_on": case.received_on}
