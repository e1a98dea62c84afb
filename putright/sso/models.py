"""Which PutRight account each single sign-on identity signs in to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoIdentity(models.Model):
    """A person at the landlord's identity provider, by the provider's own key for them.

    OpenID Connect names a person by `iss` and `sub` together (Core 1.0, section 5.7): email
    addresses and usernames can change or be reused, so PutRight never finds an account by them
    after the first sign-in.
    """

    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sso_identity")
    created_at = models.DateTimeField()
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    #: The groups the provider said at the last sign-in, to explain the role it gave.
    last_groups = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_issuer_subject")]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
