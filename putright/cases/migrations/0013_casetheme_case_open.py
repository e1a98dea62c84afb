from django.db import migrations, models


class Migration(migrations.Migration):
    """A nullable column without a default: ALTER TABLE ADD COLUMN on SQLite, no rebuild."""

    dependencies = [
        ("cases", "0012_case_extended_open"),
    ]

    operations = [
        migrations.AddField(
            model_name="casetheme",
            name="case_open",
            field=models.BooleanField(editable=False, null=True),
        ),
    ]
