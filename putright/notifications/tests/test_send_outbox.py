"""Delivering the outbox through a real SMTP server (aiosmtpd), with an outage in the middle."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from putright.cases.tests.factories import log_complaint
from putright.notifications import outbox
from putright.notifications.models import LINK_PLACEHOLDER, Outbox
from putright.notifications.testing import html_of, text_of
from putright.portal.access import check_token
from putright.portal.models import AccessToken

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https://complaints\.example\.org/track/link/([A-Za-z0-9_-]+)/")


def test_it_delivers_the_receipt_with_a_working_private_link(mail_server, resident):
    case = log_complaint(resident=resident)
    assert outbox.send_due() == (1, 0)
    (message,) = mail_server.wait_for(1)
    assert message["Subject"] == f"We have received your complaint ({case.reference})"
    assert message["To"] == "rita@example.org"
    body = text_of(message)
    assert case.reference in body and "9 November 2026" in body and "23 November 2026" in body
    token = LINK.search(body).group(1)
    assert LINK_PLACEHOLDER not in body and LINK_PLACEHOLDER not in html_of(message)
    assert token in html_of(message)
    assert check_token(token).email == "rita@example.org"
    row = Outbox.objects.get()
    assert row.status == "sent" and row.attempts == 1
    # Only the token's hash is stored, and the stored message keeps the placeholder.
    assert token not in row.body_text and AccessToken.objects.get().token_hash != token


def test_a_mail_server_outage_loses_nothing(mail_server, resident):
    log_complaint(resident=resident)
    mail_server.stop()
    now = timezone.now()
    assert outbox.send_due(now=now) == (0, 1)
    row = Outbox.objects.get()
    assert row.status == "retrying" and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at == now + dt.timedelta(minutes=1)
    assert not AccessToken.objects.exists()  # the link that was never sent is gone
    # Not due again yet: nothing is tried.
    assert outbox.send_due(now=now + dt.timedelta(seconds=30)) == (0, 0)
    # A second failure waits longer.
    assert outbox.send_due(now=now + dt.timedelta(minutes=1)) == (0, 1)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == now + dt.timedelta(minutes=3)

    mail_server.start()
    assert outbox.send_due(now=now + dt.timedelta(minutes=3)) == (1, 0)
    mail_server.wait_for(1)
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 3 and row.last_error == ""
    assert AccessToken.objects.count() == 1


def test_a_claimed_message_is_not_claimed_twice(resident):
    log_complaint(resident=resident)
    now = timezone.now()
    first = outbox.claim_next(now)
    assert first is not None
    assert outbox.claim_next(now) is None
    # A worker that died mid-send only delays the message by the lease.
    assert outbox.claim_next(now + outbox.lease()).pk == first.pk


def test_it_gives_up_after_the_last_attempt(mail_server, resident):
    log_complaint(resident=resident)
    mail_server.stop()
    Outbox.objects.update(attempts=outbox.MAX_ATTEMPTS - 1)
    outbox.send_due()
    assert Outbox.objects.get().status == "failed"


def test_the_command_sends_what_is_due(mail_server, resident, capsys):
    log_complaint(resident=resident)
    call_command("send_outbox")
    assert "Sent 1 email(s); 0 failed" in capsys.readouterr().out
    assert len(mail_server.wait_for(1)) == 1
