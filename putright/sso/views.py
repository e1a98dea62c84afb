"""Signing in with the landlord's identity provider: the start, the callback, the way out.

`/sign-in/sso/` sends the browser to the provider (with state, nonce and a PKCE challenge kept in
the session); `/sign-in/sso/callback/` takes its answer. Both answer 404 when single sign-on is
not configured, and both share the staff sign-in's throttle by address (putright/protect).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from putright.protect import throttle
from putright.sso import config
from putright.twofactor.policy import SSO_SESSION_KEY

log = logging.getLogger(__name__)
SCOPE = "sign-in-address"

# What the person is told, by why it failed. None of them says whether an account exists.
REASONS = {
    "no-role": (403, "You do not have access to PutRight yet"),
    "username-taken": (403, "Your account needs to be linked"),
    "switched-off": (403, "This account has been switched off"),
    "no-username": (403, "Your organisation's account cannot be used here"),
    "cancelled": (403, "Signing in did not finish"),
    "expired": (400, "This sign-in has expired"),
    "unavailable": (502, "Signing in is not working at the moment"),
}


def _locked_out(request):
    return render(request, "accounts/locked_out.html", status=429)


def failed(request, reason: str):
    """The page for a sign-in that did not work; counted against the address like a wrong password."""
    throttle.count(SCOPE, throttle.client_address(request))
    status, title = REASONS[reason]
    context = {
        "reason": reason, "title": title, "provider_name": config.provider_name(),
        "mapping": bool(config.role_map()), "username": getattr(request, "putright_sso", {}).get("username", ""),
        "password_allowed": config.password_sign_in_allowed(),
    }
    return render(request, "sso/failed.html", context, status=status)


class StartView(OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # The library reads the endpoint here; it comes from discovery, when a sign-in starts.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        if attr == "OIDC_RP_SCOPES":
            return settings.PUTRIGHT_OIDC_SCOPES
        return import_from_settings(attr, *args)

    def get(self, request):
        if not config.enabled():
            raise Http404
        if throttle.exceeded(SCOPE, throttle.client_address(request)):
            return _locked_out(request)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = config.discovery()["authorization_endpoint"]
        except config.ProviderUnavailable as e:
            log.warning("single sign-on: %s", e)
            return failed(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = config.client_id()
        return super().get(request)

    def get_extra_params(self, request):
        params = {}
        if config.acr_values():
            params["acr_values"] = config.acr_values()  # ask the provider for a second factor
        return params


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not config.enabled():
            raise Http404
        if throttle.exceeded(SCOPE, throttle.client_address(request)):
            return _locked_out(request)
        request.putright_sso = {}
        try:
            return super().get(request)
        except SuspiciousOperation as e:
            # A state that is not this browser's, a used or replayed answer, an ID token that is
            # not for us, a nonce that does not match: refused, and nobody is signed in.
            log.warning("single sign-on refused: %s", e)
            return failed(request, "expired")
        except (config.ProviderUnavailable, requests.RequestException) as e:
            log.warning("single sign-on: the provider did not answer: %s", e)
            return failed(request, "unavailable")

    def login_failure(self):
        sso = getattr(self.request, "putright_sso", {})
        if sso.get("refused"):
            return failed(self.request, sso["refused"])
        if self.request.GET.get("error"):
            return failed(self.request, "cancelled")
        return failed(self.request, "expired")

    def login_success(self):
        response = super().login_success()
        sso = getattr(self.request, "putright_sso", {})
        # Read by the second-factor rule: did the provider check a second factor?
        self.request.session[SSO_SESSION_KEY] = {"mfa": bool(sso.get("mfa"))}
        return response


def end_session_url(request) -> str | None:
    """Where to send the browser after signing out of PutRight, to sign out of the provider too
    (RP-initiated logout), when this session came through single sign-on and the provider
    offers it. Read before the session ends: it needs the ID token kept in it."""
    if not config.enabled() or not request.session.get(SSO_SESSION_KEY):
        return None
    id_token = request.session.get("oidc_id_token")
    try:
        endpoint = config.discovery().get("end_session_endpoint")
    except config.ProviderUnavailable:
        return None
    if not endpoint or not id_token:
        return None
    query = urlencode({
        "id_token_hint": id_token, "client_id": config.client_id(),
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:sign-in")),
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
