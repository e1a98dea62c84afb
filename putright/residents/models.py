"""Residents, the people acting for them, and what the landlord has agreed to do for them (5.10)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Replace, Upper
from django.db.models import Q


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


#: What people put between a phone number's digits, left out when a phone number is searched for.
PHONE_SEPARATORS = (" ", "-", "(", ")", ".")


def without(field: str, characters):
    """The field with each of the characters taken out (an expression a search and an index share)."""
    expression = models.F(field)
    for character in characters:
        expression = Replace(expression, models.Value(character), models.Value(""))
    return expression


def phone_digits():
    """The phone number without spaces, dashes, brackets or dots: "07700 900-123" is 07700900123."""
    return without("phone", PHONE_SEPARATORS)


def postcode_key():
    """The postcode in capitals without spaces: "sw1a 1aa" is SW1A1AA."""
    return Upper(without("postcode", " "))


class Resident(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    tenancy_reference = models.CharField(max_length=40, blank=True, db_index=True)
    # The Unique Property Reference Number of the home, so a handler can find a resident by it.
    uprn = models.CharField("UPRN", max_length=12, blank=True, db_index=True)
    tenure = models.CharField(max_length=4, choices=Tenure.choices, blank=True)
    preferred_channel = models.CharField(max_length=20, choices=ContactChannel.choices, default=ContactChannel.EMAIL)
    preferred_format = models.CharField(max_length=20, choices=Format.choices, default=Format.STANDARD)
    language = models.CharField(max_length=60, blank=True, help_text="If not English.")
    contact_notes = models.TextField(blank=True, help_text="e.g. best times to call, not to leave voicemail.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # The staff search box finds a resident by phone or postcode however it was typed,
            # and by email or tenancy reference in any case, each through its own index.
            models.Index(phone_digits(), name="resident_phone_digits"),
            # A postcode is shared by a block's residents (200 at the benchmark's million cases):
            # their ids read from the index alone on PostgreSQL, not each resident's row (0.28 →
            # 0.05 ms). SQLite's indexes hold the id already; it ignores INCLUDE.
            models.Index(postcode_key(), name="resident_postcode_key", include=["postcode", "id"]),
            models.Index(Upper("email"), name="resident_email_upper"),
            models.Index(Upper("tenancy_reference"), name="resident_tenancy_upper"),
        ]

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
    last_reviewed_on = models.DateField(null=True, blank=True, help_text="When it was last reviewed (5.10).")

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class ConsentHow(models.TextChoices):
    """How a resident's agreement to a representative was verified (see residents/consent.py)."""

    RESIDENT_ONLINE = "resident_online", "The resident agreed online, signed in with their own email address"
    IN_WRITING = "in_writing", "In writing from the resident (letter or email from their own address)"
    PHONE = "phone", "By phone, on the number we hold for the resident"
    IN_PERSON = "in_person", "In person, with the resident"
    AUTHORITY = "authority", "Legal authority seen (power of attorney or deputyship)"


class Representative(models.Model):
    """Someone acting for a resident: a relative, friend, advocate, councillor or MP (Code 3.6).

    `consent_given_on` is what was *said* (a representative online says the resident agreed);
    `consent_verified_on` is when the landlord *checked* it, and until then the representative
    sees nothing of the resident's record (portal.access, notifications.emails.recipients).
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True, help_text="e.g. daughter, advocate, MP.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    consent_given_on = models.DateField(
        null=True, blank=True, help_text="When the resident agreed that this person may act for them."
    )
    # Verified consent (security finding: a stranger claiming to act for a resident).
    consent_verified_on = models.DateField(null=True, blank=True, help_text="When the resident's agreement was verified.")
    consent_how = models.CharField(max_length=20, choices=ConsentHow.choices, blank=True, help_text="How it was verified.")
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The member of staff who recorded it (none when the resident agreed online).",
    )
    consent_refused_on = models.DateField(null=True, blank=True, help_text="When the resident said this person does not act for them.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (for {self.resident})"

    @property
    def consent_verified(self) -> bool:
        return self.consent_verified_on is not None and self.consent_refused_on is None


# --- restrictions for unacceptable behaviour (5.14, 5.15) -----------------------------------------


class RestrictionQuerySet(models.QuerySet):
    """Whether a restriction applies is worked out from today's date, never stored: a restriction
    past its review date without a review has lapsed, with no job needed to flip a flag (5.15)."""

    def current(self, today: dt.date):
        """Not ended (recorded as ended on or before today)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))

    def active(self, today: dt.date):
        """Applies today: started, not ended, and reviewed in time (review date not passed)."""
        return self.current(today).filter(starts_on__lte=today, review_by__gte=today)

    def lapsed(self, today: dt.date):
        """Past the review date without a review, and not recorded as ended."""
        return self.current(today).filter(review_by__lt=today)

    def due_for_review(self, today: dt.date, within_days: int = 14):
        """Still active, with the review date within `within_days` days."""
        return self.current(today).filter(review_by__gte=today, review_by__lte=today + dt.timedelta(days=within_days))


class Restriction(models.Model):
    """A restriction on a resident's contact for unacceptable behaviour (Code 5.14, 5.15).

    Evidenced, proportionate, with regard to the Equality Act 2010, and reviewed: on its
    `review_by` date it lapses unless a review has moved that date on.
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="restrictions")
    reasons = models.TextField(help_text="The behaviour and why a restriction is needed.")
    evidence = models.TextField(help_text="What the decision rests on: dates, calls, letters.")
    restricted = models.TextField(help_text="What is restricted, e.g. contact by email to one named officer.")
    equality_considerations = models.TextField(
        help_text="How the Equality Act 2010 was considered: disabilities, adjustments, other ways to make contact."
    )
    starts_on = models.DateField()
    review_by = models.DateField(db_index=True, help_text="It lapses after this date unless reviewed.")
    reviewed_on = models.DateField(null=True, blank=True, help_text="The last review.")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["resident", "-starts_on", "-id"]

    def __str__(self) -> str:
        return f"Restriction on {self.resident}: {self.restricted[:60]}"

    def status(self, today: dt.date) -> str:
        """'ended', 'lapsed', 'not_started' or 'active' on `today`."""
        if self.ended_on is not None and self.ended_on <= today:
            return "ended"
        if self.review_by < today:
            return "lapsed"
        if self.starts_on > today:
            return "not_started"
        return "active"

    def is_active(self, today: dt.date) -> bool:
        return self.status(today) == "active"

    def is_lapsed(self, today: dt.date) -> bool:
        return self.status(today) == "lapsed"


class ResidentEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyResidentError("The resident's record of safeguards is append-only.")

    def delete(self):
        raise AppendOnlyResidentError("The resident's record of safeguards is append-only.")


class AppendOnlyResidentError(Exception):
    pass


class ResidentEvent(models.Model):
    """One entry in a resident's record of safeguards (adjustment reviews, restrictions): append-only."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=40)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = ResidentEventQuerySet.as_manager()

    class Meta:
        ordering = ["resident", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyResidentError("The resident's record of safeguards is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyResidentError("The resident's record of safeguards is append-only.")
