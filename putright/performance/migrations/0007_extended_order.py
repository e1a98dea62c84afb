"""The queue's "Extended" filter read from an index (putright.performance.copies).

Whether a case has a stage awaiting its response by an extended date is marked on the case
(cases migration 0012, kept by triggers that putright.performance.schema makes after every
migrate), and the open extended cases are indexed in the queue's deadline order. Before, the
filter read every open case to find the few thousand extended ones (10-20 ms of SQL a page at a
million cases, both databases). At a million cases the column is added at once (no table rebuild
on SQLite), the fill marks the few thousand extended cases, and the index reads the table once.
"""

from django.db import migrations

from putright.performance import copies

INDEXES = [
    ("case_open_extended_deadline", "cases_case", "(next_deadline_by IS NULL), next_deadline_by, received_on, id",
     " WHERE is_open AND extended_open"),
]


class Migration(migrations.Migration):
    dependencies = [("performance", "0006_case_counts"), ("cases", "0012_case_extended_open")]

    operations = [
        migrations.RunSQL(sql=copies.EXTENDED_REFILL[0], reverse_sql=migrations.RunSQL.noop),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, columns, where in INDEXES
        ),
        # The triggers are made after every migrate (putright.performance.schema); going back, off first.
        migrations.RunPython(migrations.RunPython.noop, copies.drop),
    ]
