"""The annual self-assessment against the Complaint Handling Code (8.1 a, 8.3, 8.4).

A self-assessment is kept in versions: a new version starts as a copy of the previous one's
answers, and a version the governing body has approved is read-only (the record of what was
approved and published stays as it was).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .provisions import NUMBERS, sort_key


class Complies(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


class SelfAssessment(models.Model):
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(help_text="The reporting year starting 1 April whose figures are the evidence.")
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_on = models.DateField(null=True, blank=True, help_text="When the governing body approved it.")
    governing_body_response = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None

    def check_editable(self) -> None:
        if self.is_approved:
            raise ValidationError("This version has been approved by the governing body and cannot be changed; start a new version.")

    def answers_by_number(self) -> dict[str, Answer]:
        return {a.provision: a for a in self.answers.all()}

    @classmethod
    @transaction.atomic
    def start(cls, *, title: str, year: int, user=None, previous: SelfAssessment | None = None) -> SelfAssessment:
        """A new version: every provision gets an answer, copied from ``previous`` when given."""
        assessment = cls.objects.create(
            title=title, year=year, created_by=user, previous=previous,
            version=(previous.version + 1) if previous else 1,
        )
        old = previous.answers_by_number() if previous else {}
        Answer.objects.bulk_create([
            Answer(assessment=assessment, provision=number,
                   complies=old[number].complies if number in old else "",
                   evidence=old[number].evidence if number in old else "",
                   commentary=old[number].commentary if number in old else "")
            for number in NUMBERS
        ])
        return assessment

    @transaction.atomic
    def approve(self, *, on, response: str) -> None:
        self.check_editable()
        self.approved_on = on
        self.governing_body_response = response
        self.save(update_fields=["approved_on", "governing_body_response"])


class Answer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    provision = models.CharField(max_length=5)
    complies = models.CharField(max_length=3, blank=True, choices=Complies.choices)
    evidence = models.TextField(blank=True)
    commentary = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "provision"], name="one_answer_per_provision")]

    def __str__(self) -> str:
        return f"{self.provision}: {self.complies or 'not answered'}"

    @property
    def sort_key(self):
        return sort_key(self.provision)
