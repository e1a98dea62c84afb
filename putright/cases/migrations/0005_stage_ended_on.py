"""Stage.ended_on: the first day a stage no longer awaited a response (its response, the case's
withdrawal or, never acknowledged, its first refusal), so the reports count the complaints open
at the end of a period from one index (reports migration 0003) instead of testing every stage
never answered against the withdrawn cases and the refusals.

Filled in three passes of plain SQL that SQLite and PostgreSQL both run: the response, then an
earlier withdrawal, then an earlier refusal of a stage never acknowledged.
"""

from django.db import migrations, models

FILL = [
    "UPDATE cases_stage SET ended_on = responded_on WHERE responded_on IS NOT NULL",
    """
    UPDATE cases_stage SET ended_on = (SELECT c.withdrawn_on FROM cases_case c WHERE c.id = cases_stage.case_id)
    WHERE EXISTS (
      SELECT 1 FROM cases_case c WHERE c.id = cases_stage.case_id AND c.withdrawn_on IS NOT NULL
      AND (cases_stage.ended_on IS NULL OR c.withdrawn_on < cases_stage.ended_on)
    )
    """,
    """
    UPDATE cases_stage SET ended_on = (
      SELECT MIN(r.refused_on) FROM cases_refusal r WHERE r.case_id = cases_stage.case_id AND r.stage_number = cases_stage.number
    )
    WHERE acknowledged_on IS NULL AND EXISTS (
      SELECT 1 FROM cases_refusal r WHERE r.case_id = cases_stage.case_id AND r.stage_number = cases_stage.number
      AND (cases_stage.ended_on IS NULL OR r.refused_on < cases_stage.ended_on)
    )
    """,
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_remedy_offered_on")]

    operations = [
        migrations.AddField(model_name="stage", name="ended_on", field=models.DateField(blank=True, null=True)),
        *(migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in FILL),
    ]
