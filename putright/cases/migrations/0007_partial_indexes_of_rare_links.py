"""The two links set on few cases (a complaint raised from a service request, a complaint linked
to another) get indexes of the rows where they are set, in place of plain indexes.

With statistics (ANALYZE), a plain index of a column empty on nearly every row tells the planner
"every row has the same value", so SQLite walked all the cases for each lookup instead (4.4 s a
case page at a million cases). The table is not rebuilt: only the indexes change."""

import django.db.models.deletion
from django.db import migrations, models

LINKS = {"from_service_request_id": "case_from_request", "related_to_id": "case_related_to"}


def _plain_indexes(schema_editor, table):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"]
        and len(info["columns"]) == 1 and info["columns"][0] in LINKS and name not in LINKS.values()
    ]


def drop_plain_indexes(apps, schema_editor):
    table = apps.get_model("cases", "Case")._meta.db_table
    for name in _plain_indexes(schema_editor, table):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_plain_indexes(apps, schema_editor):
    table = apps.get_model("cases", "Case")._meta.db_table
    for column in LINKS:
        name = f"cases_case_{column}_plain"
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_recorded_steps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="from_service_request",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="complaints_raised", to="cases.case"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="related_to",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="linked", to="cases.case"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_plain_indexes, restore_plain_indexes)],
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("from_service_request__isnull", False)), fields=["from_service_request"], name="case_from_request"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("related_to__isnull", False)), fields=["related_to"], name="case_related_to"),
        ),
    ]
