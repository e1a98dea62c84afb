"""API keys and the record of every request made with one."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from putright.accounts.models import Role


class ApiKey(models.Model):
    """A key for one of the landlord's systems (the CRM, the housing system, the data warehouse).

    Only the SHA-256 of the key is stored: the key is 256 random bits, so a fast hash is enough
    (no one can guess their way to a preimage) and lets a request find its key by an index. The
    key acts through its own staff user (`user`), with the key's role and no password, so the
    service functions check its role and the timeline says which system made each change.
    """

    name = models.CharField(max_length=50, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    prefix = models.CharField(max_length=12, help_text="The first characters of the key, to tell keys apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key")
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiKeyUse(models.Model):
    """One request made with a key: who, when, what, and the answer's status."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="uses")
    at = models.DateTimeField()
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["key", "at", "id"]
        indexes = [models.Index(fields=["key", "at"], name="api_key_use_key_at")]
