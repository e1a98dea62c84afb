"""The counts' SQL kept per process (putright.performance.counting.compiled_once) is exactly what a
fresh build gives, for another moment, another day and another user, so the queue only binds
parameters and its counts stay the live ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.hazards.queries import compiled_counts as hazard_counts_compiled
from putright.hazards.queries import counts as hazard_counts
from putright.hazards.queries import worklists as hazard_worklists
from putright.performance import counting
from putright.performance.counting import compile_counts, compiled_once, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget():
    counting.forget()
    yield
    counting.forget()


def test_what_is_compiled_once_is_built_once_and_is_what_a_fresh_build_gives(handler):
    built = []

    def build():
        built.append(1)
        return {"open": Case.objects.filter(is_open=True), "mine": Case.objects.filter(handler=handler)}

    first = compiled_once(("test", handler.pk), build)
    assert compiled_once(("test", handler.pk), build) is first
    assert len(built) == 1
    assert first == compile_counts(build())
    f.complaint_at("stage1_acknowledged", handler=handler)
    assert run(first) == {"open": 1, "mine": 1}  # the SQL is kept, never the counts


@pytest.mark.parametrize("at", ["00:00:00.000002", "09:30", "12:00:00.5", "23:59:59.999999"])
def test_the_hazard_counts_bound_to_a_moment_are_that_moments_own(at):
    now = timezone.make_aware(dt.datetime.combine(f.TODAY, dt.time.fromisoformat(at)))
    kept = hazard_counts_compiled(now)
    assert kept == compile_counts({f"hazard:{k}": q for k, q in hazard_worklists(now).items()})
    # Another moment the same day reuses the SQL and still gets its own parameters.
    later = now + dt.timedelta(microseconds=1) if at.startswith("23") else now + dt.timedelta(hours=1)
    assert hazard_counts_compiled(later) == compile_counts({f"hazard:{k}": q for k, q in hazard_worklists(later).items()})
    assert run(kept) == {f"hazard:{k}": n for k, n in hazard_counts(now).items()}


def queue_counts(client, today) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
        response = client.get("/cases/?cases=all")
    assert response.status_code == 200
    return response.content.decode()


def overdue_count(html: str) -> int:
    part = html.split('putright-due-counts__item--overdue', 1)[1]
    return int(part.split('putright-due-counts__number">', 1)[1].split("<", 1)[0])


def test_the_queue_counts_the_next_day_with_that_days_dates(client, handler):
    case = f.complaint_at("stage1_acknowledged", handler=handler)
    due = case.next_deadline_by
    client.force_login(handler)
    assert overdue_count(queue_counts(client, due)) == 0
    assert overdue_count(queue_counts(client, due)) == 0  # the kept SQL, the same answer
    cal = landlord_calendar()
    assert overdue_count(queue_counts(client, cal.add_working_days(due, 1))) == 1


def test_one_users_own_counts_are_never_anothers(client, handler, other_handler):
    f.complaint_at("stage1_acknowledged", handler=handler)
    client.force_login(other_handler)
    mine = client.get("/cases/?cases=mine").content.decode()
    client.force_login(handler)
    theirs = client.get("/cases/?cases=mine").content.decode()
    assert "<strong>0</strong> cases" in mine and "<strong>1</strong> case" in theirs


def test_the_queue_makes_its_counts_in_one_query_without_building_them_again(client, handler, monkeypatch):
    f.complaint_at("stage1_acknowledged", handler=handler)
    client.force_login(handler)
    client.get("/cases/?cases=all")
    from putright.cases.views import queue

    def refuse(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(queue, "due_querysets", refuse)
    monkeypatch.setattr(queue, "review_querysets", refuse)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/?cases=all")
    assert response.status_code == 200
    assert sum("COUNT(*)" in q["sql"] for q in captured.captured_queries) == 1
