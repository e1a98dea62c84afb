"""Who must use a second factor, and whether they have one.

Password sign-in needs a second factor (a code from an authenticator app, or a recovery code) for
administrators and managers always, and for everyone when the landlord sets
PUTRIGHT_TWO_FACTOR_FOR_EVERYONE. Anyone who has set one up uses it whatever their role.

Single sign-on (putright/sso) counts as both factors only when the provider's ID token shows it
checked a second factor (`amr`/`acr`, putright.sso.config.shows_second_factor); otherwise the
same people give PutRight's own code after the provider's sign-in. SSO_SESSION_KEY holds
{"mfa": bool} for a session that came through single sign-on.
"""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts.models import MANAGER_ROLES

#: Set in the session by the single sign-on back end.
SSO_SESSION_KEY = "putright_sso"


def required_for(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "PUTRIGHT_TWO_FACTOR_FOR_EVERYONE", False):
        return True
    if user.is_superuser or user.role in MANAGER_ROLES:
        return True
    # On a request, KeptOTPMiddleware has already asked (kept for a few seconds: kept.py).
    kept = getattr(user, "putright_has_authenticator", None)
    return kept if kept is not None else has_authenticator(user)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def satisfied(request) -> bool:
    """Signed in with both factors (a provider that checked a second factor counts), or not
    required to."""
    user = request.user
    if not required_for(user):
        return True
    sso = request.session.get(SSO_SESSION_KEY)
    if isinstance(sso, dict) and sso.get("mfa") is True:
        return True
    return bool(getattr(user, "is_verified", lambda: False)())
