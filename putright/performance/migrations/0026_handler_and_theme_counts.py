"""One handler's cases by state and a theme's cases by state, counted by triggers as they change
(putright.performance.handlerstates, .themecounts; decision 0019), so the queue's totals of a
handler (or "My cases") with a closed state or "including closed", and of a theme "including
closed" or a state, are not counted live: at a million cases a handler's closed cases were
41,000-47,000 index entries a page, a theme's rows 75,000, and a theme's closed cases were its
cases looked up (545 ms on SQLite).

The triggers are made, and the counts filled (one grouped read of the cases and of the case
themes), after this migrate by putright.performance.schema, as for the other kept counts.
"""

from django.db import migrations, models

from putright.performance import handlerstates, themecounts


def drop(apps, schema_editor):
    handlerstates.drop(apps, schema_editor)
    themecounts.drop(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [("performance", "0025_months_marked_once")]

    operations = [
        migrations.CreateModel(
            name="HandlerCaseCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("handler", models.BigIntegerField()),
                ("state", models.CharField(max_length=30)),
                ("is_open", models.BooleanField()),
                ("delta", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["handler", "state", "is_open", "delta"], name="handler_case_count_state")],
            },
        ),
        migrations.CreateModel(
            name="ThemeCaseCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("theme", models.BigIntegerField()),
                ("state", models.CharField(max_length=30)),
                ("is_open", models.BooleanField()),
                ("delta", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["theme", "state", "is_open", "delta"], name="theme_case_count_state")],
            },
        ),
        # The triggers are made after every migrate (putright.performance.schema); going back, off first.
        migrations.RunPython(migrations.RunPython.noop, drop),
    ]
