"""Anonymisation in the apps that sit beside the case record: hazard reports (Awaab's Law), the
complaints mailbox, and the link from a resident to their home.

Kept apart from anonymise.py so each app's part is easy to find when the app changes; called
inside anonymise_case / anonymise_resident's transaction, with the same rules (free text replaced,
blank kept blank, dates and categories kept for the figures).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import models

from putright.hazards.models import HazardEvent, HazardReport, HazardUpdate, ReasonableStep
from putright.housing.models import ResidentHome
from putright.mailbox.models import InboundMessage

HAZARD_TEXT = ("home", "household_vulnerabilities", "description", "findings", "safety_work", "preventative_work", "closed_reason")


def open_hazards(case) -> bool:
    """An Awaab's Law hazard report on the case not closed yet: the case is held."""
    return HazardReport.objects.filter(case=case, closed_on__isnull=True).exists()


def scrub_hazards(reports: models.QuerySet, counts: Counter, scrub_text: Callable, scrub_events: Callable) -> None:
    if not reports.exists():
        return
    scrub_text(reports, HAZARD_TEXT, counts, "hazard reports")
    scrub_text(HazardUpdate.objects.filter(report__in=reports), ("summary",), counts, "hazard updates")
    scrub_text(ReasonableStep.objects.filter(report__in=reports), ("details",), counts, "hazard steps")
    scrub_events(HazardEvent.objects.filter(report__in=reports), counts, "hazard events")


def scrub_for_case(case, counts: Counter, scrub_text: Callable, scrub_events: Callable) -> None:
    scrub_hazards(HazardReport.objects.filter(case=case), counts, scrub_text, scrub_events)
    messages = InboundMessage.objects.filter(case=case)
    scrub_text(messages, ("sender", "subject", "body", "note"), counts, "mailbox messages")
    messages.update(sender_email="")


def scrub_for_resident(resident, emails: list[str], counts: Counter, scrub_text: Callable, scrub_events: Callable) -> None:
    scrub_hazards(HazardReport.objects.filter(resident=resident), counts, scrub_text, scrub_events)
    counts["home link"] += ResidentHome.objects.filter(resident=resident).delete()[0]
    # Messages from their address that never became part of a case (not a case, or waiting).
    q = models.Q(pk__in=[])
    for email in emails:
        q |= models.Q(sender_email__iexact=email)
    counts["mailbox messages deleted"] += InboundMessage.objects.filter(q, case__isnull=True).delete()[0]
