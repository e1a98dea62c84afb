"""The access log of reading: who opened which case, resident, attachment, letter, bundle or
export, and when. Append-only, like the case timeline (cases.models.CaseEvent).

`ReadEvent` and `putright.audit.record_read` are a stable interface: the data-protection work
includes a resident's reads in their subject access bundle (`ReadEvent.objects.about(resident)`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyReadError(Exception):
    pass


class What(models.TextChoices):
    CASE = "case", "Case"
    RESIDENT = "resident", "Resident"
    ATTACHMENT = "attachment", "Attachment"
    LETTER = "letter", "Letter"
    BUNDLE = "bundle", "Bundle"
    EXPORT = "export", "Export"


class ReadEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyReadError("The access log is append-only.")

    def delete(self):
        raise AppendOnlyReadError("The access log is append-only.")

    def about(self, resident):
        """Every read of this resident's record or of anything on their cases."""
        return self.filter(resident=resident)


class ReadEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, when not a member of staff (e.g. the export command).")
    what = models.CharField(max_length=20, choices=What.choices)
    object_id = models.CharField(max_length=64, blank=True)
    label = models.CharField(max_length=300, help_text="What was opened, in words: a reference, a file name.")
    # Kept so the log can be searched by resident and shown on the case ("viewed by").
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("residents.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=300, blank=True)

    objects = ReadEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["resident", "-at"]),
            models.Index(fields=["actor", "-at"]),
            # A case's reads newest first, with what "Viewed by" shows of each (audit.views): its
            # last 500 read from the index alone, in order (issue 19: a case read 3,371 times cost
            # PostgreSQL 2.7 ms a case page reading and sorting them all; with it, 1.3).
            models.Index(fields=["case", "-at", "-id", "actor", "actor_label"], name="readevent_case_newest",
                         condition=models.Q(case__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or self.actor_label} opened {self.get_what_display().lower()} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyReadError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyReadError("The access log is append-only.")
