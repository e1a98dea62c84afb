from django.db import migrations


class Migration(migrations.Migration):
    """Joins the deadline counts and stage marks (0010-0011, branch deadlines) with the names'
    trigrams (0010, branch search), made side by side."""

    dependencies = [
        ("performance", "0010_resident_name_trigrams"),
        ("performance", "0011_stage_case_open"),
    ]

    operations = []
