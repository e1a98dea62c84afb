"""Daily reminders to each handler of their cases overdue or due within 2 working days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from putright.cases.tests.factories import log_complaint
from putright.notifications import outbox
from putright.notifications.management.commands.send_reminders import remind_all
from putright.notifications.models import Outbox
from putright.notifications.testing import text_of

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)  # a Monday


@pytest.fixture
def handler_cases(handler, other_handler, resident):
    handler.email = "hari@landlord.example"
    handler.save()
    overdue = log_complaint(received_on=dt.date(2026, 11, 2), resident=resident, handler=handler, actor=handler)  # ack by 9 Nov
    soon = log_complaint(received_on=dt.date(2026, 11, 18), resident=resident, handler=handler, actor=handler)  # ack by 25 Nov
    later = log_complaint(received_on=dt.date(2026, 11, 23), resident=resident, handler=handler, actor=handler)  # ack by 30 Nov
    other_handler.email = "olu@landlord.example"
    other_handler.save()
    return overdue, soon, later


def test_it_emails_each_handler_their_overdue_and_due_soon_cases_once_a_day(handler_cases, mail_server):
    overdue, soon, later = handler_cases
    Outbox.objects.all().delete()  # the residents' receipts: not what this test is about
    assert remind_all(TODAY) == 1
    assert remind_all(TODAY) == 0  # once a day
    row = Outbox.objects.get()
    assert row.to == "hari@landlord.example" and row.dedupe_key.endswith(":2026-11-23")
    assert outbox.send_due() == (1, 0)
    (message,) = mail_server.wait_for(1)
    body = text_of(message)
    assert message["Subject"] == "Your cases: 1 overdue, 1 due within 2 working days"
    assert overdue.reference in body and "overdue" in body
    assert soon.reference in body and "25 November 2026" in body
    assert later.reference not in body
    assert f"https://complaints.example.org/cases/{overdue.reference}/" in body
    # The next working day brings a new reminder.
    assert remind_all(dt.date(2026, 11, 24)) == 1


def test_it_sends_nothing_at_the_weekend(handler_cases):
    Outbox.objects.all().delete()
    assert remind_all(dt.date(2026, 11, 21)) == 0
    assert not Outbox.objects.exists()


def test_the_command_queues_reminders(handler_cases, capsys):
    call_command("send_reminders")
    assert "reminder(s)" in capsys.readouterr().out
