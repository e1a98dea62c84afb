"""A handler's own counts ("My cases") read kept rows and small indexes, not the case table
(decision 0014; putright.performance.deadlinecounts, .handlercopies).

- `performance_handlerdeadlinecount`: each handler's open cases by deadline day, +1/-1 rows written
  by the deadline counts' triggers (made, and the counts filled, after every migrate by
  putright.performance.schema).
- The case's handler copied onto the open cases' stages and the actions and remedies not completed
  (cases migration 0017: nullable columns, no rebuild), filled here set-based (the open cases'
  stages: tens of thousands of rows at a million cases) and indexed for each of the handler's
  worklist counts, partial on the rows that carry a copy.
- `case_open_handler_deadline_order`: a handler's open cases in the queue's deadline order, so a
  page of "My cases" (alone or overdue) reads 25 index entries where it read all the handler's
  open cases (or their overdue ones) and sorted them: at a million cases the page's ids took
  2.2-2.6 ms on SQLite and 0.8-1.9 ms on PostgreSQL, now 0.05 and 0.03-0.25 ms.
"""

from django.db import migrations, models

from putright.performance import handlercopies

INDEXES = [
    # Updates owed (and missed) of a handler's open cases: the same rows as stage_update_owed.
    ("stage_update_owed_handler", "cases_stage", "case_handler, next_update_due",
     " WHERE next_update_due IS NOT NULL AND responded_on IS NULL AND case_handler IS NOT NULL"),
    ("action_open_handler_due", "cases_outstandingaction", "case_handler, due_by", " WHERE completed_on IS NULL AND case_handler IS NOT NULL"),
    ("remedy_open_handler_due", "cases_remedy", "case_handler, due_by", " WHERE completed_on IS NULL AND case_handler IS NOT NULL"),
    # The "deadline" sort's terms (`queue.SORTS`, as case_open_deadline_order) after the handler.
    ("case_open_handler_deadline_order", "cases_case", "handler_id, (next_deadline_by IS NULL), next_deadline_by, received_on, id",
     " WHERE is_open"),
]


def analyze(apps, schema_editor):
    """PostgreSQL: the new expression index's statistics, so the planner weighs it (sampled:
    a second or two at a million cases). SQLite analyses after every migrate that applied one."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE cases_case", params=None)


def fill(apps, schema_editor):
    # Only the rows that may carry a copy: every column starts empty, so nothing is to be emptied.
    for sql in handlercopies.refill_sql(schema_editor.connection.vendor)[::2]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0013_theme_deadline_order"),
        ("cases", "0017_worklist_case_handler"),
    ]

    operations = [
        migrations.CreateModel(
            name="HandlerDeadlineCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("handler", models.BigIntegerField()),
                ("day", models.DateField(null=True)),
                ("delta", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["handler", "day", "delta"], name="handler_deadline_count_day")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, columns, where in INDEXES
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
        # Going back: the triggers off first (they name the columns the cases migration removes).
        migrations.RunPython(migrations.RunPython.noop, handlercopies.drop),
    ]
