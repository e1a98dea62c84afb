"""Cases counted by service area as well as kind and state (putright.performance.casecounts), so a
queue filtered by an area (with a state, "including closed", a kind or a stage) reads its total
from the kept counts: a closed state with an area counted the area's 84,000 cases at a million,
each looked up for its state (250 ms on PostgreSQL, 290 ms on SQLite), and "including closed"
with an area counted the area's index (3-7 ms).

The rows kept so far have no area: they are counted again whole after this migrate (the triggers
are made again and `casecounts.rebuild` finds the counts disagree: one grouped read of the cases).
The table is small (a row a kind, state and area once folded): SQLite adds the column in place.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0021_no_deadline_orders"),
    ]

    operations = [
        migrations.AddField(
            model_name="casecount",
            name="service_area_id",
            field=models.IntegerField(null=True),
        ),
    ]
