"""Indexes for the queue's worklist counts (putright.cases.worklists), which the queue counts on
every page: the stages owed an update, and the remedies not completed. Without them SQLite read
every open case and probed its stages (150 ms a count at a million cases) or every remedy."""

from django.db import migrations

INDEXES = [
    ("stage_update_owed", "cases_stage", "next_update_due, case_id", " WHERE next_update_due IS NOT NULL AND responded_on IS NULL"),
    ("remedy_open_due", "cases_remedy", "due_by, case_id", " WHERE completed_on IS NULL"),
]


class Migration(migrations.Migration):
    dependencies = [("performance", "0003_responses_index_answered_only"), ("cases", "0010_stage_next_update_due")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns, where in INDEXES
    ]
