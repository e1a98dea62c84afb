"""The stages of open cases owed an update, in a partial index of their own: the queue's counting
statement then keeps one plan on PostgreSQL instead of being planned on every request.

The queue counts everyone's updates owed and missed (putright.cases.worklists.update_stages:
`next_update_due <= day AND responded_on IS NULL AND case_open`) in one prepared statement with
its other counts (putright.performance.counting). PostgreSQL plans a prepared statement for its
values five times, then compares a plan for any values (its "generic" plan) with those, and keeps
the generic plan only if it does not look dearer. `stage_update_owed` holds every stage awaiting a
response that has a next update date, open case or not (about 88,000 at a million cases, where one
was an open case's), so for any date the planner expected a third of them: a generic cost of
22,000 against 8, and every one of the counts was planned again on every request (0.3-0.4 ms of
the page's SQL). This index holds the open cases' only, so the generic plan costs what the others
do (21.8 against 4.2) and is kept; the counts then take no planning at all. Built at a million
cases in 0.3 s on PostgreSQL (load 3); no table is rebuilt.
"""

from django.db import migrations

INDEXES = [
    ("stage_update_owed_open", "cases_stage", "next_update_due",
     " WHERE next_update_due IS NOT NULL AND responded_on IS NULL AND case_open"),
]


class Migration(migrations.Migration):
    dependencies = [("performance", "0015_open_orders_with_filters")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns, where in INDEXES
    ]
