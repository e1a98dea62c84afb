"""Residents, the people acting for them, and what the landlord has agreed to do for them (5.10)."""

from django.db import models


class Tenure(models.TextChoices):
    # The Regulator's complaint measures are reported separately for each (CH01, CH02).
    LCRA = "lcra", "Low cost rental accommodation"
    LCHO = "lcho", "Low cost home ownership"


class ContactChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"
    IN_PERSON = "in_person", "In person"


class Format(models.TextChoices):
    STANDARD = "standard", "Standard"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BRAILLE = "braille", "Braille"
    AUDIO = "audio", "Audio"
    OTHER_LANGUAGE = "other_language", "Another language"


class Resident(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    tenancy_reference = models.CharField(max_length=40, blank=True, db_index=True)
    tenure = models.CharField(max_length=4, choices=Tenure.choices, blank=True)
    preferred_channel = models.CharField(max_length=20, choices=ContactChannel.choices, default=ContactChannel.EMAIL)
    preferred_format = models.CharField(max_length=20, choices=Format.choices, default=Format.STANDARD)
    language = models.CharField(max_length=60, blank=True, help_text="If not English.")
    contact_notes = models.TextField(blank=True, help_text="e.g. best times to call, not to leave voicemail.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdjustmentKind(models.TextChoices):
    REASONABLE_ADJUSTMENT = "reasonable_adjustment", "Reasonable adjustment"
    DISCLOSED_DISABILITY = "disclosed_disability", "Disclosed disability"
    VULNERABILITY = "vulnerability", "Vulnerability"


class Adjustment(models.Model):
    """A disclosed disability or vulnerability, or an adjustment agreed with the resident (Code 5.10).

    Each carries a review date: the Code asks that adjustments are kept under active review.
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=30, choices=AdjustmentKind.choices)
    description = models.TextField()
    agreed_on = models.DateField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True, db_index=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class Representative(models.Model):
    """Someone acting for a resident: a relative, friend, advocate, councillor or MP (Code 3.6)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True, help_text="e.g. daughter, advocate, MP.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    consent_given_on = models.DateField(
        null=True, blank=True, help_text="When the resident agreed that this person may act for them."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (for {self.resident})"
