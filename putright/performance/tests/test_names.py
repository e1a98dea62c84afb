"""The residents' names found by part of them from their trigrams (performance.names): the copy
SQLite searches follows every change to a name, is made again when lost, and the search reads
the trigrams, not every resident, on both databases."""

from __future__ import annotations

import pytest
from django.db import connection

from putright.cases import search
from putright.performance import names, schema
from putright.residents.models import Resident

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(Resident.objects.filter(pk__in=search.found_residents(search.Query(text)).ids).values_list("name", flat=True))


def test_a_name_is_found_by_any_part_of_it_whatever_its_case_and_as_it_changes():
    anna = Resident.objects.create(name="Anna Smithson")
    Resident.objects.create(name="Bob Jones")
    assert found("mith") == found("SMITHS") == found("anna smith") == {"Anna Smithson"}
    Resident.objects.filter(pk=anna.pk).update(name="Anna Brown")  # no save(): SQL as any writer may
    assert found("mith") == set() and found("brow") == {"Anna Brown"}
    anna.delete()
    assert found("brow") == set()
    Resident.objects.bulk_create([Resident(name="Carol Smith"), Resident(name="Dan Smithers")])
    assert found("smith") == {"Carol Smith", "Dan Smithers"}


def test_two_letters_and_wildcards_are_still_found_reading_every_name():
    Resident.objects.create(name="Ed Wu")
    Resident.objects.create(name="Fay_Wu 50%")
    assert found("wu") == {"Ed Wu", "Fay_Wu 50%"}
    assert found("y_w") == {"Fay_Wu 50%"}
    assert found("d_w") == set()  # an underscore typed is an underscore, not any letter


def test_what_a_migration_loses_is_made_again_with_every_name():
    Resident.objects.create(name="Grace Hopper")
    names.drop(connection)
    Resident.objects.create(name="Ada Lovelace")  # while the triggers (SQLite) or the index were gone
    schema.ensure(connection)
    assert found("hopp") == {"Grace Hopper"} and found("lovel") == {"Ada Lovelace"}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT COUNT(*) FROM {names.TABLE}")
            assert cursor.fetchone()[0] == Resident.objects.count()
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'resident_name_trigrams_%'")
            assert cursor.fetchone()[0] == len(names.TRIGGERS)
        else:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [names.PG_INDEX])
            assert cursor.fetchone()


def test_the_hourly_job_merges_away_the_trigrams_of_changed_names():
    """SQLite keeps a changed name's old trigrams, marked deleted, until its FTS5 segments are
    merged; the job merges them. The index is then one segment: each change adds one until then."""
    from putright.operations import jobs

    assert jobs.REGISTRY["name_trigrams"].func is names.purge
    grace = Resident.objects.create(name="Grace Hopper")
    for name in ("Grace Brown", "Anonymised resident"):
        Resident.objects.filter(pk=grace.pk).update(name=name)
    done = names.purge()
    assert found("hopp") == found("brow") == set() and found("anonymised") == {"Anonymised resident"}
    if connection.vendor != "sqlite":
        assert done == {"merged": False}  # PostgreSQL: vacuum drops a GIN index's dead entries
        return
    assert done == {"merged": True}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {names.TABLE}_data WHERE id >= 10")  # segment pages (ids below 10: structure)
        merged = cursor.fetchone()[0]
        Resident.objects.filter(pk=grace.pk).update(name="Someone Else")
        cursor.execute(f"SELECT COUNT(*) FROM {names.TABLE}_data WHERE id >= 10")
        assert cursor.fetchone()[0] > merged  # a change writes a new segment ...
        names.purge()
        cursor.execute(f"SELECT COUNT(*) FROM {names.TABLE}_data WHERE id >= 10")
        assert cursor.fetchone()[0] == merged  # ... which the merge folds in
