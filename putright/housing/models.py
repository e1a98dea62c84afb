"""Homes, by the housing management system's keys, and which home a resident lives in.

The housing system owns residents, homes and tenures; PutRight keeps a copy it can be told about
(API or CSV) rather than its own version. A resident is found by their tenancy reference
(`Resident.tenancy_reference`), a home by its UPRN (the Unique Property Reference Number).
"""

from django.db import models

from putright.residents.models import Resident, Tenure


class Home(models.Model):
    uprn = models.CharField("UPRN", max_length=12, unique=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    tenure = models.CharField(max_length=4, choices=Tenure.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uprn"]

    def __str__(self) -> str:
        return f"{self.uprn} {self.address.splitlines()[0] if self.address else ''}".strip()


class ResidentHome(models.Model):
    """The home a resident lives in, as the housing system last said."""

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="home_link")
    home = models.ForeignKey(Home, on_delete=models.PROTECT, related_name="resident_links")
