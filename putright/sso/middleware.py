"""Lets the "Sign out" form lead on to the provider's sign-out (RP-initiated logout).

The Content-Security-Policy allows forms to submit only to PutRight (`form-action 'self'`), and
browsers apply that to the redirects after a form too: signing out, which redirects to the
provider's end-session address, would be blocked. For a session that came through single sign-on,
that one address's origin is added to `form-action` (django-csp's per-response update). Listed
after django-csp's middleware, so its answer is seen first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from putright.sso import config
from putright.twofactor.policy import SSO_SESSION_KEY


class ProviderSignOutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not config.enabled() or not session.get(SSO_SESSION_KEY):
            return response
        try:
            endpoint = config.discovery().get("end_session_endpoint")
        except config.ProviderUnavailable:
            return response
        if endpoint:
            parts = urlsplit(endpoint)
            response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "form-action": f"{parts.scheme}://{parts.netloc}"}
        return response
