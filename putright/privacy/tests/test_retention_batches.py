"""Retention at scale: due cases read a page at a time, anonymised a batch to a transaction with
the same number of queries however big the batch, a run that stops when its time is up and the
next that carries on, holds found in the set-based path, and the retention page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, CaseEvent
from putright.cases.tests import factories as f
from putright.ombudsman.actions import open_ombudsman_case
from putright.privacy import actions as privacy_actions
from putright.privacy import batch, due, retention_page
from putright.privacy.anonymise import anonymise_batch
from putright.privacy.models import AnonymisedCase, HoldReason, RetentionRun, RetentionSchedule, Why
from putright.privacy.retention import run_once
from putright.privacy.scrub import REMOVED
from putright.privacy.tests.test_retention import when, withdrawn
from putright.residents.models import Resident

pytestmark = pytest.mark.django_db


def old_complaints(n: int, today, *, resident=False) -> list[Case]:
    """n complaints withdrawn long ago (past six years), each with a note and a timeline."""
    made = []
    for i in range(n):
        person = Resident.objects.create(name=f"Person {i}", email=f"p{i}@example.org") if resident else None
        case = withdrawn(when(2018, 1, 8) + dt.timedelta(days=i), when(2018, 3, 1) + dt.timedelta(days=i), resident=person, today=today)
        made.append(case)
    return made


def listed(today) -> list[Case]:
    return due.page(today, RetentionSchedule.load(), size=1000, held=False)


def test_a_batch_costs_the_same_queries_however_many_cases_it_holds(today):
    cases = old_complaints(8, today)
    run = RetentionRun.objects.create(started_at=timezone.now(), applied=True)
    page = listed(today)
    assert [c.pk for c in page] == [c.pk for c in cases]
    with CaptureQueriesContext(connection) as two:
        assert anonymise_batch(page[:2], today=today, why=Why.RETENTION, run=run, now=timezone.now()) == 2
    with CaptureQueriesContext(connection) as six:
        assert anonymise_batch(page[2:], today=today, why=Why.RETENTION, run=run, now=timezone.now()) == 6
    assert len(two) == len(six)
    # Each case keeps its own record, with its own counts, as when anonymised one by one.
    records = AnonymisedCase.objects.filter(case__in=cases)
    assert records.count() == 8 and all(r.counts["cases"] == 1 and r.counts["timeline events"] >= 2 for r in records)
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("anonymised_on", flat=True)) == {timezone.localdate()}
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("description", flat=True)) == {REMOVED}
    assert not CaseEvent.objects.filter(case__in=cases, summary__contains="neighbour").exists()


def test_a_run_stops_when_its_time_is_up_and_the_next_carries_on(today):
    cases = old_complaints(5, today)
    first = run_once(apply=True, budget=0, batch=2)
    assert (first["anonymised"], first["more"]) == (2, True)
    run = RetentionRun.objects.get()
    assert run.partial and run.reached == ["complaint", cases[1].received_on.isoformat(), cases[1].pk]
    second = run_once(apply=True, budget=0, batch=2)
    assert (second["anonymised"], second["carried on from a partial run"], second["more"]) == (2, 1, True)
    third = run_once(apply=True, budget=0, batch=2)
    assert third["anonymised"] == 1 and "more" not in third
    assert not RetentionRun.objects.order_by("-started_at", "-id").first().partial
    assert AnonymisedCase.objects.count() == 5
    # The next day's run starts from the beginning again, and finds nothing left.
    fourth = run_once(apply=True, budget=0, batch=2)
    assert "carried on from a partial run" not in fourth and fourth["due"] == 0


def test_the_worker_job_yields_to_the_other_jobs_and_runs_again_straight_away(today, settings):
    from putright.operations import jobs
    from putright.operations.models import JobState

    old_complaints(3, today)
    settings.PUTRIGHT_RETENTION_SECONDS = 0
    settings.PUTRIGHT_RETENTION_BATCH = 2
    job = jobs.REGISTRY["retention"]
    now = timezone.now()
    JobState.objects.create(name="retention", next_run_at=now)
    result, next_run_at = jobs.run(job, now)
    assert result["anonymised"] == 2 and next_run_at == now  # more to do: straight after the others
    result, next_run_at = jobs.run(job, now)
    assert result["anonymised"] == 1 and next_run_at > now + dt.timedelta(hours=1)  # done: tomorrow at 2


def test_a_run_killed_half_way_leaves_nothing_half_done_and_is_carried_on(today, monkeypatch):
    cases = old_complaints(4, today)
    run_once(apply=True, budget=0, batch=2)  # the first two, committed
    RetentionRun.objects.update(finished_at=None)  # as if killed after its first batch

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "rewrite_events_of", killed)
    with pytest.raises(KeyboardInterrupt):
        run_once(apply=True, batch=2)
    # The batch under way rolled back whole: not a row of it changed, the run's place unchanged.
    assert AnonymisedCase.objects.count() == 2
    assert Case.objects.get(pk=cases[2].pk).description != REMOVED
    assert Case.objects.filter(anonymised_on__isnull=False).count() == 2
    monkeypatch.undo()
    again = run_once(apply=True, batch=2)
    assert again["anonymised"] == 2 and again["carried on from a partial run"] == 1
    assert AnonymisedCase.objects.count() == 4


def test_a_case_reopened_after_it_was_listed_is_skipped(today):
    cases = old_complaints(3, today)
    page = listed(today)
    actions.reopen(cases[1], reason="The resident says the noise is back.")
    run = RetentionRun.objects.create(started_at=timezone.now(), applied=True)
    assert anonymise_batch(page, today=today, why=Why.RETENTION, run=run, now=timezone.now()) == 2
    assert set(AnonymisedCase.objects.values_list("case_id", flat=True)) == {cases[0].pk, cases[2].pk}
    assert Case.objects.get(pk=cases[1].pk).anonymised_on is None


def test_a_case_held_after_it_was_listed_is_skipped(today, manager):
    cases = old_complaints(2, today)
    page = listed(today)
    privacy_actions.place_hold(cases[0], reason=HoldReason.LEGAL, explanation="Claim K00AB123.", actor=manager, today=today)
    run = RetentionRun.objects.create(started_at=timezone.now(), applied=True)
    assert anonymise_batch(page, today=today, why=Why.RETENTION, run=run, now=timezone.now()) == 1
    assert list(AnonymisedCase.objects.values_list("case_id", flat=True)) == [cases[1].pk]


def test_every_kind_of_hold_holds_in_the_set_based_path(today, manager, handler):
    from putright.hazards import actions as hazard_actions
    from putright.hazards.kinds import damp
    from putright.hazards.models import AwareHow
    from putright.ombudsman.models import Category
    from putright.rules import hazards as hazard_rules

    by_resident, on_hold, linked_from, free = old_complaints(4, today, resident=True)
    open_ombudsman_case(category=list(Category)[0], opened_on=today, resident=by_resident.resident, actor=handler, today=today)
    privacy_actions.place_hold(on_hold, reason=HoldReason.MANAGER, explanation="Board review.", actor=manager, today=today)
    # A complaint logged for an issue raised in `linked_from`, still open: it keeps the old one.
    later = f.log_complaint(received_on=today, today=today)
    Case.objects.filter(pk=later.pk).update(related_to=linked_from)
    # An open Awaab's Law report on a request that ended today, looked at years from now.
    request = f.log_service_request(received_on=today - dt.timedelta(days=20), resident=free.resident, today=today)
    hazard_actions.raise_hazard(
        request, kind=damp(), category=hazard_rules.SIGNIFICANT, aware_at=timezone.now() - dt.timedelta(days=19),
        aware_how=AwareHow.RESIDENT_REPORT, description="Mould.", home="4 Elm Road", actor=handler,
    )
    actions.withdraw(request, withdrawn_on=today, today=today)

    from putright.privacy.retention import due as due_lists

    due_now, held = due_lists(today)
    assert [d.case for d in due_now] == [free]
    reasons = {d.case: d.held for d in held}
    assert reasons[by_resident] == ["an Ombudsman case is open"]
    assert reasons[on_hold] == [f"a manager's recorded reason (hold placed {today:%-d %B %Y})"]
    assert reasons[linked_from] == [f"linked case {later.reference} is kept for longer"]
    later_on = today + dt.timedelta(days=3 * 366)
    assert [d.held for d in due_lists(later_on)[1] if d.case == request] == [["an Awaab's Law hazard report is open"]]
    # The same cases, found by the page's path from the few rows that can hold one.
    assert {c.pk for c in due.held_cases(today, RetentionSchedule.load())} == {by_resident.pk, on_hold.pk, linked_from.pk}
    counts = run_once(apply=True, batch=2)
    assert (counts["anonymised"], counts["held"]) == (1, 3)
    assert list(AnonymisedCase.objects.values_list("case_id", flat=True)) == [free.pk]


def test_the_retention_page_counts_pages_and_explains_holds(client, manager, handler, today, monkeypatch):
    cases = old_complaints(5, today)
    privacy_actions.place_hold(cases[0], reason=HoldReason.LEGAL, explanation="Claim K00AB123.", actor=manager, today=today)
    monkeypatch.setattr(retention_page, "PAGE", 2)
    client.force_login(handler)
    assert client.get("/privacy/retention/").status_code == 403
    client.force_login(manager)
    text = client.get("/privacy/retention/").content.decode()
    assert "Due now: 4" in text and "Held: 1" in text and "legal proceedings (hold placed" in text
    assert cases[1].reference in text and cases[2].reference in text and cases[3].reference not in text
    after = f"complaint:{cases[2].received_on.isoformat()}:{cases[2].pk}"
    assert f"?after={after.replace(':', '%3A')}" in text
    second = client.get("/privacy/retention/", {"after": after}).content.decode()
    assert cases[3].reference in second and cases[4].reference in second and cases[2].reference not in second
    assert "Next 50 cases" not in second
    assert client.get("/privacy/retention/", {"after": "nonsense"}).status_code == 404
    monkeypatch.setattr(retention_page, "COUNT_UP_TO", 3)
    assert "Due now: more than 3" in client.get("/privacy/retention/").content.decode()


def test_the_retention_page_costs_the_same_queries_however_many_are_due(client, manager, today):
    client.force_login(manager)
    old_complaints(2, today)
    client.get("/privacy/retention/")
    with CaptureQueriesContext(connection) as few:
        client.get("/privacy/retention/")
    old_complaints(12, today)
    with CaptureQueriesContext(connection) as more:
        client.get("/privacy/retention/")
    assert len(few) == len(more)


def test_a_batch_deletes_the_sessions_of_its_residents_reading_the_sessions_once(today):
    from importlib import import_module

    from django.conf import settings

    from putright.privacy.models import AnonymisedResident

    cases = old_complaints(3, today, resident=True)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs, someone_else = store(), store()
    theirs["portal_email"] = "P1@example.org"
    someone_else["portal_email"] = "nobody@example.org"
    theirs.create()
    someone_else.create()
    counts = run_once(apply=True, batch=10)
    assert counts["anonymised"] == 3 and AnonymisedResident.objects.count() == 3
    assert not store().exists(theirs.session_key) and store().exists(someone_else.session_key)
    record = AnonymisedResident.objects.get(resident=cases[1].resident)
    assert record.counts["sessions"] == 1


@pytest.mark.parametrize("state", ["no statistics", "a million cases", "a million cases, misleading"])
def test_a_page_of_due_cases_is_read_from_the_index_of_cases_not_anonymised(state, today):
    """The keyset after a cursor, as a run carrying on reads it: from case_ended_not_anonymised, a
    range in the index's order. Written as a bare OR, SQLite read two other indexes and sorted
    (1.1 s a page at a million cases)."""
    from putright.performance.tests.test_plans import _forget_statistics, plan, planted  # noqa: F401

    cases = old_complaints(3, today)
    if state != "no statistics":
        planted(state)
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        due.page(today, RetentionSchedule.load(), cursor=due.cursor_of(cases[0]), size=200, held=False)
    sql, params = next((s, p) for s, p in captured if "ORDER BY" in s and '"cases_case"."received_on" >=' in s)
    shown = plan(sql, params)
    if connection.vendor == "postgresql":
        # Tiny test tables: PostgreSQL takes any index on (kind, received_on) in order; what
        # matters is a range of one, not a walk of the table.
        assert "Seq Scan on cases_case" not in shown and "Index Cond: (((kind)::text = 'complaint'::text) AND (received_on <" in shown, shown
    else:
        assert "case_ended_not_anonymised" in shown and "TEMP B-TREE" not in shown, shown
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")


def test_a_batch_passes_over_a_resident_already_anonymised(today):
    """A case logged later for a resident already anonymised (the record kept, the details gone)
    is anonymised in its batch; the resident's record is not made twice and the batch goes on."""
    from putright.privacy.models import AnonymisedResident

    first, other = old_complaints(2, today, resident=True)
    assert run_once(apply=True, batch=10)["anonymised"] == 2
    record = AnonymisedResident.objects.get(resident=first.resident)
    later = withdrawn(when(2018, 6, 4), when(2018, 7, 2), resident=first.resident, today=today)
    third = old_complaints(1, today, resident=True)[0]
    assert run_once(apply=True, batch=10)["anonymised"] == 2
    assert AnonymisedCase.objects.filter(case__in=[later, third]).count() == 2
    assert AnonymisedResident.objects.filter(resident=first.resident).get() == record
    assert AnonymisedResident.objects.filter(resident=third.resident).exists()
