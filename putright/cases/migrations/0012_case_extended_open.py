from django.db import migrations, models


class Migration(migrations.Migration):
    """A nullable column without a default: ALTER TABLE ADD COLUMN on SQLite, no rebuild."""

    dependencies = [
        ("cases", "0011_resident_name_copied"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="extended_open",
            field=models.BooleanField(editable=False, null=True),
        ),
    ]
