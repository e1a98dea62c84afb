"""Seed the plain-English default wording for every kind of letter, and the jargon list."""

from django.db import migrations


def seed(apps, schema_editor):
    from putright.letters.defaults import JARGON, TEMPLATES

    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    JargonTerm = apps.get_model("letters", "JargonTerm")
    for kind, fields in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults=fields)
    for term, plainer in JARGON:
        JargonTerm.objects.get_or_create(term=term, defaults={"plainer": plainer})


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
