"""Unfinished online complaints are deleted after the schedule's `draft_days`; a sent complaint
leaves nothing personal in the session."""

import datetime as dt

import pytest
from django.conf import settings
from putright.operations.models import Session
from django.utils import timezone

from putright.portal.models import DraftFile
from putright.portal.tests.helpers import ANSWERS, photo, walk_journey
from putright.privacy.retention import run_once

pytestmark = pytest.mark.django_db


def session_text() -> str:
    return " ".join(repr(s.get_decoded()) for s in Session.objects.all()).lower()


def test_nothing_personal_stays_in_the_session_after_sending(client):
    walk_journey(client, files=[photo()])
    assert "rita@example.org" in session_text()  # the answers are in the session while unfinished
    assert client.post("/complain/check-answers/").status_code == 302
    text = session_text()
    details = ANSWERS["your-details"]
    for value in (details["name"], details["email"], details.get("phone", ""), details.get("postcode", ""), "kitchen ceiling"):
        if value:
            assert value.lower() not in text
    assert "sent an email to the address you gave us" in client.get("/complain/sent/").content.decode()


def test_an_unfinished_complaint_is_deleted_after_the_draft_days(client):
    walk_journey(client, files=[photo()])
    assert DraftFile.objects.count() == 1 and "rita@example.org" in session_text()
    now = timezone.now()
    assert run_once(now=now)["unfinished online complaints deleted"] == 0  # just started: kept
    # Last touched eight days ago (the default schedule keeps them seven).
    Session.objects.update(expire_date=now - dt.timedelta(days=8) + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    DraftFile.objects.update(created_at=now - dt.timedelta(days=8))
    counts = run_once(now=now)
    assert counts["unfinished online complaints deleted"] == 1
    assert counts["unfinished online complaint files deleted"] == 1
    assert "rita@example.org" not in session_text() and not DraftFile.objects.exists()
