from django.db import migrations, models


class Migration(migrations.Migration):
    """Nullable columns without a default: ALTER TABLE ADD COLUMN on SQLite, no rebuild. Filled (and
    indexed) by performance migration 0014, kept by triggers: putright.performance.handlercopies."""

    dependencies = [
        ('cases', '0016_casetheme_stage_and_deadline'),
    ]

    operations = [
        migrations.AddField(
            model_name='outstandingaction',
            name='case_handler',
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='remedy',
            name='case_handler',
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='stage',
            name='case_handler',
            field=models.BigIntegerField(editable=False, null=True),
        ),
    ]
