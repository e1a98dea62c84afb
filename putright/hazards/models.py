"""Hazard reports under Awaab's Law (SI 2025/1042), beside the cases about them.

A hazard report is raised from a case (the service request or complaint that told the landlord of
it) and keeps its own legal clocks, which run whatever happens to the complaint. Every change goes
through `putright.hazards.actions`, which stores each deadline (from `putright.rules.hazards`) and
appends one `HazardEvent`.

Which hazards the law covers, and from when, is data (`HazardKind`), not code: later phases add
rows, not releases.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from putright.cases.models import AppendOnlyError, Case
from putright.residents.models import Resident
from putright.rules import hazards as rules


class HazardKind(models.Model):
    """A hazard (the HHSRS list), and from when the law treats it as significant or emergency."""

    name = models.CharField(max_length=120, unique=True)
    significant_from = models.DateField(
        null=True, blank=True, help_text="From this date the significant-hazard clocks apply (phase 1: damp and mould)."
    )
    emergency_from = models.DateField(
        null=True, blank=True, help_text="From this date the 24-hour emergency clocks apply."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def covers(self, category: str, on) -> bool:
        start = self.significant_from if category == rules.SIGNIFICANT else self.emergency_from
        return start is not None and start <= on


class Category(models.TextChoices):
    EMERGENCY = rules.EMERGENCY, "Emergency hazard (24 hours)"
    SIGNIFICANT = rules.SIGNIFICANT, "Significant hazard (working days)"


class AwareHow(models.TextChoices):
    RESIDENT_REPORT = "resident_report", "Reported by the resident (any channel)"
    COMPLAINT = "complaint", "In a complaint"
    STAFF_OBSERVATION = "staff_observation", "Seen by a member of staff"
    CONTRACTOR = "contractor", "A contractor's note"
    PORTAL = "portal", "Reported on the residents' site"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    EMERGENCY_FOUND = "emergency_found", "Emergency hazard found"
    SIGNIFICANT_FOUND = "significant_found", "Significant hazard found"
    NO_HAZARD = "no_hazard", "No significant or emergency hazard"


class HazardReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class HazardReport(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hazard_reports")
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="hazard_reports")
    home = models.TextField(help_text="The address of the home affected.")
    household_vulnerabilities = models.TextField(
        blank=True, help_text="Copied from the resident's record when raised: who in the household is at greater risk."
    )
    kind = models.ForeignKey(HazardKind, on_delete=models.PROTECT, related_name="reports")
    category = models.CharField(max_length=12, choices=Category.choices)
    description = models.TextField(help_text="What was reported or seen.")
    aware_at = models.DateTimeField(help_text="The moment the landlord became aware: the clocks start here.")
    aware_how = models.CharField(max_length=20, choices=AwareHow.choices)

    # The investigation.
    investigated_at = models.DateTimeField(null=True, blank=True, help_text="When the investigation concluded.")
    investigator = models.CharField(max_length=200, blank=True)
    findings = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    # The written summary of the findings (significant hazards).
    summary_given_on = models.DateField(null=True, blank=True)
    summary_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Relevant safety work.
    safety_work = models.TextField(blank=True)
    safety_work_done_at = models.DateTimeField(null=True, blank=True)

    # Supplementary preventative work.
    preventative_work = models.TextField(blank=True)
    preventative_work_begun_on = models.DateField(null=True, blank=True, help_text="Begun, or steps taken to begin it.")
    preventative_work_started_on = models.DateField(null=True, blank=True, help_text="Physically started.")
    preventative_work_completed_on = models.DateField(null=True, blank=True)

    # Suitable alternative accommodation, at the landlord's cost.
    accommodation_offered_on = models.DateField(null=True, blank=True)
    accommodation_accepted = models.BooleanField(null=True, blank=True)
    accommodation_from = models.DateField(null=True, blank=True)
    accommodation_until = models.DateField(null=True, blank=True)

    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    # Stored deadlines (kept by the actions): the dates the law gives, from putright.rules.hazards.
    investigate_by = models.DateField()
    investigate_by_at = models.DateTimeField(null=True, blank=True, help_text="Emergency hazards: the hour.")
    summary_by = models.DateField(null=True, blank=True)
    safety_work_by = models.DateField(null=True, blank=True)
    safety_work_by_at = models.DateTimeField(null=True, blank=True, help_text="Emergency hazards: the hour.")
    preventative_work_begin_by = models.DateField(null=True, blank=True)
    preventative_work_start_by = models.DateField(null=True, blank=True)
    # The soonest step still to do, for the worklist (null when none is outstanding).
    next_due_on = models.DateField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HazardReportQuerySet.as_manager()

    class Meta:
        ordering = ["-aware_at", "-id"]
        indexes = [
            models.Index(fields=["next_due_on"], name="hazard_open_next_due", condition=models.Q(closed_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.home.splitlines()[0] if self.home else 'unknown home'} ({self.get_category_display()})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def in_alternative_accommodation(self) -> bool:
        return bool(self.accommodation_accepted and self.accommodation_from and not self.accommodation_until)


class HazardUpdate(models.Model):
    """An update given to the tenant: the law expects them to be kept informed throughout."""

    report = models.ForeignKey(HazardReport, on_delete=models.CASCADE, related_name="updates")
    given_on = models.DateField()
    method = models.CharField(max_length=60)
    summary = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "given_on", "id"]


class StepKind(models.TextChoices):
    NO_ACCESS = "no_access", "The resident refused or could not give access"
    CONTRACTOR = "contractor", "No contractor available"
    MATERIALS = "materials", "Materials not available"
    PERMISSION = "permission", "Permission or consent needed from someone else"
    OTHER = "other", "Other"


class ReasonableStep(models.Model):
    """Evidence that the landlord took all reasonable steps (its defence if a clock was missed)."""

    report = models.ForeignKey(HazardReport, on_delete=models.CASCADE, related_name="reasonable_steps")
    on = models.DateField()
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    details = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "on", "id"]


class HazardEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("A hazard's record is append-only: events are never changed.")

    def delete(self):
        raise AppendOnlyError("A hazard's record is append-only: events are never deleted.")


class HazardEvent(models.Model):
    """One entry in a hazard report's record: append-only, like the case timeline."""

    report = models.ForeignKey(HazardReport, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=40)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = HazardEventQuerySet.as_manager()

    class Meta:
        ordering = ["report", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("A hazard's record is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A hazard's record is append-only: events are never deleted.")
