"""Security finding (Medium): throttling by address and by account, with the same answer
whether or not an address or account is known."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from putright.cases.models import Case
from putright.cases.tests.factories import log_complaint
from putright.portal.models import SignInCode
from putright.portal.tests.helpers import walk_journey
from putright.protect import throttle

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client, username, password):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_a_stranger_elsewhere_cannot_lock_a_member_of_staff_out(handler):
    stranger = from_address("203.0.113.9")
    for attempt in range(6):
        sign_in(stranger, "hari", f"guess {attempt}")
    assert sign_in(stranger, "hari", PASSWORD).status_code == 429  # locked from that address
    assert sign_in(from_address("10.0.0.7"), "hari", PASSWORD).status_code == 302  # not from the office


def test_one_address_cannot_spray_passwords_across_usernames(settings, handler, other_handler):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"sign-in-address": [4, 900]}
    sprayer = from_address("203.0.113.9")
    for username in ("ada", "maya", "nobody", "hari"):
        assert sign_in(sprayer, username, "Winter2026!").status_code == 200
    response = sign_in(sprayer, "olu", PASSWORD)
    assert response.status_code == 429 and "You cannot sign in for now" in response.content.decode()
    assert sign_in(from_address("10.0.0.7"), "olu", PASSWORD).status_code == 302


def test_many_addresses_against_one_account_are_throttled_and_unknown_accounts_alike(settings, handler):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"sign-in-account": [3, 3600]}
    for username in ("hari", "nobody-here"):
        for i in range(3):
            sign_in(from_address(f"198.51.100.{i}"), username, "wrong")
        known_or_not = sign_in(from_address("198.51.100.200"), username, PASSWORD if username == "hari" else "x")
        assert known_or_not.status_code == 429, username


def test_portal_codes_are_limited_by_address_whether_or_not_it_has_complained(settings, resident):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"portal-code-request-address": [2, 3600]}
    log_complaint(resident=resident)
    client = from_address("203.0.113.9")
    for email in ("a@example.org", "b@example.org"):
        assert client.post("/track/", {"email": email}).status_code == 302
    for email in (resident.email, "c@example.org"):
        response = client.post("/track/", {"email": email})
        assert response.status_code == 200 and "You have asked for too many codes" in response.content.decode()
    assert SignInCode.objects.count() == 2
    assert from_address("10.0.0.7").post("/track/", {"email": resident.email}).status_code == 302


def test_guessing_codes_across_addresses_is_limited_by_address(settings, resident, other_resident):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"portal-code-check-address": [3, 3600]}
    client = from_address("203.0.113.9")
    for email in (resident.email, other_resident.email):
        client.post("/track/", {"email": email})
        client.post("/track/code/", {"code": "000000"})
    client.post("/track/code/", {"code": "111111"})
    response = client.post("/track/code/", {"code": "222222"})
    assert "You have entered too many codes" in response.content.decode()
    assert SignInCode.objects.get(email=other_resident.email).attempts == 2  # the 4th guess was never tried


def test_track_answers_the_same_when_the_mail_server_is_down(resident, mail_server):
    log_complaint(resident=resident)
    mail_server.stop()
    pages = []
    for email in (resident.email, "nobody@example.org"):
        client = Client()
        response = client.post("/track/", {"email": email})
        assert response.status_code == 302 and response["Location"] == "/track/code/"
        pages.append(re.sub(r"<[^>]+>|csrfmiddlewaretoken\S+", "", client.get("/track/code/").content.decode()).replace(email, "EMAIL"))
    assert pages[0] == pages[1]


def test_the_complaint_form_is_limited_by_address_and_by_recipient(settings, client):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"complaint-address": [1, 3600], "complaint-recipient": [1, 86400]}
    walk_journey(client)
    assert client.post("/complain/check-answers/").status_code == 302
    walk_journey(client)
    refused = client.post("/complain/check-answers/")
    assert refused.status_code == 429 and "was not sent" in refused.content.decode()
    other = from_address("10.0.0.7")  # another address, the same recipient
    walk_journey(other)
    assert other.post("/complain/check-answers/").status_code == 429
    assert Case.objects.count() == 1


def test_old_counts_are_removed(settings):
    import datetime as dt

    from django.utils import timezone

    from putright.protect.models import Hit

    now = timezone.now()
    throttle.count("complaint-address", "203.0.113.9", now=now - dt.timedelta(days=2))
    throttle.count("complaint-address", "203.0.113.9", now=now)
    assert throttle.run_once(now=now) == {"removed": 1}
    assert Hit.objects.count() == 1 and "203.0.113.9" not in Hit.objects.get().key
