"""What the resident portal stores besides cases: private links, sign-in codes, uploads waiting
for the complaint to be sent, satisfaction survey answers and published reports."""

from __future__ import annotations

from django.db import models

from putright.cases.models import Case


class AccessToken(models.Model):
    """A private link's token. Only its SHA-256 is kept; the token itself is in one email."""

    email = models.EmailField(db_index=True, help_text="The address whose cases the link opens.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "private link"

    def __str__(self) -> str:
        return f"Link for {self.email}"


class SignInCode(models.Model):
    """A 6-digit code emailed to a resident; kept as a keyed hash, tried at most 5 times."""

    email = models.EmailField(db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class DraftFile(models.Model):
    """A file uploaded during the complaint journey, kept until the complaint is sent.

    The journey's answers live in the session; files are too big for it, so they wait here,
    keyed by a random draft id held in that session.
    """

    draft = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to="portal-drafts/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, "Very satisfied"
    SATISFIED = 4, "Satisfied"
    NEITHER = 3, "Neither satisfied nor dissatisfied"
    DISSATISFIED = 2, "Dissatisfied"
    VERY_DISSATISFIED = 1, "Very dissatisfied"


class SurveyResponse(models.Model):
    """How satisfied the resident was with the handling of a closed case (one per case).

    Dissatisfaction here is survey feedback, not a complaint (Code 1.6); the survey page says
    how to complain.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survey")
    rating = models.PositiveSmallIntegerField(choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    answered_by = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_rating_display()}"


class ReportKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", "Annual complaints performance and service improvement report"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment against the Complaint Handling Code"
    GOVERNING_BODY_RESPONSE = "governing_body_response", "Governing body's response"
    OMBUDSMAN_REPORT = "ombudsman_report", "Housing Ombudsman report about us"
    OTHER = "other", "Other"


class PublishedReport(models.Model):
    """A report the landlord publishes on its complaints page (Code 8.1, 8.2)."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    published_on = models.DateField()
    summary = models.TextField(blank=True)
    file = models.FileField(upload_to="published-reports/", blank=True)
    url = models.URLField(blank=True, help_text="Or a link to where it is published.")

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title
