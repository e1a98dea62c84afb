"""Cases counted by kind as well as state (putright.performance.casecounts), so a queue filtered by
kind or stage alone reads its total from the kept counts instead of counting the open cases' index.

The rows kept so far have no kind: they are counted again whole after this migrate (the triggers
are made again and `casecounts.rebuild` finds the counts disagree: one grouped read of the cases,
a second or two at a million cases). The table is small (a row a kind and state once folded), so
SQLite's rebuild of it for the new column costs nothing.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0017_stage_update_owed_open"),
    ]

    operations = [
        migrations.AddField(
            model_name="casecount",
            name="kind",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
    ]
