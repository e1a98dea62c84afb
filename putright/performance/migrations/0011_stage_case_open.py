"""Whether a stage's case is open, marked on the stage (cases migration 0015; putright.performance.stagemarks).

The marks are filled here, set-based (the open cases' stages: tens of thousands of rows at a
million cases), and kept by triggers that putright.performance.schema makes after every migrate.
"""

from django.db import migrations

from putright.performance import stagemarks


class Migration(migrations.Migration):
    dependencies = [("performance", "0010_deadline_counts"), ("cases", "0015_stage_case_open")]

    operations = [
        migrations.RunSQL(sql=stagemarks.REFILL[0], reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(migrations.RunPython.noop, stagemarks.drop),
    ]
