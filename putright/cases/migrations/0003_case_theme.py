"""Case.themes gets an explicit through model, CaseTheme, on the same table (cases_case_themes),
with the case's kind and received date copied onto each row so the annual report can count a
year's themes from one index (reports migration 0003).

The table and its constraints stay as Django made them; only the two columns are added and
filled from the cases.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE cases_case_themes SET
  kind = (SELECT c.kind FROM cases_case c WHERE c.id = cases_case_themes.case_id),
  received_on = (SELECT c.received_on FROM cases_case c WHERE c.id = cases_case_themes.case_id)
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_queue_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseTheme",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="cases.case")),
                        ("theme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="cases.theme")),
                    ],
                    options={"db_table": "cases_case_themes", "unique_together": {("case", "theme")}},
                ),
                migrations.AlterField(
                    model_name="case",
                    name="themes",
                    field=models.ManyToManyField(blank=True, related_name="cases", through="cases.CaseTheme", to="cases.theme"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(model_name="casetheme", name="kind", field=models.CharField(default="", max_length=20), preserve_default=False),
        migrations.AddField(model_name="casetheme", name="received_on", field=models.DateField(null=True)),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(model_name="casetheme", name="received_on", field=models.DateField()),
    ]
