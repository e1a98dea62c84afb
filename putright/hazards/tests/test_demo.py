"""The demo has hazards in every state the worklist and case pages show."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases.demo import build_demo
from putright.hazards import queries, steps
from putright.hazards.models import HazardReport
from putright.rules.hazards import local_moment

pytestmark = pytest.mark.django_db


def test_every_state(today):
    demo = build_demo(today=today, residents=12, complaints=4, requests=2, compliments=1)
    assert sum(v for k, v in demo.counts.items() if k.startswith("hazard: ")) == HazardReport.objects.count() == 10
    now = local_moment(dt.datetime.combine(today, dt.time(10, 0)))
    counts = queries.counts(now)
    assert all(counts.values()), counts
    statuses = {row.status for r in HazardReport.objects.all() for row in steps.step_rows(r, now)}
    assert statuses == {"met", "missed", "overdue", "due"}
    assert HazardReport.objects.filter(closed_on__isnull=False).count() == 3
    assert HazardReport.objects.filter(case__complaints_raised__kind="complaint").count() == 2
