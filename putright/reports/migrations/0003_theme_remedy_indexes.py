"""Two more covering indexes for the year's figures, on columns copied for the purpose (cases
migrations 0003 and 0004):

- themes: complaints' themes by the date the complaint was received, with the case id so the
  refused complaints can be taken off without visiting the rows;
- compensation: remedies by the day they count as offered, with everything the totals read.

The index on remedies' creation time (0001) served the old compensation query and goes.
"""

from django.db import migrations

INDEXES = [
    ("reports_casetheme_received", "cases_case_themes", "kind, received_on, theme_id, case_id"),
    ("reports_remedy_offered", "cases_remedy", "offered_on, kind, stage_number, payment_method, case_id, amount"),
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_narrative"), ("cases", "0004_remedy_offered_on")]

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
