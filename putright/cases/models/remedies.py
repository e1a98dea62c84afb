"""Putting things right: remedies and outstanding actions, with their updates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .case import Case
from .stages import Stage


class RemedyKind(models.TextChoices):
    # The ways of putting things right listed in Code 7.1.
    APOLOGY = "apology", "Apologising"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledging where things went wrong"
    EXPLANATION = "explanation", "Providing an explanation, assistance or reasons"
    ACTION_ON_DELAY = "action_on_delay", "Taking action if there has been delay"
    RECONSIDER = "reconsider", "Reconsidering or changing a decision"
    AMEND_RECORD = "amend_record", "Amending a record or adding a correction or addendum"
    FINANCIAL = "financial", "Providing a financial remedy"
    CHANGE_POLICY = "change_policy", "Changing policies, procedures or practices"


class PaymentMethod(models.TextChoices):
    MONEY = "money", "Payment"
    VOUCHER = "voucher", "Voucher"
    RENT_CREDIT = "rent_credit", "Credit to the rent account"


class Remedy(models.Model):
    """What the landlord will do to put things right, by when, followed to completion (7.1–7.3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=RemedyKind.choices)
    description = models.TextField(help_text="What will happen.")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    due_by = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    # The day the reports count it as offered (docs/reports.md, "compensation"): the response
    # date of the stage it was recorded at, or the day it was recorded while that stage has no
    # response. Set when saved if not given; actions.respond moves it to the response date.
    offered_on = models.DateField(blank=True)
    # The case's handler while not completed, else empty: a handler's own count of those overdue
    # reads it here, not from the case. Kept by triggers (putright.performance.handlercopies).
    case_handler = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["case", "id"]
        verbose_name_plural = "remedies"

    def save(self, *args, **kwargs):
        if self.offered_on is None:
            self.offered_on = self.default_offered_on()
        super().save(*args, **kwargs)

    def default_offered_on(self, today: dt.date | None = None) -> dt.date:
        responded_on = None
        if self.stage_number:
            responded_on = (
                Stage.objects.filter(case_id=self.case_id, number=self.stage_number)
                .values_list("responded_on", flat=True).first()
            )
        if responded_on is not None:
            return responded_on
        if today is not None:
            return today
        return timezone.localdate(self.created_at) if self.created_at else timezone.localdate()


class OutstandingAction(models.Model):
    """Work still to do after a response, tracked and reported to the resident (6.6, 6.17)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    owner_name = models.CharField(max_length=200, blank=True, help_text="A team or contractor, if not a user.")
    due_by = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The case's handler while not completed, else empty: a handler's own count of those overdue
    # reads it here, not from the case. Kept by triggers (putright.performance.handlercopies).
    case_handler = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["case", "due_by", "id"]
        indexes = [models.Index(fields=["due_by"], condition=Q(completed_on__isnull=True), name="action_open_due")]


class ActionUpdate(models.Model):
    """An update given to the resident on an outstanding action."""

    action = models.ForeignKey(OutstandingAction, on_delete=models.CASCADE, related_name="updates")
    given_on = models.DateField()
    note = models.TextField()

    class Meta:
        ordering = ["action", "given_on", "id"]
