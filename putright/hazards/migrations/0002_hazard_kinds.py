"""Seed the hazards Awaab's Law covers (phase 1, 27 October 2025): see putright/hazards/kinds.py."""

from django.db import migrations


def seed(apps, schema_editor):
    from putright.hazards.kinds import ensure_kinds

    ensure_kinds(apps.get_model("hazards", "HazardKind"))


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
