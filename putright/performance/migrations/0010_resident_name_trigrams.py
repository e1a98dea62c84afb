"""Residents found by part of their name from an index of its trigrams (performance.names):
pg_trgm's GIN index of UPPER(name) on PostgreSQL, an FTS5 trigram table kept by triggers on
SQLite. Without it a search by part of a name read every resident (50-110 ms at 200,000)."""

from django.db import migrations


def make(apps, schema_editor):
    from putright.performance import names

    names.ensure(schema_editor.connection)


def unmake(apps, schema_editor):
    from putright.performance import names

    names.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0009_received_order"),
        ("residents", "0004_merge_consent_and_uprn"),
    ]

    operations = [migrations.RunPython(make, unmake)]
