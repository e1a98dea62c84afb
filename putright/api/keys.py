"""Creating, revoking and checking API keys; the rate limit and the record of each use."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Func, OuterRef, Subquery
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.api.models import ApiKey, ApiKeyUse
from putright.performance.compiled import Compiled, Read, Write, together
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


def _active_key(key_hash: str, since: dt.datetime):
    """The key with that hash if not revoked, its user, and how many uses it made after `since`
    (`recent_uses`: the rate limit's count, an index range of `api_key_use_key_at`)."""
    recent = (
        ApiKeyUse.objects.filter(key=OuterRef("pk"), at__gt=since).order_by()
        .annotate(n=Func(F("id"), function="COUNT")).values("n")
    )
    return (
        ApiKey.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)
        .annotate(recent_uses=Subquery(recent)).order_by()
    )


#: Every request asks it: written by the ORM once per process, prepared by PostgreSQL
#: (putright.performance.compiled). Built and compiled on each request it cost more than the
#: rest of the key's check.
ACTIVE_KEY = Compiled(_active_key, str, dt.datetime)

#: The rate limit's window.
WINDOW = dt.timedelta(seconds=60)


def find_key(raw: str, now: dt.datetime | None = None) -> ApiKey | None:
    """The active key for a raw key, or None; its `recent_uses` counts its uses in the minute
    before `now` (the rate limit's window)."""
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    found = ACTIVE_KEY.models(hash_key(raw), (now or timezone.now()) - WINDOW)
    key = found[0] if found else None
    if key is None or not key.user.is_active:
        return None
    return key


def rate_limit() -> int:
    """Requests a key may make in any minute (PUTRIGHT_API_RATE_LIMIT)."""
    return int(getattr(settings, "PUTRIGHT_API_RATE_LIMIT", 120))


def over_limit(key: ApiKey) -> bool:
    """True when the key made its allowance of requests in the last minute (`find_key`'s
    `recent_uses`). Counted from the use log, so it holds across every web server process."""
    return key.recent_uses >= rate_limit()


#: How stale a key's "last used" may be: `putright api-key list` shows it to the minute, and each
#: use keeps its exact time.
LAST_USED_WITHIN = dt.timedelta(seconds=60)


def record_use(key: ApiKey, *, method: str, path: str, now: dt.datetime) -> int:
    """The use, written before the request does anything else; returns its id. The key's "last
    used" is written when it is a minute old or more, not on every request: one statement fewer
    a request."""
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_WITHIN:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    using = router.db_for_write(ApiKeyUse)
    connection = connections[using]
    at = ApiKeyUse._meta.get_field("at").get_db_prep_save(now, connection)
    (row,) = together(Read(_use_sql(connection, "INSERT INTO {table} ({key}, {at}, {method}, {path}) VALUES (%s, %s, %s, %s) RETURNING {id}"),
                           (key.pk, at, method[:10], path[:500]), using))
    return row[0][0]


def record_status(use_id: int, status: int) -> None:
    """The answer's status, on the record of the request once it is known."""
    using = router.db_for_write(ApiKeyUse)
    together(Write(_use_sql(connections[using], "UPDATE {table} SET {status} = %s WHERE {id} = %s"), (status, use_id), using))


def _use_sql(connection, template: str) -> str:
    """`template` with ApiKeyUse's table and columns named as this database quotes them. Plain
    SQL, the same on every request, so PostgreSQL prepares it once per connection: through the
    ORM each statement was built and compiled on every request."""
    meta, quote = ApiKeyUse._meta, connection.ops.quote_name
    columns = {name: quote(meta.get_field(name).column) for name in ("id", "at", "method", "path", "status")}
    return template.format(table=quote(meta.db_table), key=quote(meta.get_field("key").column), **columns)
