"""The worker's periodic jobs: claimed once however many workers run, daily jobs at their time,
deadlines recomputed when the calendar changes, and one line to add a job."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from putright.cases.calendar import landlord_calendar
from putright.cases.models import ClosureDay, Stage
from putright.cases.tests.factories import log_complaint
from putright.operations import jobs, schedule
from putright.operations.models import JobState, WorkerHeartbeat
from putright.operations.worker import Worker

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for this test."""
    monkeypatch.setattr(jobs, "REGISTRY", {})
    return jobs.REGISTRY


def test_a_job_runs_once_however_many_workers_ask(registry):
    calls = []
    jobs.register("count", lambda: calls.append(1) or {"done": 1}, every=dt.timedelta(minutes=1))
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    first, second = jobs.Scheduler(), jobs.Scheduler()
    assert first.run_due(now) == ["count"]
    assert second.run_due(now) == []  # another worker: already done
    assert second.run_due(now + dt.timedelta(seconds=59)) == []
    assert calls == [1]
    state = JobState.objects.get(name="count")
    assert state.last_result == {"done": 1} and state.last_error == ""
    assert second.run_due(now + dt.timedelta(minutes=2)) == ["count"]
    assert calls == [1, 1]


def test_a_claimed_job_whose_worker_died_runs_again_after_its_lease(registry):
    job = jobs.register("slow", lambda: {}, every=dt.timedelta(minutes=1), lease=dt.timedelta(minutes=15))
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    assert jobs.claim(job, now)  # ... and the worker is killed here
    assert not jobs.claim(job, now + dt.timedelta(minutes=14))
    assert jobs.claim(job, now + dt.timedelta(minutes=15))


def test_a_daily_job_runs_at_its_time_or_at_the_first_chance_after(registry):
    calls = []
    jobs.register("morning", lambda: calls.append(1), daily_at=dt.time(7, 0))
    scheduler = jobs.Scheduler()
    assert scheduler.run_due(dt.datetime(2026, 11, 23, 6, 0, tzinfo=LONDON)) == []
    assert JobState.objects.get(name="morning").next_run_at == dt.datetime(2026, 11, 23, 7, 0, tzinfo=LONDON)
    # The worker was stopped at 7:00 and comes back at 9:30: the job runs then, once.
    assert scheduler.run_due(dt.datetime(2026, 11, 23, 9, 30, tzinfo=LONDON)) == ["morning"]
    assert scheduler.run_due(dt.datetime(2026, 11, 23, 9, 31, tzinfo=LONDON)) == []
    assert calls == [1]


def test_a_failing_job_is_recorded_and_tried_again_within_5_minutes(registry):
    def broken():
        raise ValueError("no mailbox")

    jobs.register("broken", broken, daily_at=dt.time(2, 0))
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=LONDON)
    JobState.objects.create(name="broken", next_run_at=now)
    result, next_run_at = jobs.run(jobs.REGISTRY["broken"])
    assert result is None
    state = JobState.objects.get(name="broken")
    assert state.last_error == "ValueError: no mailbox"
    assert dt.timedelta(0) < state.next_run_at - state.last_finished_at <= dt.timedelta(minutes=5)


def test_register_needs_exactly_one_schedule(registry):
    with pytest.raises(ValueError):
        jobs.register("neither", lambda: None)


def test_the_built_in_jobs_are_registered():
    assert {
        "send_outbox", "send_reminders", "recompute_deadlines", "clear_sessions", "discard_abandoned_drafts",
        "retention", "mailbox_fetch", "webhooks_send", "hazard_reminders", "purge_throttles",
    } <= set(
        jobs.REGISTRY
    )
    assert jobs.REGISTRY["send_reminders"].daily_at == dt.time(7, 0)
    assert not jobs.REGISTRY["send_outbox"].exclusive


def test_deadlines_are_recomputed_when_a_closure_day_is_added(resident, handler, today):
    case = log_complaint(resident=resident, handler=handler, received_on=today, today=today)
    stage = Stage.objects.get(case=case)
    before = stage.acknowledge_by
    assert schedule.recompute_deadlines_if_calendar_changed() == {"changed": 0}
    assert schedule.recompute_deadlines_if_calendar_changed() == {"changed": 0}  # nothing new
    # The office closes on the next working day (whatever day of the week the suite runs on), so
    # the acknowledgement is due one working day later.
    cal = landlord_calendar()
    closed = cal.add_working_days(today, 1)
    ClosureDay.objects.create(day=closed, label="Staff training")
    assert schedule.recompute_deadlines_if_calendar_changed() == {"changed": 1}
    stage.refresh_from_db()
    assert stage.acknowledge_by == cal.add_working_days(before, 1)
    assert schedule.recompute_deadlines_if_calendar_changed() == {"changed": 0}


def test_one_pass_of_the_worker_runs_the_jobs_and_leaves_a_heartbeat(registry):
    calls = []
    jobs.register("ping", lambda: calls.append(1), every=dt.timedelta(minutes=1))
    Worker().run(once=True)
    assert calls == [1]
    assert WorkerHeartbeat.objects.count() == 1


def test_every_registered_job_runs_on_an_empty_install():
    for job in jobs.REGISTRY.values():
        result, _ = jobs.run(job)
        assert result is not None, f"{job.name} failed: {JobState.objects.filter(name=job.name).first()}"
