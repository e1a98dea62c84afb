from django.db import migrations, models


class Migration(migrations.Migration):
    """Nullable columns without a default: ALTER TABLE ADD COLUMN on SQLite, no rebuild; filled
    for the open cases' themes, and indexed, by performance migration 0013."""

    dependencies = [
        ("cases", "0015_stage_case_open"),
    ]

    operations = [
        migrations.AddField(
            model_name="casetheme",
            name="case_stage",
            field=models.SmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="casetheme",
            name="case_deadline",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="casetheme",
            name="case_handler",
            field=models.IntegerField(editable=False, null=True),
        ),
    ]
