"""Reminders for hazard clocks: one email per step when it is about to fall due, and one when it
is missed. For the worker (`run_once`, wired by the lead) and `putright hazard_reminders`.

Idempotent and safe to stop at any moment: each reminder is an outbox row with a unique key
(report, step, due or overdue), created in its own transaction, so a second run sends nothing
twice and an interrupted run loses nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from putright.notifications.emails import render, site_url
from putright.notifications.models import Outbox
from putright.rules import hazards as rules
from putright.rules.calendar import format_day

from . import steps
from .models import HazardReport


def _recipient(report: HazardReport):
    for user in (report.case.handler, report.created_by):
        if user is not None and user.email and user.is_active:
            return user
    return None


def _soon(deadline: rules.HazardDeadline, now: dt.datetime) -> bool:
    """Due within the next 24 hours (the hours clock), or today or the next working day."""
    if deadline.due_at is not None:
        return now <= deadline.due_at <= now + dt.timedelta(hours=24)
    today = timezone.localtime(now).date()
    return today <= deadline.due_on <= rules.legal_calendar().add_working_days(today, 1)


def run_once(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue every reminder due now. Returns counts: queued, already_sent, no_recipient."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    counts = {"queued": 0, "already_sent": 0, "no_recipient": 0}
    horizon = rules.legal_calendar().add_working_days(today, 1)
    candidates = (
        HazardReport.objects.open().filter(next_due_on__lte=horizon)
        .select_related("case__handler", "created_by", "kind", "case__resident")
    )
    for report in candidates.iterator():
        for row in steps.step_rows(report, now):
            if row.status == "overdue":
                state = "overdue"
            elif row.status == "due" and _soon(row.deadline, now):
                state = "due"
            else:
                continue
            key = f"hazard-reminder:{report.pk}:{row.step}:{state}"
            if Outbox.objects.filter(dedupe_key=key).exists():
                counts["already_sent"] += 1
                continue
            user = _recipient(report)
            if user is None:
                counts["no_recipient"] += 1
                continue
            due = rules.format_moment(row.deadline.due_at) if row.deadline.due_at else format_day(row.deadline.due_on)
            subject, text, html = render("hazard-reminder", {
                "user": user, "report": report, "step": row.name, "state": state, "due": due,
                "url": site_url(reverse("hazards:detail", args=[report.pk])),
            })
            try:
                with transaction.atomic():
                    Outbox.objects.create(
                        kind="hazard-reminder", to=user.email, subject=subject, body_text=text, body_html=html,
                        case=report.case, dedupe_key=key, next_attempt_at=now,
                    )
            except IntegrityError:  # another run got there first
                counts["already_sent"] += 1
                continue
            counts["queued"] += 1
    return counts
