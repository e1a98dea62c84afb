from django.db import migrations, models


class Migration(migrations.Migration):
    """A nullable column without a default: ALTER TABLE ADD COLUMN on SQLite, no rebuild. Filled
    (and kept) by triggers: putright.performance.stagemarks."""

    dependencies = [
        ("cases", "0014_merge_retention_and_queue_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="stage",
            name="case_open",
            field=models.BooleanField(editable=False, null=True),
        ),
    ]
