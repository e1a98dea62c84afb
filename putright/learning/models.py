"""Learning from complaints (Code 9.1–9.3) and the service improvements it leads to (8.1 d)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from putright.cases.models import Case, ServiceArea


class LearningItem(models.Model):
    """What went wrong on a complaint and what we learned, recorded after a response."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="learning_items")
    recorded_on = models.DateField()
    what_went_wrong = models.TextField()
    root_cause = models.TextField()
    learning = models.TextField(blank=True, help_text="What we will do differently.")
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT)
    contractor = models.CharField(max_length=200, blank=True, help_text="The contractor involved, if any.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.what_went_wrong[:60]}"


class ImprovementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ServiceImprovement(models.Model):
    """A change to a service, with an owner, a due date and a status; "you said, we did" for the
    annual report (8.1 d) and the board (9.7)."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=200, blank=True, help_text="A team, if not a user.")
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT)
    due_by = models.DateField()
    status = models.CharField(max_length=20, choices=ImprovementStatus.choices, default=ImprovementStatus.PLANNED)
    done_on = models.DateField(null=True, blank=True, db_index=True)
    you_said_we_did = models.TextField(blank=True, help_text='"You said, we did": for the annual report.')
    learning_items = models.ManyToManyField(LearningItem, blank=True, related_name="improvements")
    cases = models.ManyToManyField(Case, blank=True, related_name="improvements")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_by", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status != ImprovementStatus.DONE and self.due_by < today
