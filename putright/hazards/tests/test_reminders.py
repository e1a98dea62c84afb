"""Reminders: one per step when due soon and one when missed, never twice."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases.tests.factories import log_complaint
from putright.hazards.reminders import run_once
from putright.notifications.models import Outbox
from putright.rules.hazards import local_moment

from .helpers import raise_damp

pytestmark = pytest.mark.django_db


def at(*args):
    return local_moment(dt.datetime(*args))


def test_due_then_overdue_once_each(handler, resident):
    handler.email = "hari@example.org"
    handler.save()
    raise_damp(log_complaint(resident=resident, actor=handler), actor=handler, category="emergency", aware_at=at(2026, 11, 20, 18, 0))
    assert run_once(at(2026, 11, 20, 9, 0)) == {"queued": 0, "already_sent": 0, "no_recipient": 0}
    assert run_once(at(2026, 11, 20, 19, 0)) == {"queued": 2, "already_sent": 0, "no_recipient": 0}  # investigate and safety work
    assert run_once(at(2026, 11, 20, 20, 0))["queued"] == 0
    assert run_once(at(2026, 11, 21, 18, 1)) == {"queued": 2, "already_sent": 0, "no_recipient": 0}
    mail = Outbox.objects.filter(kind="hazard-reminder").order_by("id")
    assert [m.to for m in mail] == ["hari@example.org"] * 4
    assert mail.last().subject.startswith("Missed (Awaab's Law)")
    assert "Sat 21 Nov 2026 18:00 (GMT)" in mail.last().body_text


def test_no_one_to_tell_is_counted(handler, resident):
    raise_damp(log_complaint(resident=resident, actor=handler), actor=handler)  # handler has no email
    assert run_once(at(2026, 11, 20, 9, 0))["no_recipient"] == 1
