"""The single sign-on back end: mozilla-django-oidc's code flow, with PutRight's rules.

mozilla-django-oidc does the OpenID Connect code flow (state, nonce, PKCE, the token exchange,
the ID token's signature against the provider's keys). This subclass adds what it leaves out or
what PutRight decides differently (docs/decisions/0010-single-sign-on-with-mozilla-django-oidc.md):

1. endpoints from the provider's discovery document, not five settings (config.discovery);
2. the ID token's `iss` and `aud` are checked too (the library checks neither), and `exp`/`iat`;
3. accounts are found by the provider's `iss` + `sub` (SsoIdentity), never by email address;
4. the role comes from the group claim through PUTRIGHT_OIDC_ROLE_MAP, or, with no mapping, from
   an administrator in PutRight: a new account arrives with no role and cannot sign in until
   it has one (denied by default);
5. whether the provider checked a second factor (`amr`/`acr`) is kept for the second-factor rule
   (putright/twofactor/policy.py).
"""

from __future__ import annotations

import logging

import jwt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from putright.accounts.models import User
from putright.sso import config
from putright.sso.models import SsoIdentity

log = logging.getLogger(__name__)


class Refused(Exception):
    """Signed in at the provider, but PutRight will not let them in; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SsoBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Nothing from the provider here: Django makes a back end for every signed-in request.
        self.UserModel = User
        self.OIDC_RP_SIGN_ALGO = settings.PUTRIGHT_OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    # The endpoints, from the provider's discovery document when a sign-in needs them.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return config.discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return config.discovery().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return config.discovery()["jwks_uri"]

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.PUTRIGHT_OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):
        return settings.PUTRIGHT_OIDC_CLIENT_SECRET

    def get_user(self, user_id):
        # ModelBackend's: a switched-off account's session ends at its next request.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request, **kwargs):
        # Only the callback (views.CallbackView) passes a nonce; a password sign-in never reaches
        # the provider, whatever its address says.
        if request is None or "nonce" not in kwargs or not config.enabled():
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (with the configured algorithm only), and `iss`, `aud`, `exp`, `iat`."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}.")
        try:
            return jwt.decode(
                payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                issuer=config.issuer(), options={"require": ["iss", "aud", "exp", "iat", "sub"]}, leeway=60,
            )
        except jwt.PyJWTError as e:
            raise SuspiciousOperation(f"ID token refused: {e}") from e

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        # OpenID Connect Core 1.0, 5.3.2: the UserInfo `sub` must be the ID token's.
        if userinfo and userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The provider's user information is about someone else.")
        claims = {**userinfo, **payload}
        groups_claim = settings.PUTRIGHT_OIDC_GROUPS_CLAIM
        groups = payload.get(groups_claim, userinfo.get(groups_claim, []))
        if isinstance(groups, str):
            groups = [groups]
        self.request.putright_sso = {"mfa": config.shows_second_factor(payload), "groups": list(groups or [])}
        try:
            user = self._account(claims, list(groups or []))
            # Checked after the account is saved: an administrator then finds it, to give a role.
            if not user.is_active:
                raise Refused("switched-off")
            if not user.role:
                raise Refused("no-role")
            return user
        except Refused as refused:
            self.request.putright_sso["refused"] = refused.reason
            log.warning("single sign-on refused: %s", refused.reason)
            return None

    @transaction.atomic
    def _account(self, claims: dict, groups: list) -> User:
        now = timezone.now()
        identity = SsoIdentity.objects.select_related("user").filter(issuer=config.issuer(), subject=str(claims["sub"])).first()
        if identity is not None:
            user = identity.user
        else:
            user = self._first_sign_in(claims)
            identity = SsoIdentity(issuer=config.issuer(), subject=str(claims["sub"]), user=user, created_at=now)
        identity.last_signed_in_at = now
        identity.last_groups = groups[:100]
        identity.save()
        if config.role_map():
            # With a mapping, the provider's groups decide the role at every sign-in.
            role = config.role_for(groups)
            if role != user.role:
                user.role = role
                user.save(update_fields=["role", "is_staff"])
        self._update_details(user, claims)
        self.request.putright_sso["username"] = user.username
        return user

    def _first_sign_in(self, claims: dict) -> User:
        username = str(claims.get(settings.PUTRIGHT_OIDC_USERNAME_CLAIM) or claims.get("email") or "").strip()
        if not username:
            raise Refused("no-username")
        username = username[:150]
        self.request.putright_sso["username"] = username
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None:
            # Never a superuser (the break-glass account) or an API key's user, whatever the setting.
            linkable = not existing.is_superuser and not hasattr(existing, "api_key") and not SsoIdentity.objects.filter(user=existing).exists()
            if not (settings.PUTRIGHT_OIDC_LINK_EXISTING and linkable):
                raise Refused("username-taken")
            return existing
        user = User(username=username, role="")
        user.set_unusable_password()  # signs in through the provider only
        user.save()
        return user

    def _update_details(self, user: User, claims: dict) -> None:
        first = str(claims.get("given_name") or claims.get("name") or "")[:150]
        last = str(claims.get("family_name") or "")[:150] if claims.get("given_name") else ""
        email = str(claims.get("email") or "")[:254]
        changed = [f for f, v in (("first_name", first), ("last_name", last), ("email", email)) if v and getattr(user, f) != v]
        for field in changed:
            setattr(user, field, {"first_name": first, "last_name": last, "email": email}[field])
        if changed:
            user.save(update_fields=changed)
