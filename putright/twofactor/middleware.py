"""Every staff page, and the admin, only after the second factor (policy.required_for).

`KeptOTPMiddleware` takes the place of django_otp's OTPMiddleware: it sets `user.otp_device` and
`user.is_verified()` the same way, from the check kept for a few seconds (putright/twofactor/kept.py)
instead of a query on every request (issue 19).

`RequireSecondFactorMiddleware`, after it: a signed-in user who needs a second factor and has not
given one is sent to set one up (no authenticator yet) or to enter a code, whatever page they asked
for; only the second-factor pages, signing out and static files are let through. It also puts the
user itself on the request in place of the two lazy wrappers around it (Django's and
django_otp's), which every `user.…` in a template went through twice.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from putright.twofactor import kept, policy

ALLOWED_PREFIXES = ("/account/two-factor/", "/sign-out/", "/static/")


class KeptOTPMiddleware(OTPMiddleware):
    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            state = kept.check(user, persistent_id)
            user.putright_has_authenticator = state.authenticator
            if state.device_ok:
                # Loaded only if something asks for the device itself; is_verified() does not.
                user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(self._normalize_persistent_id(persistent_id)))
            elif persistent_id:
                del request.session[DEVICE_ID_SESSION_KEY]
        return user


def unwrapped(user):
    """The user object behind Django's and django_otp's lazy wrappers, loaded if not yet."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = user = unwrapped(user)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not policy.satisfied(request)
        ):
            name = "twofactor:verify" if policy.has_authenticator(user) else "twofactor:set-up"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
