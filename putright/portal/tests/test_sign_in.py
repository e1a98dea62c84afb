"""Signing in to the portal: a private link, or an emailed one-time code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from putright.cases.tests.factories import log_complaint
from putright.notifications.testing import text_of
from putright.portal import access
from putright.portal.models import AccessToken, SignInCode

pytestmark = pytest.mark.django_db


def test_a_private_link_signs_in_and_shows_the_cases(client, resident):
    case = log_complaint(resident=resident)
    token, record = access.mint_token("Rita@Example.org")
    assert record.token_hash != token and len(token) >= 40
    # Following the link (GET, as a mail scanner would) shows a button and signs nobody in.
    confirm = client.get(f"/track/link/{token}/")
    assert confirm.status_code == 200 and "Continue to your complaints" in confirm.content.decode()
    assert client.get("/my-cases/")["Location"] == "/track/"
    record.refresh_from_db()
    assert record.last_used_at is None
    response = client.post(f"/track/link/{token}/")
    assert response.status_code == 302 and response["Location"] == "/my-cases/"
    assert case.reference in client.get("/my-cases/").content.decode()
    record.refresh_from_db()
    assert record.last_used_at is not None


@pytest.mark.parametrize("change", ["expired", "revoked", "unknown"])
def test_a_dead_link_signs_nobody_in(client, resident, change):
    log_complaint(resident=resident)
    token, record = access.mint_token(resident.email)
    if change == "expired":
        AccessToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif change == "revoked":
        assert access.revoke_tokens(resident.email) == 1
    else:
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for method in (client.get, client.post):
        response = method(f"/track/link/{token}/")
        assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert client.get("/my-cases/")["Location"] == "/track/"


def test_links_last_7_days(resident):
    now = timezone.now()
    _, record = access.mint_token(resident.email, now=now)
    assert record.expires_at == now + dt.timedelta(days=7)


def test_it_signs_in_with_an_emailed_code(client, resident, mail_server):
    case = log_complaint(resident=resident)
    response = client.post("/track/", {"email": " RITA@example.org "})
    assert response["Location"] == "/track/code/"
    (message,) = mail_server.wait_for(1)
    assert message["To"] == "rita@example.org"
    code = re.search(r"Your code is (\d{6})", text_of(message)).group(1)
    stored = SignInCode.objects.get()
    # Kept as a keyed hash, never the code itself nor its plain SHA-256.
    import hashlib

    assert stored.code_hash not in (code, hashlib.sha256(code.encode()).hexdigest())
    assert abs(stored.expires_at - stored.created_at - dt.timedelta(minutes=10)) < dt.timedelta(seconds=2)
    response = client.post("/track/code/", {"code": code})
    assert response["Location"] == "/my-cases/"
    assert case.reference in client.get("/my-cases/").content.decode()
    # A code works once.
    client.post("/track/sign-out/")
    client.post("/track/", {"email": "rita@example.org"})
    SignInCode.objects.all().delete()
    assert "has expired" in client.post("/track/code/", {"code": code}).content.decode()


def test_it_does_not_say_whether_an_address_has_complained(client, mail_server):
    response = client.post("/track/", {"email": "nobody@example.org"})
    assert response["Location"] == "/track/code/"
    page = re.sub(r"<[^>]+>", "", client.get("/track/code/").content.decode())
    assert "If nobody@example.org is the address on a complaint" in page
    assert mail_server.messages == []


def test_it_allows_five_tries_at_a_code(client, resident):
    log_complaint(resident=resident)
    client.post("/track/", {"email": resident.email})
    for _ in range(4):
        assert "The code is not right" in client.post("/track/code/", {"code": "000000"}).content.decode()
    assert "too many times" in client.post("/track/code/", {"code": "000000"}).content.decode()
    # Even the right code is refused now.
    code = access.new_code(resident.email)
    SignInCode.objects.filter(used_at__isnull=True).update(attempts=5)
    assert "too many times" in client.post("/track/code/", {"code": code}).content.decode()


def test_a_code_expires_after_10_minutes(resident):
    now = timezone.now()
    code = access.new_code(resident.email, now=now)
    with pytest.raises(access.CodeRefused, match="expired"):
        access.check_code(resident.email, code, now=now + dt.timedelta(minutes=10, seconds=1))
    code = access.new_code(resident.email, now=now)
    access.check_code(resident.email, code, now=now + dt.timedelta(minutes=9))


def test_a_code_only_works_for_its_own_address(resident, other_resident):
    code = access.new_code(resident.email)
    access.new_code(other_resident.email)
    with pytest.raises(access.CodeRefused):
        access.check_code(other_resident.email, code)


def test_it_limits_the_codes_sent_to_one_address(client, resident):
    for _ in range(access.CODES_PER_HOUR):
        client.post("/track/", {"email": resident.email})
    response = client.post("/track/", {"email": resident.email})
    assert "too many codes" in response.content.decode()


def test_it_checks_the_code_format(client, resident):
    client.post("/track/", {"email": resident.email})
    assert "The code must be 6 numbers" in client.post("/track/code/", {"code": "12ab"}).content.decode()


def test_an_empty_address_is_never_an_identity():
    with pytest.raises(ValueError):
        access.PortalIdentity("", "code")
