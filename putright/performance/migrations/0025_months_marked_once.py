"""The tallies' triggers mark a month already marked without writing its row again
(putright.performance.triggers.ALREADY_MARKED): on PostgreSQL each write rewrote it, and an import
took time in the square of its rows. PostgreSQL's trigger functions are replaced here. Every
migrate that applies something also takes the triggers off first and makes them again afterwards
(putright.performance.schema): on SQLite, where a trigger made mid-migrate could break a later
migration's table rebuild, that is what replaces them."""

from django.db import migrations

from putright.performance import triggers


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        triggers.create(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0024_theme_received_order"),
    ]

    operations = [
        migrations.RunPython(replace_functions, migrations.RunPython.noop),
    ]
