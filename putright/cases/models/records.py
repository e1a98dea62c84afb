"""What a case keeps: correspondence, attachments and its append-only timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from putright.residents.models import ContactChannel

from .case import Case


class Direction(models.TextChoices):
    IN = "in", "Received"
    OUT = "out", "Sent"
    NOTE = "note", "Internal note"


class Correspondence(models.Model):
    """A letter, email, call or note, with the resident or anyone else (5.12)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correspondence")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    method = models.CharField(max_length=20, choices=ContactChannel.choices, blank=True)
    occurred_on = models.DateField()
    correspondent = models.CharField(max_length=200, blank=True, help_text="Who it was from or to.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # Internal notes never reach the resident (portal, subject access bundle).
    internal = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "occurred_on", "id"]
        verbose_name_plural = "correspondence"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.correspondence.case_id}/{instance.sha256[:16]}-{filename}"


class Attachment(models.Model):
    correspondence = models.ForeignKey(Correspondence, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["correspondence", "id"]


class AppendOnlyError(Exception):
    pass


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The timeline is append-only: events are never changed.")

    def delete(self):
        raise AppendOnlyError("The timeline is append-only: events are never deleted.")


class CaseEvent(models.Model):
    """One entry in a case's timeline: who did what, when, with the data of the change.

    Append-only: saving an existing event or deleting one raises AppendOnlyError.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, when not a staff user.")
    kind = models.CharField(max_length=40)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The timeline is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The timeline is append-only: events are never deleted.")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"
