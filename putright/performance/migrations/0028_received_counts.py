"""The cases received in each month, with a deadline or without, counted by triggers as they change
(putright.performance.receivedcounts; decision 0023), so that a page typed by its number deep in
"including closed" starts at its month instead of skipping every case before it: page 20,000 of a
million cases read 500,000 index entries on PostgreSQL (61-88 ms).

The triggers are made, and the counts filled (one grouped read of the cases), after this migrate
by putright.performance.schema, as for the other kept counts.
"""

from django.db import migrations, models

from putright.performance import receivedcounts


class Migration(migrations.Migration):

    dependencies = [("performance", "0027_ended_early_orders")]

    operations = [
        migrations.CreateModel(
            name="ReceivedCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="The first day of the month.")),
                ("dated", models.BooleanField()),
                ("delta", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["dated", "month", "delta"], name="received_count_month")],
            },
        ),
        # The triggers are made after every migrate (putright.performance.schema); going back, off first.
        migrations.RunPython(migrations.RunPython.noop, receivedcounts.drop),
    ]
