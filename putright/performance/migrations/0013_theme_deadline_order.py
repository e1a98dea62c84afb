"""A page of a theme's open cases (and of a theme and a stage, or a handler) in the queue's deadline
order, or by date received, read from an index of the theme rows (putright.performance.copies).

The case's stage, next deadline and handler while it is open are copied onto each case theme row (cases
migration 0015, kept by triggers that putright.performance.schema makes after every migrate;
the date received was there already), and the open ones are indexed by theme (and stage, or handler) in the
deadline order: `(case_deadline IS NULL), case_deadline, received_on, case_id`, the same terms as
the cases' own `case_open_deadline_order`. Before, each of the theme's ~3,400 open cases was
looked up by id, its state tested, then all sorted: theme + stage 2 took 6 ms of SQL on SQLite and
18 on PostgreSQL at a million cases. The fill writes only the open cases' rows (tens of thousands)
and each index reads the table once; neither table is rebuilt.
"""

from django.db import migrations

from putright.performance import copies

ORDER = "(case_deadline IS NULL), case_deadline, received_on, case_id"
INDEXES = [
    ("case_theme_open_deadline", "cases_case_themes", f"theme_id, {ORDER}", " WHERE case_open"),
    # A handler's own (or one handler's) cases of a theme and a stage: read from either index,
    # the other column tested on the index entry itself (a handler's cases of a theme are a few
    # hundred at a million cases; a theme's stage 2, a few thousand), never on the table's row.
    ("case_theme_open_stage_deadline", "cases_case_themes", f"theme_id, case_stage, {ORDER}, case_handler", " WHERE case_open"),
    ("case_theme_open_handler_deadline", "cases_case_themes", f"theme_id, case_handler, {ORDER}, case_stage", " WHERE case_open"),
    # Oldest or newest first (read backwards): a stage or handler tested on the entries.
    ("case_theme_open_received", "cases_case_themes", "theme_id, received_on, case_id, case_stage, case_handler", " WHERE case_open"),
]


def fill(apps, schema_editor):
    schema_editor.execute(copies.order_refill(schema_editor.connection.vendor)[0], params=None)


class Migration(migrations.Migration):
    dependencies = [("performance", "0012_merge_deadlines_and_names"), ("cases", "0016_casetheme_stage_and_deadline")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, columns, where in INDEXES
        ),
        migrations.RunPython(migrations.RunPython.noop, copies.drop),
    ]
