from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    MANAGER = "manager", "Complaints manager"
    HANDLER = "handler", "Complaint handler"
    # The Member Responsible for Complaints and the governing body: read everything, change nothing.
    OVERSIGHT = "oversight", "Oversight (read only)"


class User(AbstractUser):
    """A member of the landlord's staff. Residents do not have staff accounts."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HANDLER)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_change_cases(self) -> bool:
        return self.is_active and self.role in {Role.ADMINISTRATOR, Role.MANAGER, Role.HANDLER}

    def __str__(self) -> str:
        return self.display_name
