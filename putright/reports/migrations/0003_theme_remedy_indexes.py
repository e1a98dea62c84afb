"""More covering indexes for the year's figures, on columns copied for the purpose (cases
migrations 0003 to 0005):

- themes: complaints' themes by the date the complaint was received, with the case id so the
  refused complaints can be taken off without visiting the rows;
- compensation: remedies by the day they count as offered, with everything the totals read;
- open at the end of a period: stages by the day they stopped awaiting a response (copied in
  cases migration 0005), so only those still open then are read;
- satisfaction: cases by the day they were closed (the survey answers are for cases closed in
  the period; without it SQLite read every case to find them, 0.28 s at 1,000,000 cases).

The index on remedies' creation time (0001) served the old compensation query and goes.
"""

from django.db import migrations

INDEXES = [
    ("reports_casetheme_received", "cases_case_themes", "kind, received_on, theme_id, case_id"),
    ("reports_remedy_offered", "cases_remedy", "offered_on, kind, stage_number, payment_method, case_id, amount"),
    ("reports_case_closed", "cases_case", "closed_on, id"),
    ("reports_stage_ended", "cases_stage", "ended_on, number, requested_on, case_id"),
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_narrative"), ("cases", "0005_stage_ended_on")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ] + [
        migrations.RunSQL(
            sql="DROP INDEX IF EXISTS reports_remedy_created",
            reverse_sql="CREATE INDEX IF NOT EXISTS reports_remedy_created ON cases_remedy (created_at)",
        ),
    ]
