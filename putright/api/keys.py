"""Creating, revoking and checking API keys; the rate limit and the record of each use."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.api.models import ApiKey, ApiKeyUse
from putright.rules.errors import RuleViolation

KEY_PREFIX = "prk_"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_key(*, name: str, role: str, created_by: str = "") -> tuple[ApiKey, str]:
    """Make a key; returns it and the raw key, which is never stored and cannot be shown again."""
    name = (name or "").strip().lower()
    if not NAME_PATTERN.match(name):
        raise RuleViolation("Name the key with lower-case letters, digits and hyphens (up to 50), e.g. housing-system.", field="name")
    if role not in Role.values:
        raise RuleViolation(f"Role must be one of {', '.join(Role.values)}.", field="role")
    if ApiKey.objects.filter(name=name).exists():
        raise RuleViolation(f"There is already a key named {name}: revoke it or choose another name.", field="name")
    username = f"api-{name}"
    if User.objects.filter(username=username).exists():
        raise RuleViolation(f"A staff user named {username} already exists: choose another name for the key.", field="name")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    user = User(username=username, role=role, first_name=f"API key {name}")
    user.set_unusable_password()
    user.save()
    key = ApiKey.objects.create(
        name=name, role=role, prefix=raw[: len(KEY_PREFIX) + 6], key_hash=hash_key(raw), user=user,
        created_at=timezone.now(), created_by=created_by,
    )
    return key, raw


@transaction.atomic
def revoke_key(*, name: str) -> ApiKey:
    """Stop a key working at once. Its record and its uses stay."""
    key = ApiKey.objects.select_for_update().filter(name=name).first()
    if key is None:
        raise RuleViolation(f"There is no key named {name}.", field="name")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        # The key's user is switched off too, so nothing it started can carry on in its name.
        User.objects.filter(pk=key.user_id).update(is_active=False)
    return key


def find_key(raw: str) -> ApiKey | None:
    """The active key for a raw key, or None."""
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    key = ApiKey.objects.select_related("user").filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
    if key is None or not key.user.is_active:
        return None
    return key


def rate_limit() -> int:
    """Requests a key may make in any minute (PUTRIGHT_API_RATE_LIMIT)."""
    return int(getattr(settings, "PUTRIGHT_API_RATE_LIMIT", 120))


def over_limit(key: ApiKey, now: dt.datetime) -> bool:
    """True when the key made its allowance of requests in the last minute. Counted from the
    use log, so it holds across every web server process."""
    since = now - dt.timedelta(seconds=60)
    return ApiKeyUse.objects.filter(key=key, at__gt=since).count() >= rate_limit()


#: How stale a key's "last used" may be: `putright api-key list` shows it to the minute, and each
#: use keeps its exact time.
LAST_USED_WITHIN = dt.timedelta(seconds=60)


def record_use(key: ApiKey, *, method: str, path: str, now: dt.datetime) -> ApiKeyUse:
    """The use, written before the request does anything else. The key's "last used" is written
    when it is a minute old or more, not on every request: one statement fewer a request."""
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_WITHIN:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return ApiKeyUse.objects.create(key=key, at=now, method=method[:10], path=path[:500])
