"""Ombudsman cases, their information requests, determinations, findings and orders, and
exceptional circumstances (Code 8.5).

Models hold data and small derived properties; every change goes through
`putright.ombudsman.actions`, which checks the rules and records an event in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from putright.cases.models import Case
from putright.ombudsman.routing import BODY_LABELS, CATEGORY_LABELS, Body, Category, suggest_body
from putright.residents.models import Resident


class Finding(models.TextChoices):
    SEVERE_MALADMINISTRATION = "severe_maladministration", "Severe maladministration"
    MALADMINISTRATION = "maladministration", "Maladministration"
    SERVICE_FAILURE = "service_failure", "Service failure"
    NO_MALADMINISTRATION = "no_maladministration", "No maladministration"
    REASONABLE_REDRESS = "reasonable_redress", "Reasonable redress"
    MEDIATION = "mediation", "Mediation"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "Outside jurisdiction"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The Ombudsman's maladministration rate: these findings as a share of all findings.
ADVERSE_FINDINGS = frozenset({Finding.SEVERE_MALADMINISTRATION, Finding.MALADMINISTRATION, Finding.SERVICE_FAILURE})


class OrderKind(models.TextChoices):
    ORDER = "order", "Order"
    RECOMMENDATION = "recommendation", "Recommendation"


class OmbudsmanCase(models.Model):
    """A complaint the Ombudsman is looking at: linked to our complaint, or standing alone when the
    Ombudsman came first."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="ombudsman_cases")
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="ombudsman_cases")
    body = models.CharField(max_length=30, choices=[(b.value, BODY_LABELS[b]) for b in Body])
    body_name = models.CharField(max_length=200, blank=True, help_text="The body's name, when not one of the two Ombudsmen.")
    their_reference = models.CharField(max_length=60, blank=True)
    category = models.CharField(max_length=30, choices=[(c.value, CATEGORY_LABELS[c]) for c in Category])
    opened_on = models.DateField(help_text="When the Ombudsman told us it was looking at the complaint.")
    summary = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.body_label} {self.their_reference or f'#{self.pk}'}"

    @property
    def body_label(self) -> str:
        if self.body == Body.OTHER:
            return self.body_name or "Another body"
        return BODY_LABELS[Body(self.body)]

    @property
    def suggestion(self):
        return suggest_body(self.category)

    @property
    def differs_from_suggestion(self) -> bool:
        return self.body != self.suggestion.body.value


class InformationRequest(models.Model):
    """The Ombudsman asks for information; we send the case bundle by the due date (a delay can bring a
    type 2 Complaint Handling Failure Order)."""

    ombudsman_case = models.ForeignKey(OmbudsmanCase, on_delete=models.CASCADE, related_name="information_requests")
    requested_on = models.DateField()
    due_by = models.DateField()
    description = models.TextField(blank=True, help_text="What the Ombudsman asked for.")
    sent_on = models.DateField(null=True, blank=True)
    bundle = models.TextField(blank=True, help_text="What was sent: the bundle's file name or a note.")

    class Meta:
        ordering = ["ombudsman_case", "due_by", "id"]
        indexes = [models.Index(fields=["due_by"], condition=Q(sent_on__isnull=True), name="inforeq_open_due")]

    def is_overdue(self, today: dt.date) -> bool:
        return self.sent_on is None and self.due_by < today


class Determination(models.Model):
    ombudsman_case = models.ForeignKey(OmbudsmanCase, on_delete=models.CASCADE, related_name="determinations")
    determined_on = models.DateField(db_index=True)
    summary = models.TextField(blank=True)
    code_non_compliance = models.BooleanField(
        default=False, help_text="The Ombudsman found we did not comply with the Code (for the annual report, 8.1 c)."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ombudsman_case", "determined_on", "id"]


class DeterminationFinding(models.Model):
    """One finding per complaint issue investigated."""

    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField(default=0)
    issue = models.TextField()
    finding = models.CharField(max_length=30, choices=Finding.choices)

    class Meta:
        ordering = ["determination", "position", "id"]

    @property
    def is_adverse(self) -> bool:
        return self.finding in ADVERSE_FINDINGS


class Order(models.Model):
    """An order (binding, with a deadline and evidence of compliance) or a recommendation."""

    ombudsman_case = models.ForeignKey(OmbudsmanCase, on_delete=models.CASCADE, related_name="orders")
    determination = models.ForeignKey(Determination, null=True, blank=True, on_delete=models.CASCADE, related_name="orders")
    kind = models.CharField(max_length=20, choices=OrderKind.choices)
    text = models.TextField()
    due_by = models.DateField(null=True, blank=True)
    compensation_ordered = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="Evidence of compliance sent to the Ombudsman.")
    complied_on = models.DateField(null=True, blank=True)
    declined_reason = models.TextField(blank=True, help_text="For a recommendation not followed: why.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ombudsman_case", "due_by", "id"]
        indexes = [models.Index(fields=["due_by"], condition=Q(complied_on__isnull=True), name="order_open_due")]

    def is_overdue(self, today: dt.date) -> bool:
        return self.complied_on is None and self.due_by is not None and self.due_by < today


class FailureType(models.TextChoices):
    """What a Complaint Handling Failure Order is for (the Housing Ombudsman's protocol)."""

    PROGRESS = "progress", "Failing to progress a complaint through our procedure"
    INFORMATION = "information", "Failing to give the Ombudsman information it asked for"
    CODE = "code", "Failing to comply with the Complaint Handling Code"


class FailureOrder(models.Model):
    """A Complaint Handling Failure Order from the Housing Ombudsman: its own record, because the
    annual report must count them (8.1 c), and each must be complied with by its date."""

    ombudsman_case = models.ForeignKey(OmbudsmanCase, on_delete=models.CASCADE, related_name="failure_orders")
    failure = models.CharField(max_length=20, choices=FailureType.choices)
    issued_on = models.DateField(db_index=True)
    their_reference = models.CharField(max_length=60, blank=True)
    text = models.TextField(help_text="What the order says we must do.")
    due_by = models.DateField()
    complied_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="Evidence of compliance sent to the Ombudsman.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ombudsman_case", "issued_on", "id"]

    def __str__(self) -> str:
        return f"Complaint Handling Failure Order {self.their_reference or f'#{self.pk}'}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.complied_on is None and self.due_by < today


class OmbudsmanEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyOmbudsmanError("The Ombudsman case record is append-only.")

    def delete(self):
        raise AppendOnlyOmbudsmanError("The Ombudsman case record is append-only.")


class AppendOnlyOmbudsmanError(Exception):
    pass


class OmbudsmanEvent(models.Model):
    """One entry in an Ombudsman case's record (append-only); mirrored on the linked complaint's timeline."""

    ombudsman_case = models.ForeignKey(OmbudsmanCase, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=40)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = OmbudsmanEventQuerySet.as_manager()

    class Meta:
        ordering = ["ombudsman_case", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyOmbudsmanError("The Ombudsman case record is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyOmbudsmanError("The Ombudsman case record is append-only.")


class ExceptionalCircumstance(models.Model):
    """A period when the Code cannot be met, e.g. a cyber incident (Code 8.5). Administrators only."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="When compliance returned (or is expected to return).")
    compliance_returns_by = models.DateField(help_text="The timescale for returning to compliance, as published.")
    residents_told_on = models.DateField(null=True, blank=True)
    ombudsman_told_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    affected_cases = models.ManyToManyField(Case, blank=True, related_name="exceptional_circumstances")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def last_day(self) -> dt.date:
        return self.ends_on or self.compliance_returns_by
