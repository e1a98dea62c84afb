"""Personal data through its whole life: how long each kind of case is kept, what stops the clock,
and the record of every anonymisation and retention run (counts and references, never names)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from putright.cases.models import Case
from putright.residents.models import Resident


class RetentionSchedule(models.Model):
    """How long a case is kept after it ends before it is anonymised (one row, in Settings).

    The defaults and the reasons for them are in docs/data-protection.md.
    """

    complaint_years = models.PositiveSmallIntegerField(
        default=6, help_text="Complaints: years after the case ended (closed, withdrawn or refused)."
    )
    service_request_years = models.PositiveSmallIntegerField(
        default=2, help_text="Service requests: years after the request ended."
    )
    compliment_years = models.PositiveSmallIntegerField(default=1, help_text="Compliments: years after it was closed.")
    draft_days = models.PositiveSmallIntegerField(
        default=7, help_text="Unfinished online complaints (answers and uploaded files): days after they were started."
    )
    apply_daily = models.BooleanField(
        default=True, help_text="Let the worker anonymise what is due each day. Off: only `putright retention --apply` does."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "retention schedule"
        verbose_name_plural = "retention schedule"

    def __str__(self) -> str:
        return (
            f"Complaints {self.complaint_years} years, service requests {self.service_request_years}, "
            f"compliments {self.compliment_years}; unfinished online complaints {self.draft_days} days"
        )

    @classmethod
    def load(cls) -> RetentionSchedule:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def years_for(self, kind: str) -> int:
        return {
            "complaint": self.complaint_years,
            "service_request": self.service_request_years,
            "compliment": self.compliment_years,
        }[kind]


class HoldReason(models.TextChoices):
    LEGAL = "legal", "Legal proceedings"
    MANAGER = "manager", "A manager's recorded reason"


class HoldQuerySet(models.QuerySet):
    def current(self):
        return self.filter(lifted_on__isnull=True)


class Hold(models.Model):
    """Stops the retention clock for one case until lifted. (An open Ombudsman case holds its case
    without a row here: retention reads the Ombudsman cases themselves.)"""

    # No reverse name on Case: the case record has no way to pause or hold the Code's clock
    # (cases/tests/test_extend.py), and this hold is about keeping data, not about the clock.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    explanation = models.TextField(help_text="Why the record must be kept, e.g. the claim number or the manager's reason.")
    placed_on = models.DateField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_on", "-id"]
        indexes = [models.Index(fields=["case"], condition=Q(lifted_on__isnull=True), name="hold_current_case")]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_reason_display()}"


class Why(models.TextChoices):
    RETENTION = "retention", "Retention period over"
    ERASURE = "erasure", "Erasure request granted"


class RetentionRun(models.Model):
    """One run of `putright retention` (or the worker): what it found and did, as counts only."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    applied = models.BooleanField(default=False, help_text="False: only listed what was due.")
    counts = models.JSONField(default=dict)
    run_by = models.CharField(max_length=200, blank=True, help_text="The command or the worker.")
    partial = models.BooleanField(
        default=False, db_default=False,
        help_text="Stopped before the end of the list (its time was up, or it was stopped): the next run carries on after the last case it reached.",
    )
    # The last case this run finished with, (received_on, id) in the list's order: saved in the
    # same transaction as each batch, so a run killed half-way is carried on from what it committed.
    reached = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}" + (" (partial)" if self.partial else "")


class AnonymisedCase(models.Model):
    """A case whose personal data was removed: when, why and how much, never what."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="anonymisation")
    anonymised_at = models.DateTimeField()
    why = models.CharField(max_length=20, choices=Why.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(RetentionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    counts = models.JSONField(default=dict, help_text="How many rows, events and files were changed or removed.")

    class Meta:
        ordering = ["-anonymised_at", "-id"]


class AnonymisedResident(models.Model):
    """A resident whose record was anonymised once none of their cases needed them any more."""

    resident = models.OneToOneField(Resident, on_delete=models.PROTECT, related_name="anonymisation")
    anonymised_at = models.DateTimeField()
    why = models.CharField(max_length=20, choices=Why.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-anonymised_at", "-id"]


class RequestKind(models.TextChoices):
    ACCESS = "access", "Subject access (a copy of their data)"
    RECTIFICATION = "rectification", "Rectification (correct their details)"
    ERASURE = "erasure", "Erasure (delete their data)"


class RequestOutcome(models.TextChoices):
    PENDING = "", "Not decided yet"
    DONE = "done", "Carried out"
    REFUSED = "refused", "Refused, with a reason"


class DataRequestQuerySet(models.QuerySet):
    def outstanding(self):
        return self.filter(completed_on__isnull=True)


class DataRequest(models.Model):
    """A resident's request under UK GDPR (articles 15–17): answered within one month of receipt,
    or three when extended for a complex request (article 12(3)), with the resident told why."""

    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="data_requests")
    received_on = models.DateField()
    details = models.TextField(blank=True, help_text="What was asked for, e.g. the details to correct.")
    due_by = models.DateField(help_text="One month after receipt (the next working day if that is not one).")
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True, help_text="Why it is complex, as told to the resident.")
    outcome = models.CharField(max_length=10, choices=RequestOutcome.choices, blank=True, default="")
    outcome_reason = models.TextField(blank=True, help_text="What was done, or why it was refused.")
    completed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["completed_on", "due_by", "id"]
        indexes = [models.Index(fields=["due_by"], condition=Q(completed_on__isnull=True), name="datarequest_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request received {self.received_on:%-d %B %Y}"

    @property
    def answer_by(self):
        return self.extended_to or self.due_by
