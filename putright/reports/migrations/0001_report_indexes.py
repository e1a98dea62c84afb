"""Covering indexes on the case tables for the report's aggregates.

The reports app owns no tables; these live on the cases app's tables and are created here so the
cases models stay as they are. Each index leads with the date a figure goes by and carries every
column that figure reads, so a year's counts are index-only scans: no visit to the table rows,
which sit in whatever order the cases were entered. `IF NOT EXISTS` and plain column lists work
on SQLite and PostgreSQL alike.
"""

from django.db import migrations

INDEXES = [
    # received (by the date the stage began), refused stages left out by acknowledged_on + case_id
    ("reports_stage_requested", "cases_stage", "requested_on, number, acknowledged_on, case_id", ""),
    # responded, within timescale with and without extensions, decisions, working-day averages,
    # open at the end of a period (responded_on null or later)
    ("reports_stage_responded", "cases_stage",
     "responded_on, number, code_respond_by, respond_by, decision, acknowledged_on, requested_on, case_id, id", ""),
    ("reports_stage_acknowledged", "cases_stage", "acknowledged_on, number, acknowledge_by", ""),
    # stage 1 decision of each stage 2 response (decisions changed at stage 2)
    ("reports_stage_case_decision", "cases_stage", "case_id, number, decision", ""),
    # extensions beyond the Code's limit with no good reason: none are made in PutRight, a few
    # may be imported, so this partial index stays tiny
    ("reports_extension_unjustified", "cases_extension", "stage_id", " WHERE beyond_code_limit AND good_reason = ''"),
    ("reports_refusal_refused", "cases_refusal", "refused_on, stage_number, reason, case_id", ""),
    # stage 1 received by tenure and service area, service requests and compliments by area
    # (id last: PostgreSQL's index-only scans need every column read, the key included)
    ("reports_case_received", "cases_case", "kind, received_on, tenure, service_area_id, id", ""),
    ("reports_case_withdrawn", "cases_case", "withdrawn_on, kind, id", " WHERE withdrawn_on IS NOT NULL"),
    # tenure and service area of a case found through its stage 2
    ("reports_case_tenure_area", "cases_case", "id, tenure, service_area_id", ""),
    ("reports_remedy_created", "cases_remedy", "created_at", ""),
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns, where in INDEXES
    ]
