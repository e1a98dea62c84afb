"""Small partial indexes for the late entries the figures count as late (putright.rules.recording):
steps whose dates would be on time but that were recorded after their deadline had passed.
They are few, so the corrections read a handful of rows, as for unjustified extensions (0001)."""

from django.db import migrations

INDEXES = [
    ("reports_stage_response_late_entry", "cases_stage", "responded_on, number, case_id", " WHERE response_counts_late"),
    ("reports_stage_ack_late_entry", "cases_stage", "acknowledged_on, number", " WHERE acknowledgement_counts_late"),
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_theme_remedy_indexes"), ("cases", "0006_recorded_steps")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns, where in INDEXES
    ]
