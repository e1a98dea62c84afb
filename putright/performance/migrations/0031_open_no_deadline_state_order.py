"""The open cases with no next deadline, by state and date received (issue 19; docs/performance.md).

A service request open, or a stage answered and not escalated, has no next deadline
(`lifecycle.deadline_field`): by deadline, the queue's default sort, such a state's cases are in
the order of the date received. No index held that order for one state. PostgreSQL read the
state's every entry of the index by state and sorted them ("open", 15,619 cases at a million:
2.6-2.8 ms of SQL with compact indexes, 17-29 ms with the bloated ones of a fresh build); SQLite
read the index by deadline past every open case with a deadline (23,000 entries) to reach them.
Here a state's range is its cases in that order, each entry carrying the columns the queue's
filters test, on both databases (`queue_indexes.OPEN_NO_DEADLINE_ORDER`). About 21,600 entries at
a million cases.
"""

from django.db import migrations

INDEXES = [
    ("case_open_no_deadline_state_order", "cases_case",
     "state, received_on, id, is_open, kind, service_area_id, handler_id, next_deadline_by, extended_open",
     " WHERE is_open AND next_deadline_by IS NULL"),
]


class Migration(migrations.Migration):
    dependencies = [("performance", "0030_open_no_resident_order")]

    operations = [
        migrations.RunSQL(sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}", reverse_sql=f"DROP INDEX IF EXISTS {name}")
        for name, table, columns, where in INDEXES
    ]
