"""Triage's reading of a service request, stored on the case (putright.triage.stored).

Filled here for the requests still open, which the queue shows; the closed ones (read only by the
board's quarterly report) are left for the worker's triage_backfill job, so that upgrading a
database of a million cases takes seconds, not a quarter of an hour. Until then they are read on
the spot, so every figure is the same either way."""

from django.db import migrations, models


def read_open_requests(apps, schema_editor):
    from putright.triage.stored import columns_for

    Case = apps.get_model("cases", "Case")
    open_requests = Case.objects.filter(kind="service_request", state="open", reads_as_complaint__isnull=True)
    for pk, description in open_requests.values_list("pk", "description").iterator(chunk_size=2000):
        Case.objects.filter(pk=pk).update(**columns_for("service_request", description))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_partial_indexes_of_rare_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="complaint_words",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="reads_as_complaint",
            field=models.BooleanField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(read_open_requests, migrations.RunPython.noop),
    ]
