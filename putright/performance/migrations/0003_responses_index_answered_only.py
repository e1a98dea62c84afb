"""The reports' covering index of responses (reports migration 0001) holds answered stages only.

Every figure reads responses by their date, so the stages not yet answered were dead weight in it,
and worse: to the planner "responded_on IS NULL" looked like one more date, with as few rows as
any (statistics average over values), so the queue's "extended" filter read all 86,459 unanswered
stages from it at a million cases instead of the few extended ones from their own partial index
(stage_open_extended): 99 ms on SQLite, per page.
"""

from django.db import migrations

COLUMNS = "responded_on, number, code_respond_by, respond_by, decision, acknowledged_on, requested_on, case_id, id"


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_tallies"), ("reports", "0004_late_entry_indexes")]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP INDEX IF EXISTS reports_stage_responded",
                f"CREATE INDEX reports_stage_responded ON cases_stage ({COLUMNS}) WHERE responded_on IS NOT NULL",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS reports_stage_responded",
                f"CREATE INDEX reports_stage_responded ON cases_stage ({COLUMNS})",
            ],
        ),
    ]
