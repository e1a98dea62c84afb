"""The queue's theme filter read from an index of the themes' open cases (putright.performance.copies).

Whether its case is open is copied onto each case theme row (cases migration 0013, kept by
triggers that putright.performance.schema makes after every migrate), and the open ones are
indexed by theme. Before, the filter visited every open case (or every case the theme was ever
given to) and looked its themes up: 25-50 ms of SQL for a theme and stage 2 at a million cases
on SQLite, 45-70 ms on PostgreSQL. The column is added at once (no table rebuild on SQLite); the
fill marks the open cases' themes (tens of thousands of rows) and the index reads the table once.
"""

from django.db import migrations

from putright.performance import copies

INDEXES = [
    ("case_theme_open", "cases_case_themes", "theme_id, case_id", " WHERE case_open"),
]


class Migration(migrations.Migration):
    dependencies = [("performance", "0007_extended_order"), ("cases", "0013_casetheme_case_open")]

    operations = [
        migrations.RunSQL(sql=copies.THEME_REFILL[0], reverse_sql=migrations.RunSQL.noop),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, columns, where in INDEXES
        ),
        migrations.RunPython(migrations.RunPython.noop, copies.drop),
    ]
