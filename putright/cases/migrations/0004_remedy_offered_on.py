"""Remedy.offered_on: the day the reports count a remedy as offered (the response date of its
stage, or the day it was recorded while that stage has no response), so a year's compensation is
one index range (reports migration 0003) rather than a search through every response."""

from django.db import migrations, models
from django.utils import timezone

# Only the rows it fills: on PostgreSQL a row updated twice in the migration's transaction would
# leave foreign-key checks pending, and the ALTER TABLE after it would be refused.
FROM_RESPONSES = """
UPDATE cases_remedy SET offered_on = (
  SELECT s.responded_on FROM cases_stage s
  WHERE s.case_id = cases_remedy.case_id AND s.number = cases_remedy.stage_number
)
WHERE EXISTS (
  SELECT 1 FROM cases_stage s
  WHERE s.case_id = cases_remedy.case_id AND s.number = cases_remedy.stage_number AND s.responded_on IS NOT NULL
)
"""


def recorded_dates(apps, schema_editor):
    """The rest (no stage, or its stage not answered): the day it was recorded, in local time."""
    Remedy = apps.get_model("cases", "Remedy")
    batch = []
    for remedy in Remedy.objects.filter(offered_on__isnull=True).only("pk", "created_at").iterator(chunk_size=2000):
        remedy.offered_on = timezone.localdate(remedy.created_at)
        batch.append(remedy)
        if len(batch) == 2000:
            Remedy.objects.bulk_update(batch, ["offered_on"])
            batch = []
    Remedy.objects.bulk_update(batch, ["offered_on"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_theme")]

    operations = [
        migrations.AddField(model_name="remedy", name="offered_on", field=models.DateField(blank=True, null=True)),
        migrations.RunSQL(FROM_RESPONSES, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(recorded_dates, migrations.RunPython.noop),
        migrations.AlterField(model_name="remedy", name="offered_on", field=models.DateField(blank=True)),
    ]
