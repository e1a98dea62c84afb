"""Reference data an administrator edits: the landlord's settings, service areas, themes, closure
days, homes owned, and the counter references are issued from."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# --- reference data, edited by an administrator -------------------------------------------------


class LandlordSettings(models.Model):
    """The landlord running this PutRight (one row)."""

    name = models.CharField(max_length=200, default="Our landlord")
    is_council = models.BooleanField(
        default=False, help_text="Councils answer to the Local Government and Social Care Ombudsman too."
    )
    complaints_email = models.EmailField(blank=True)
    complaints_phone = models.CharField(max_length=40, blank=True)
    housing_ombudsman_contact = models.TextField(
        default=(
            "Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET. "
            "Telephone 0300 111 3000. Email info@housing-ombudsman.org.uk. "
            "Website www.housing-ombudsman.org.uk"
        )
    )
    lgsco_contact = models.TextField(
        blank=True,
        default=(
            "Local Government and Social Care Ombudsman, PO Box 4771, Coventry, CV4 0EH. "
            "Telephone 0300 061 0614. Website www.lgo.org.uk"
        ),
    )

    class Meta:
        verbose_name = "landlord settings"
        verbose_name_plural = "landlord settings"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> LandlordSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ServiceArea(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A day the landlord's offices are closed, which does not count as a working day.

    Recorded before it happens (a day already here or past is refused: otherwise adding days
    after the fact could turn a late step into an on-time one), and no more than
    ``MAX_PER_YEAR`` in a calendar year. After adding or removing one, run
    `putright recompute_deadlines` so open cases follow; a deadline that has passed never moves.
    """

    MAX_PER_YEAR = 10

    day = models.DateField(unique=True)
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["day"]

    def clean(self):
        from django.core.exceptions import ValidationError

        today = timezone.localdate()
        if self.day is None:
            return
        if self.day <= today and (self._state.adding or ClosureDay.objects.get(pk=self.pk).day != self.day):
            raise ValidationError({"day": (
                f"A closure day must be recorded before it happens: {self.day:%-d %B %Y} is not after today "
                f"({today:%-d %B %Y}). Deadlines already set cannot be moved by closing the office after the fact."
            )})
        same_year = ClosureDay.objects.filter(day__year=self.day.year).exclude(pk=self.pk).count()
        if same_year >= self.MAX_PER_YEAR:
            raise ValidationError({"day": (
                f"{self.day.year} already has {same_year} closure days, the most PutRight allows in a year: "
                "longer closures would move residents' deadlines by weeks."
            )})

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y} {self.label}".strip()


class HomesOwned(models.Model):
    """Homes owned in the reporting year starting 1 April of `year` (for complaints per 1,000 homes)."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="2024 means 1 April 2024 to 31 March 2025.")
    lcra = models.PositiveIntegerField("low cost rental homes", default=0)
    lcho = models.PositiveIntegerField("low cost home ownership homes", default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name_plural = "homes owned"

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"


class ReferenceCounter(models.Model):
    """The last number issued for a year, so references are short, sequential and never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
