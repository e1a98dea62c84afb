"""The revisions of the small tables every queue page reads (putright.performance.revisions).

The table and its rows only: the triggers that draw a revision again are made, like the other
triggers of this app, by putright.performance.schema after every migrate (which then draws every
revision again). No case table is touched.
"""

import secrets

from django.db import migrations, models

from putright.performance import revisions


def fill(apps, schema_editor):
    Revision = apps.get_model("performance", "Revision")
    for name in revisions.NAMES:
        Revision.objects.using(schema_editor.connection.alias).update_or_create(name=name, defaults={"token": secrets.randbits(62) + 1})


def drop_triggers(apps, schema_editor):
    for sql in revisions.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("performance", "0019_handler_order")]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(fill, drop_triggers),
    ]
