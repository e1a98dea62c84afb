"""Single sign-on's configuration: read once from settings (docs/security.md, "Single sign-on").

Off unless PUTRIGHT_OIDC_ISSUER is set. The provider's endpoints come from its discovery
document (ISSUER/.well-known/openid-configuration), fetched when first needed and kept for an
hour, so a landlord sets only the issuer, the client id and the secret.
"""

from __future__ import annotations

import json
import threading
import time

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from putright.accounts.models import Role

#: The role a person gets when several of their groups are mapped: the one that may do most.
ROLE_ORDER = [Role.ADMINISTRATOR, Role.MANAGER, Role.HANDLER, Role.OVERSIGHT]
DISCOVERY_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read (or is not the configured issuer's)."""


def enabled() -> bool:
    return bool(getattr(settings, "PUTRIGHT_OIDC_ISSUER", ""))


def issuer() -> str:
    return settings.PUTRIGHT_OIDC_ISSUER.rstrip("/")


def password_sign_in_allowed() -> bool:
    """Password sign-in for staff: always without single sign-on; with it, unless turned off."""
    return not enabled() or getattr(settings, "PUTRIGHT_PASSWORD_SIGN_IN", True)


def role_map() -> dict[str, str]:
    """PUTRIGHT_OIDC_ROLE_MAP as {group: role}. Written `group=role,group=role` (or a JSON
    object); an empty map means roles are given in PutRight by an administrator."""
    raw = (getattr(settings, "PUTRIGHT_OIDC_ROLE_MAP", "") or "").strip()
    if not raw:
        return {}
    if raw.startswith("{"):
        pairs = json.loads(raw).items()
    else:
        pairs = []
        for item in raw.split(","):
            if not item.strip():
                continue
            group, sep, role = item.rpartition("=")
            if not sep:
                raise ImproperlyConfigured(f"PUTRIGHT_OIDC_ROLE_MAP: {item.strip()!r} should be GROUP=ROLE.")
            pairs.append((group.strip(), role.strip()))
    mapping = {}
    for group, role in pairs:
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"PUTRIGHT_OIDC_ROLE_MAP: {role!r} (for group {group!r}) is not a role; use one of {', '.join(Role.values)}."
            )
        mapping[str(group)] = role
    return mapping


def role_for(groups) -> str:
    """The PutRight role for these groups under the mapping, or "" (no access)."""
    mapping = role_map()
    if isinstance(groups, str):
        groups = [groups]
    mapped = {mapping[g] for g in (groups or []) if isinstance(g, str) and g in mapping}
    for role in ROLE_ORDER:
        if role in mapped:
            return role
    return ""


def _listed(name: str) -> set[str]:
    return {v.strip() for v in (getattr(settings, name, "") or "").split(",") if v.strip()}


def shows_second_factor(claims: dict) -> bool:
    """Whether the ID token says the provider checked a second factor: an `amr` value in
    PUTRIGHT_OIDC_MFA_AMR (default "mfa", RFC 8176) or an `acr` in PUTRIGHT_OIDC_MFA_ACR."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if _listed("PUTRIGHT_OIDC_MFA_AMR") & {str(v) for v in amr}:
        return True
    acr = claims.get("acr")
    return bool(acr) and str(acr) in _listed("PUTRIGHT_OIDC_MFA_ACR")


_discovered: dict = {}
_lock = threading.Lock()


def discovery() -> dict:
    """The provider's discovery document, fetched at most once an hour per process."""
    with _lock:
        cached = _discovered.get(issuer())
        if cached and cached[0] > time.monotonic():
            return cached[1]
    url = f"{issuer()}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as e:
        raise ProviderUnavailable(f"Could not read {url}: {e}") from e
    # OpenID Connect Discovery 1.0, section 4.3: the issuer in the document must be the one asked.
    if str(document.get("issuer", "")).rstrip("/") != issuer():
        raise ProviderUnavailable(f"{url} names the issuer {document.get('issuer')!r}, not {issuer()!r}.")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(key):
            raise ProviderUnavailable(f"{url} has no {key}.")
    with _lock:
        _discovered[issuer()] = (time.monotonic() + DISCOVERY_SECONDS, document)
    return document


def forget_discovery() -> None:
    with _lock:
        _discovered.clear()


def client_id() -> str:
    return settings.PUTRIGHT_OIDC_CLIENT_ID


def provider_name() -> str:
    """How the sign-in page names the provider: "Sign in with …"."""
    return getattr(settings, "PUTRIGHT_OIDC_NAME", "") or "your organisation's account"


def acr_values() -> str:
    return getattr(settings, "PUTRIGHT_OIDC_ACR_VALUES", "") or ""
