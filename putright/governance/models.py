"""Who is named for complaints, with dates, and the governing body's receipt of each report.

- `NamedRole`: the complaints officer or team (Code 4.1), the senior lead (9.4) and the Member
  Responsible for Complaints (9.5). A new appointment ends the previous holder's the day before,
  so the record says who held each role on any day.
- `ReportReceipt`: the governing body received the annual report (8.2) or a quarterly report
  (9.6), when, at what meeting, and its response.

Changed only through `putright.governance.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RoleKind(models.TextChoices):
    COMPLAINTS_OFFICER = "complaints_officer", "Complaints officer or team"
    SENIOR_LEAD = "senior_lead", "Senior lead person for complaint handling"
    MEMBER_RESPONSIBLE = "member_responsible", "Member Responsible for Complaints"


#: The Code's provision for each role.
ROLE_PROVISIONS = {RoleKind.COMPLAINTS_OFFICER: "4.1", RoleKind.SENIOR_LEAD: "9.4", RoleKind.MEMBER_RESPONSIBLE: "9.5"}


class NamedRole(models.Model):
    kind = models.CharField(max_length=30, choices=RoleKind.choices)
    name = models.CharField(max_length=200, help_text="The person, or the team's name.")
    job_title = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def provision(self) -> str:
        return ROLE_PROVISIONS[RoleKind(self.kind)]


class ReportReceipt(models.Model):
    """The governing body received a report: ``quarter`` 0 is the annual report of ``year``."""

    year = models.PositiveSmallIntegerField(help_text="The reporting year starting 1 April.")
    quarter = models.PositiveSmallIntegerField(default=0, help_text="1 to 4; 0 for the annual report.")
    received_on = models.DateField()
    meeting = models.CharField(max_length=200, blank=True, help_text="For example: Board meeting.")
    response = models.TextField(help_text="The governing body's response.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="one_receipt_per_report")]

    @property
    def is_annual(self) -> bool:
        return self.quarter == 0
