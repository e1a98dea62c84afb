"""Indexes that keep the queue and the reports' plans good with or without statistics.

Like the reports app's covering indexes, these live on the cases app's tables and are created
here (plain SQL that SQLite and PostgreSQL both read), so the cases models stay as they are.

- The queue sorted by deadline: soonest first, cases with no deadline last, then by date received.
  No index of next_deadline_by can give "no deadline last" (an index puts NULLs first on SQLite),
  so every page sorted every open case (all of them, with closed ones included). Ordered by
  ``(next_deadline_by IS NULL), next_deadline_by, received_on, id`` instead, the same order, an
  index on those expressions gives a page by reading 25 entries.
- Complaints withdrawn in a period: (kind, withdrawn_on) of the withdrawn cases only. With the
  index the reports app made (withdrawn_on first), SQLite without statistics preferred the
  equality on kind and read every complaint (405 ms at 100,000 cases).
"""

from django.db import migrations

INDEXES = [
    ("case_open_deadline_order", "cases_case", "(next_deadline_by IS NULL), next_deadline_by, received_on, id", " WHERE is_open"),
    ("case_deadline_order", "cases_case", "(next_deadline_by IS NULL), next_deadline_by, received_on, id", ""),
    ("case_withdrawn_kind", "cases_case", "kind, withdrawn_on", " WHERE withdrawn_on IS NOT NULL"),
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_triage_read_when_logged")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns, where in INDEXES
    ]
