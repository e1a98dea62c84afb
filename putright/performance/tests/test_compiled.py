"""Compiled queries (putright/performance/compiled.py) give what the ORM gives, with other values."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.performance.compiled import Compiled
from putright.residents.models import Restriction

pytestmark = pytest.mark.django_db


def test_it_runs_the_sql_again_with_each_new_value(handler, resident, other_resident):
    one = f.log_complaint(handler=handler, actor=handler, resident=resident)
    two = f.log_complaint(handler=handler, actor=handler, resident=other_resident)
    by_resident = Compiled(lambda resident_id: Case.objects.select_related("resident").filter(resident_id=resident_id).order_by("id"))
    assert [c.pk for c in by_resident.models(resident.pk)] == [one.pk]
    got = by_resident.models(other_resident.pk)
    assert [c.pk for c in got] == [two.pk]
    assert got[0].resident == other_resident and got[0].received_on == two.received_on  # a date, converted
    refs = Compiled(lambda reference: Case.objects.filter(reference=reference).values_list("id", "received_on"), str)
    assert refs.rows(two.reference) == list(Case.objects.filter(pk=two.pk).values_list("id", "received_on"))


def test_a_date_value_is_adapted_for_the_database_each_time(resident, manager, today):
    kept = Restriction.objects.create(
        resident=resident, reasons="r", evidence="e", restricted="Email only", equality_considerations="c",
        starts_on=today - dt.timedelta(days=10), review_by=today + dt.timedelta(days=30), ended_on=today,
    )
    current = Compiled(lambda resident_id, day: Restriction.objects.filter(resident_id=resident_id).current(day).order_by("id"), int, dt.date)
    assert current.models(resident.pk, today - dt.timedelta(days=1)) == [kept]
    assert current.models(resident.pk, today) == []  # ended today


def test_a_moment_is_adapted_for_the_database_each_time(handler, other_handler):
    """An aware datetime (the session's "expiry still to come"), as the ORM adapts it: a naive UTC
    text on SQLite, a timestamp with time zone on PostgreSQL."""
    from putright.accounts.models import User
    from tests import clock

    now = clock.frozen_instant()  # the suite's one frozen "now" (tests/clock.py), never the real clock
    User.objects.filter(pk=handler.pk).update(last_login=now - dt.timedelta(hours=2))
    User.objects.filter(pk=other_handler.pk).update(last_login=now - dt.timedelta(minutes=5))
    since = Compiled(lambda moment: User.objects.filter(last_login__gt=moment).order_by("id").values_list("username", flat=True), dt.datetime)
    assert since.rows(now - dt.timedelta(hours=1)) == [("olu",)]
    assert since.rows(now - dt.timedelta(hours=3)) == [("hari",), ("olu",)]
    assert since.rows(now) == []


def test_it_refuses_a_query_that_does_not_use_its_values_or_is_given_the_wrong_number():
    ignores = Compiled(lambda case_id: Case.objects.filter(pk=1))
    with pytest.raises(ValueError, match="each of its arguments"):
        ignores.models(5)
    by_pk = Compiled(lambda case_id: Case.objects.filter(pk=case_id))
    with pytest.raises(TypeError, match="takes 1 values"):
        by_pk.models(1, 2)


def test_queries_run_together_give_what_each_gives_alone(handler, resident, other_resident):
    from putright.performance.compiled import together

    one = f.log_complaint(handler=handler, actor=handler, resident=resident)
    f.log_complaint(handler=handler, actor=handler, resident=other_resident)
    by_resident = Compiled(lambda resident_id: Case.objects.select_related("resident").filter(resident_id=resident_id).order_by("id"))
    refs = Compiled(lambda reference: Case.objects.filter(reference=reference).values_list("id", "received_on"), str)
    got = together((by_resident, "models", (resident.pk,)), (refs, "rows", (one.reference,)), (by_resident, "models", (other_resident.pk,)))
    assert got == [by_resident.models(resident.pk), refs.rows(one.reference), by_resident.models(other_resident.pk)]
    assert got[0][0].resident == resident and got[1] == [(one.pk, one.received_on)]


def test_a_write_sent_together_is_seen_by_the_reads_after_it(handler, resident):
    from putright.audit import case_read_statement
    from putright.audit.models import ReadEvent
    from putright.audit.recording import record
    from putright.performance.compiled import together

    case = f.log_complaint(handler=handler, actor=handler, resident=resident)
    reads = Compiled(lambda case_id: ReadEvent.objects.filter(case_id=case_id).order_by("id").values_list("actor_id", "what", "label", "path"))
    wrote, got = together(case_read_statement(handler, case, path="/here/"), (reads, "rows", (case.pk,)))
    assert wrote is None
    assert got == [(handler.pk, "case", case.reference, "/here/")]
    # The very row record_read saves for the same read.
    saved = record(handler, "case", case, path="/here/")
    columns = ("actor_id", "actor_label", "what", "object_id", "label", "case_id", "resident_id", "path")
    sent, kept = ReadEvent.objects.filter(case=case).order_by("id").values_list(*columns)
    assert sent == kept and saved.resident_id == resident.pk


def test_answers_asked_ahead_are_taken_once_and_only_for_the_same_values(handler, resident, other_resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from putright.performance.compiled import answered

    one = f.log_complaint(handler=handler, actor=handler, resident=resident)
    two = f.log_complaint(handler=handler, actor=handler, resident=other_resident)
    by_resident = Compiled(lambda resident_id: Case.objects.filter(resident_id=resident_id).order_by("id").values_list("id", flat=False))
    with CaptureQueriesContext(connection) as asked:
        with answered((by_resident, "rows", (resident.pk,))) as found:
            assert found == [[(one.pk,)]]
            ahead = len(asked)
            assert by_resident.rows(resident.pk) == [(one.pk,)]  # the answer: no query
            assert len(asked) == ahead
            assert by_resident.rows(other_resident.pk) == [(two.pk,)]  # other values: asked
            assert by_resident.rows(resident.pk) == [(one.pk,)]  # taken already: asked again
            assert len(asked) == ahead + 2
        assert by_resident.rows(resident.pk) == [(one.pk,)]  # after the block: asked
        assert len(asked) == ahead + 3


def test_a_read_with_a_plan_gives_what_it_gives_unmarked_with_the_others_in_their_places(handler, resident):
    from putright.performance.compiled import CUSTOM, GENERIC, Read, together

    case = f.log_complaint(handler=handler, actor=handler, resident=resident)
    refs = Compiled(lambda reference: Case.objects.filter(reference=reference).values_list("id"), str)
    ids = Read.of(Case.objects.filter(resident=resident).values_list("id", "reference"), prepare=True)
    marked = Read.of(Case.objects.filter(resident=resident).values_list("id", "reference"), prepare=True)
    marked = Read(marked.sql, marked.params, marked.using, marked.prepare, marked.convert, planning=GENERIC)
    custom = Read(marked.sql, marked.params, marked.using, marked.prepare, marked.convert, planning=CUSTOM)
    got = together((refs, "rows", (case.reference,)), marked, ids, marked, custom)
    assert got == [[(case.pk,)], [(case.pk, case.reference)], [(case.pk, case.reference)], [(case.pk, case.reference)], [(case.pk, case.reference)]]
    assert together(marked) == [[(case.pk, case.reference)]]


def test_reads_with_a_plan_run_planned_so_and_the_setting_is_put_back_after_each_run():
    """PostgreSQL: each run of reads with one plan runs with its `force_..._plan`; the statements
    after it, and the rest of the transaction (a test's, or a request's under ATOMIC_REQUESTS),
    with the setting as it was."""
    from django.db import connection

    from putright.performance.compiled import CUSTOM, GENERIC, Read, together

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    setting = "SELECT current_setting('plan_cache_mode'), current_setting('max_parallel_workers_per_gather')"
    with connection.cursor() as cursor:
        cursor.execute(setting)
        before, = cursor.fetchall()
        assert before[0] == "auto" and before[1] != "0"
        got = together(Read(setting, (), planning=GENERIC), Read(setting, (), planning=GENERIC), Read(setting, ()),
                       Read(setting, (), planning=CUSTOM), Read(setting, (), planning=GENERIC))
        cursor.execute(setting)
        assert cursor.fetchall() == [before]
    # Planned either way, with no parallel workers (compiled.PLANNING).
    generic, custom = ("force_generic_plan", "0"), ("force_custom_plan", "0")
    assert got == [[generic], [generic], [before], [custom], [generic]]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_settings_apply_and_the_server_is_not_warned():
    """As a request runs (no ATOMIC_REQUESTS): the pipeline is a transaction but not a transaction
    block, where `SET LOCAL` worked but warned, into the server's log, twice a queue page."""
    from django.db import connection

    from putright.performance.compiled import GENERIC, Read, together

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    connection.ensure_connection()
    assert not connection.in_atomic_block
    warned = []
    connection.connection.add_notice_handler(lambda notice: warned.append(notice.message_primary))
    setting = "SELECT current_setting('plan_cache_mode'), current_setting('max_parallel_workers_per_gather')"
    with connection.cursor() as cursor:
        cursor.execute(setting)
        before, = cursor.fetchall()
    got = together(Read(setting, (), planning=GENERIC), Read(setting, ()))
    with connection.cursor() as cursor:
        cursor.execute(setting)
        after, = cursor.fetchall()
    assert got == [[("force_generic_plan", "0")], [before]] and after == before
    assert warned == []


def test_a_run_of_statements_planned_one_way_shares_one_setting_and_its_putting_back(handler, resident):
    """The queue page's rows and counts, both planned one way, cost three statements more (one setting both, two RESETs), not six;
    a `Compiled` query is planned as it was made to be."""
    from django.db import connection

    from putright.performance.compiled import CUSTOM, GENERIC, PLANNING, Read, Write, _planned, together

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    by_reference = Compiled(lambda reference: Case.objects.filter(reference=reference).values_list("id"), str, planning=GENERIC)
    a, b, c = Read("SELECT 1", ()), Read("SELECT 2", ()), Write("SELECT 3", ())
    entries = [(0, c), (1, replace(a, planning=GENERIC)), (2, replace(b, planning=GENERIC)), (3, by_reference),
               (4, replace(a, planning=CUSTOM)), (5, c)]
    sent = [query for _i, query, *_rest in _planned([(i, query, None, "default", None, "", []) for i, query in entries])]
    assert sent == [c, *PLANNING[GENERIC][0], entries[1][1], entries[2][1], by_reference, *PLANNING[GENERIC][1],
                    *PLANNING[CUSTOM][0], entries[4][1], *PLANNING[CUSTOM][1], c]
    case = f.log_complaint(handler=handler, actor=handler, resident=resident)
    setting = Read("SELECT current_setting('plan_cache_mode')", ())
    got = together((by_reference, "rows", (case.reference,)), setting, (by_reference, "rows", (case.reference,)))
    assert got == [[(case.pk,)], [("auto",)], [(case.pk,)]]
