"""The worklist's queries, at a given moment."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases.tests.factories import log_complaint
from putright.hazards import actions, queries
from putright.hazards.models import Outcome
from putright.rules.hazards import local_moment

from .helpers import raise_damp

pytestmark = pytest.mark.django_db


def at(*args):
    return local_moment(dt.datetime(*args))


def test_each_list(handler, resident):
    case = log_complaint(resident=resident, actor=handler)
    emergency = raise_damp(case, actor=handler, category="emergency", aware_at=at(2026, 11, 20, 18, 0))  # due Sat 21 Nov 18:00
    significant = raise_damp(case, actor=handler, aware_at=at(2026, 11, 11, 9, 0))  # investigate by Wed 25 Nov
    summary = raise_damp(case, actor=handler, aware_at=at(2026, 11, 2, 9, 0))
    actions.record_investigation(summary, concluded_at=at(2026, 11, 10, 9, 0), investigator="D", findings="f", outcome=Outcome.NO_HAZARD, actor=handler)
    moved = raise_damp(case, actor=handler, category="emergency", aware_at=at(2026, 11, 3, 9, 0))
    actions.record_accommodation(moved, offered_on=dt.date(2026, 11, 3), accepted=True, moved_on=dt.date(2026, 11, 3), actor=handler)

    def ids(name, now):
        return {r.pk for r in queries.worklist(name, now)}

    friday_night = at(2026, 11, 20, 19, 0)
    assert ids("due-24-hours", friday_night) == {emergency.pk}
    # Investigate by Wed 25 Nov: within 3 working days of Fri 20 Nov (Mon, Tue, Wed), not of
    # Thu 19 Nov (Fri, Mon, Tue).
    assert ids("due-3-working-days", at(2026, 11, 19, 19, 0)) == set()
    assert ids("due-3-working-days", friday_night) == {significant.pk}
    assert ids("overdue", at(2026, 11, 23, 9, 0)) == {emergency.pk, summary.pk, moved.pk}
    assert ids("awaiting-summary", friday_night) == {summary.pk}
    assert ids("alternative-accommodation", friday_night) == {moved.pk}
    assert queries.counts(friday_night)["alternative-accommodation"] == 1
