"""Upgrading a database made before this work: the new columns and indexes are filled and built."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from putright.cases.models import Case
from putright.triage import stored

D = dt.date
UNHAPPY = "This is the third time I have reported the leak and nobody came. I am not happy at all."


def indexes_of(column: str) -> dict[str, bool]:
    """Index name -> partial? for the indexes on exactly this column of the case table."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Case._meta.db_table)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [Case._meta.db_table])
            partial = {name: " WHERE " in (sql or "") for name, sql in cursor.fetchall()}
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [Case._meta.db_table])
            partial = {name: " WHERE " in sql for name, sql in cursor.fetchall()}
    return {name: partial.get(name, False) for name, info in constraints.items()
            if info["index"] and not info["primary_key"] and info["columns"] == [column]}


@pytest.mark.django_db(transaction=True)
def test_upgrading_reads_the_open_requests_and_swaps_the_link_indexes():
    executor = MigrationExecutor(connection)
    before = [("cases", "0006_recorded_steps")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        assert all(not partial for partial in indexes_of("related_to_id").values())
        old = MigrationExecutor(connection).loader.project_state(before).apps
        OldCase = old.get_model("cases", "Case")
        open_request = OldCase.objects.create(reference="OLD-1", kind="service_request", state="open",
                                              received_on=D(2026, 11, 2), description=UNHAPPY)
        plain_request = OldCase.objects.create(reference="OLD-2", kind="service_request", state="open",
                                               received_on=D(2026, 11, 2), description="Please fix the tap.")
        closed_request = OldCase.objects.create(reference="OLD-3", kind="service_request", state="closed", is_open=False,
                                                received_on=D(2024, 11, 2), description=UNHAPPY)
        complaint = OldCase.objects.create(reference="OLD-4", kind="complaint", state="stage1_logged",
                                           received_on=D(2026, 11, 2), description=UNHAPPY)
        MigrationExecutor(connection).migrate(latest)

        assert indexes_of("related_to_id") == {"case_related_to": True}
        assert indexes_of("from_service_request_id") == {"case_from_request": True}
        unhappy = Case.objects.get(pk=open_request.pk)
        assert unhappy.reads_as_complaint is True and unhappy.complaint_words
        assert Case.objects.get(pk=plain_request.pk).reads_as_complaint is False
        # Closed requests are left to the worker's job, complaints are never read.
        assert Case.objects.get(pk=closed_request.pk).reads_as_complaint is None
        assert Case.objects.get(pk=complaint.pk).reads_as_complaint is None
        assert stored.backfill() == {"read": 1}
        assert Case.objects.get(pk=closed_request.pk).reads_as_complaint is True
    finally:
        MigrationExecutor(connection).migrate(latest)
        Case.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_migrating_back_before_a_kept_counts_table_leaves_no_trigger_writing_to_it(handler, resident):
    """Going back a release (the performance app before its handler and theme counts, 0026) as
    `migrate` does it, the triggers of the tables undone are not put back with the others: every
    change to a case then failed on a missing table. Forward again, they are made and filled."""
    from django.core.management import call_command

    from putright.cases.tests import factories as f
    from putright.performance import schema
    from putright.performance.models import HandlerCaseCount

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        call_command("migrate", "performance", "0025", verbosity=0)
        assert "performance_handlercasecount" not in connection.introspection.table_names()
        assert not {name for name in schema._existing_triggers(connection) if name.startswith(("count_themes", "count_handler_states"))}
        assert schema.missing_triggers(connection) == set()
        case = f.log_complaint(handler=handler, actor=handler, resident=resident)  # the triggers of every other kind run
        assert Case.objects.filter(pk=case.pk).exists()
    finally:
        call_command("migrate", verbosity=0)
    assert MigrationExecutor(connection).loader.graph.leaf_nodes() == latest
    assert {"count_themes_case_update", "count_handler_states_case_update"} <= schema._existing_triggers(connection)
    assert sum(HandlerCaseCount.objects.filter(handler=handler.pk).values_list("delta", flat=True)) == 1
