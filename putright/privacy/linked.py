"""Anonymisation of Awaab's Law hazard reports, which sit beside the case record.

Kept apart from anonymise.py so the hazards app's part is easy to find when the app changes;
called inside the batch's transaction (batch.py for a case's reports, batch_residents.py for a
resident's), with the same rules (free text replaced, blank kept blank, dates and categories
kept for the figures).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import models

from putright.hazards.models import HazardEvent, HazardUpdate, ReasonableStep

HAZARD_TEXT = ("home", "household_vulnerabilities", "description", "findings", "safety_work", "preventative_work", "closed_reason")


def scrub_hazards(reports: models.QuerySet, counts: Counter, scrub_text: Callable, scrub_events: Callable) -> None:
    if not reports.exists():
        return
    scrub_text(reports, HAZARD_TEXT, counts, "hazard reports")
    scrub_text(HazardUpdate.objects.filter(report__in=reports), ("summary",), counts, "hazard updates")
    scrub_text(ReasonableStep.objects.filter(report__in=reports), ("details",), counts, "hazard steps")
    scrub_events(HazardEvent.objects.filter(report__in=reports), counts, "hazard events")
