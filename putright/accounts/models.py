from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    MANAGER = "manager", "Complaints manager"
    HANDLER = "handler", "Complaint handler"
    # The Member Responsible for Complaints and the governing body: read everything, change nothing.
    OVERSIGHT = "oversight", "Oversight (read only)"


CASEWORK_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.HANDLER})
MANAGER_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER})

# Reference data a complaints manager keeps in the admin; an administrator may change anything.
REFERENCE_MODELS = frozenset({"servicearea", "theme", "closureday", "homesowned", "landlordsettings"})
REFERENCE_MODELS |= {"hazardkind"}  # Awaab's Law: which hazards the law covers, and from when
# The apps a complaints manager may see in the admin (reference data editable, the rest read
# only). Not "accounts" or "axes": staff accounts and sign-in records are for administrators.
MANAGER_ADMIN_APPS = frozenset({"cases", "residents", "letters"})
MANAGER_ADMIN_APPS |= {"hazards"}


class User(AbstractUser):
    """A member of the landlord's staff. Residents do not have staff accounts.

    What a user may do follows from their role alone (see docs/roles.md):
    - read cases: every role;
    - change cases (log, acknowledge, extend, respond, remedies, correspondence...): casework roles;
    - allocate, refuse, reopen: managers and administrators;
    - the Django admin: administrators (everything) and managers (reference data).
    """

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HANDLER)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_read_cases(self) -> bool:
        return self.is_active and self.role in Role.values

    @property
    def can_change_cases(self) -> bool:
        return self.is_active and self.role in CASEWORK_ROLES

    @property
    def can_manage_cases(self) -> bool:
        return self.is_active and self.role in MANAGER_ROLES

    @property
    def is_administrator(self) -> bool:
        """Landlord-wide settings and exceptional circumstances (8.5) are for administrators."""
        return self.is_active and (self.is_superuser or self.role == Role.ADMINISTRATOR)

    def save(self, *args, **kwargs):
        # The admin is for administrators and managers; the role decides, not a separate flag.
        self.is_staff = self.role in MANAGER_ROLES or self.is_superuser
        super().save(*args, **kwargs)

    def has_perm(self, perm: str, obj=None) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser or self.role == Role.ADMINISTRATOR:
            return True
        if self.role == Role.MANAGER:
            # Read the apps in MANAGER_ADMIN_APPS and change their reference data; nothing
            # in other apps (staff accounts, sign-in records): administrators manage users.
            app_label, _, codename = perm.partition(".")
            verb, _, model = codename.partition("_")
            if app_label not in MANAGER_ADMIN_APPS:
                return False
            return verb == "view" or model in REFERENCE_MODELS
        return False

    def has_module_perms(self, app_label: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser or self.role == Role.ADMINISTRATOR:
            return True
        return self.role == Role.MANAGER and app_label in MANAGER_ADMIN_APPS

    def __str__(self) -> str:
        return self.display_name
