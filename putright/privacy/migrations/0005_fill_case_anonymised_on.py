"""Copy each existing anonymisation's day onto its case (cases 0012 added the column), so the
index of ended cases not anonymised yet is right from the start."""

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    AnonymisedCase = apps.get_model("privacy", "AnonymisedCase")
    by_day: dict = {}
    for case_id, at in AnonymisedCase.objects.order_by().values_list("case_id", "anonymised_at").iterator(chunk_size=5000):
        by_day.setdefault(timezone.localdate(at), []).append(case_id)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 500):
            Case.objects.filter(pk__in=ids[start:start + 500]).update(anonymised_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_retention_run_partial"),
        ("cases", "0012_case_anonymised_on"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
