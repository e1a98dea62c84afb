"""Every staff page, and the admin, only after the second factor (policy.required_for).

Installed after django_otp's OTPMiddleware. A signed-in user who needs a second factor and has
not given one is sent to set one up (no authenticator yet) or to enter a code, whatever page
they asked for; only the second-factor pages, signing out and static files are let through.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from putright.twofactor import policy

ALLOWED_PREFIXES = ("/account/two-factor/", "/sign-out/", "/static/")


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not policy.satisfied(request)
        ):
            name = "twofactor:verify" if policy.has_authenticator(user) else "twofactor:set-up"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
