"""Webhooks: the landlord's systems told of timeline events as they happen, signed, retried."""

from django.db import models


class Webhook(models.Model):
    """A URL an administrator registered, the event kinds it wants, and its signing secret.

    The secret is kept as it is (not hashed): PutRight needs it to sign every delivery.
    """

    name = models.CharField(max_length=50, unique=True)
    url = models.URLField(max_length=500)
    events = models.JSONField(help_text='Timeline event kinds, e.g. ["logged", "responded"]; ["*"] for all.')
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    # Events after this id are still to be queued for this hook (the hook starts from "now").
    last_event_id = models.BigIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        return "*" in self.events or kind in self.events


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    DELIVERED = "delivered", "Delivered"
    GAVE_UP = "gave_up", "Gave up after every retry"


class Delivery(models.Model):
    """One event for one hook, until the receiver accepts it (2xx) or every retry is spent."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["webhook", "event"], name="delivery_once_per_hook")]
        indexes = [models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="delivery_due")]
        verbose_name_plural = "deliveries"


class Attempt(models.Model):
    """One try at sending a delivery, with what the receiver answered."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The HTTP status; empty when no answer came.")
    response = models.TextField(blank=True, help_text="The start of the receiver's answer.")
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "at", "id"]
