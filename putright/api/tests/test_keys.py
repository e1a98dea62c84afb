"""API keys: printed once, stored hashed, role-scoped, revocable, rate limited, every use recorded."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from putright.api import keys
from putright.api.models import ApiKey, ApiKeyUse


def test_it_prints_the_key_once_and_stores_only_its_hash(db):
    out, err = StringIO(), StringIO()
    call_command("api-key", "create", "--name", "housing-system", "--role", "handler", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("prk_") and len(raw) > 40
    key = ApiKey.objects.get(name="housing-system")
    assert key.key_hash == keys.hash_key(raw) and raw not in key.key_hash
    assert key.user.role == "handler" and not key.user.has_usable_password()
    assert "shown once" in err.getvalue()
    # Listing never shows the key again, only its first characters.
    listed = StringIO()
    call_command("api-key", "list", stdout=listed)
    assert raw not in listed.getvalue() and key.prefix in listed.getvalue()


def test_it_refuses_a_duplicate_name_and_an_unknown_role(db):
    keys.create_key(name="crm", role="handler")
    with pytest.raises(CommandError, match="already a key named crm"):
        call_command("api-key", "create", "--name", "crm", "--role", "handler", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError):
        call_command("api-key", "create", "--name", "other", "--role", "superuser", stdout=StringIO(), stderr=StringIO())


def test_it_answers_401_without_a_valid_key(api_handler, client):
    assert client.get("/api/v1/cases").status_code == 401
    wrong = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer prk_not-a-key")
    assert wrong.status_code == 401 and wrong.json()["errors"][0]["message"].startswith("Give a valid API key")
    assert api_handler.get("/cases").status_code == 200


def test_a_revoked_key_stops_working_at_once(api_handler):
    assert api_handler.get("/cases").status_code == 200
    call_command("api-key", "revoke", "--name", api_handler.key.name, stderr=StringIO())
    assert api_handler.get("/cases").status_code == 401
    api_handler.key.user.refresh_from_db()
    assert not api_handler.key.user.is_active  # nothing can act in its name any more


def test_every_use_is_recorded_with_its_status(api_handler):
    api_handler.get("/cases")
    api_handler.get("/cases/PR-1999-000001")
    uses = list(ApiKeyUse.objects.filter(key=api_handler.key).values_list("method", "path", "status"))
    assert uses == [("GET", "/api/v1/cases", 200), ("GET", "/api/v1/cases/PR-1999-000001", 404)]
    api_handler.key.refresh_from_db()
    assert api_handler.key.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(api_handler):
    """`api-key list` shows it to the minute; each use keeps its exact time."""
    api_handler.get("/cases")
    key = ApiKey.objects.get(pk=api_handler.key.pk)
    first = key.last_used_at
    assert first is not None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - dt.timedelta(seconds=30))
    api_handler.get("/cases")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first - dt.timedelta(seconds=30)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - dt.timedelta(seconds=61))
    api_handler.get("/cases")
    assert ApiKey.objects.get(pk=key.pk).last_used_at >= first
    assert ApiKeyUse.objects.filter(key=key).count() == 3


def test_the_allowance_counts_only_the_last_minute(api_handler, settings):
    settings.PUTRIGHT_API_RATE_LIMIT = 2
    now = timezone.now()  # the suite's frozen clock (tests/clock.py: time-machine), as the API's own timezone.now()
    for seconds in (61, 90, 3600):
        ApiKeyUse.objects.create(key=api_handler.key, at=now - dt.timedelta(seconds=seconds), method="GET", path="/old")
    assert [api_handler.get("/cases").status_code for _ in range(3)] == [200, 200, 429]


def test_it_limits_each_key_to_its_requests_a_minute(api_handler, make_key, settings):
    settings.PUTRIGHT_API_RATE_LIMIT = 3
    assert [api_handler.get("/cases").status_code for _ in range(3)] == [200, 200, 200]
    limited = api_handler.get("/cases")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert "more than 3 requests in the last minute" in limited.json()["errors"][0]["message"]
    assert ApiKeyUse.objects.filter(key=api_handler.key, status=429).count() == 1
    # Another system's key has its own allowance.
    assert make_key("manager").get("/cases").status_code == 200
