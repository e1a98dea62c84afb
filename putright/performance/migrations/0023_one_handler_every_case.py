"""One handler's cases, open and closed, in each of the queue's sorts: "including closed" (or a
closed state) with "My cases" or a handler chosen (issue 19; docs/performance.md).

A handler has about a twentieth of every case (47,000 at a million cases, 2,000 of them open).
Their open cases have indexes after the handler (migrations 0014 and 0019); with the closed
ones the queue read all of the handler's cases from the handler's own index and sorted them
(SQLite: 100-240 ms a page), or, on PostgreSQL, read the sort's index of every case until it had
found a page of theirs: by handler, their cases are bunched in one place of that order (1.2 s for
page 1 of "My cases" by handler, latest first), and by resident the bench handler's come after
every case with a resident.

So the handler, then each sort's terms (`SORTS` in putright/cases/views/queue.py), of every case:
a page reads 25 entries of the handler's, whatever the sort and however deep (with the "Next"
link's position: decision 0016). Date received and the reference read either way; the sorts whose
terms change direction (an "is empty" term stays ascending) have a `_desc` twin. By handler, one
handler's cases have the same handler names, so their order is their ids' (`queue_indexes`):
SQLite's own index of `handler_id` is that order (its entries end in the row id); PostgreSQL's
orders equal values by their place in the table, so it gets `case_one_handler_id_order`.

At a million cases: eight indexes (nine on PostgreSQL), 17-35 MB each on SQLite and
35-70 MB each on PostgreSQL; no table is rebuilt.
"""

from django.db import migrations

NO_DEADLINE = "(next_deadline_by IS NULL)"
NO_RESIDENT = "(resident_name IS NULL)"
#: (name, table, columns, condition) of every case, the handler first (as `putright.performance.schema` reads them).
INDEXES = [
    ("case_one_handler_deadline_order", "cases_case", f"handler_id, {NO_DEADLINE}, next_deadline_by, received_on, id", ""),
    ("case_one_handler_deadline_order_desc", "cases_case", f"handler_id, {NO_DEADLINE}, next_deadline_by DESC, received_on DESC, id DESC", ""),
    ("case_one_handler_received_order", "cases_case", "handler_id, received_on, id", ""),
    ("case_one_handler_resident_order", "cases_case", f"handler_id, {NO_RESIDENT}, resident_name, id", ""),
    ("case_one_handler_resident_order_desc", "cases_case", f"handler_id, {NO_RESIDENT}, resident_name DESC, id DESC", ""),
    ("case_one_handler_reference_order", "cases_case", "handler_id, reference", ""),
    ("case_one_handler_state_order", "cases_case", f"handler_id, state, {NO_DEADLINE}, next_deadline_by, id", ""),
    ("case_one_handler_state_order_desc", "cases_case", f"handler_id, state DESC, {NO_DEADLINE}, next_deadline_by DESC, id DESC", ""),
]
#: PostgreSQL only: one handler's cases by id (SQLite's index of handler_id already ends in the id).
BY_ID = ("case_one_handler_id_order", "handler_id, id")


def by_id(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {BY_ID[0]} ON cases_case ({BY_ID[1]})", params=None)


def no_by_id(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {BY_ID[0]}", params=None)


def analyze(apps, schema_editor):
    """PostgreSQL: the expression indexes' statistics, so the planner weighs them at once. SQLite
    analyses after every migrate that applied one (putright.performance.schema)."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM cases_case)")
            if not cursor.fetchone()[0]:
                return  # nothing to weigh: statistics of an empty table would say it stays empty
        schema_editor.execute("ANALYZE cases_case", params=None)


class Migration(migrations.Migration):
    dependencies = [("performance", "0022_case_counts_by_area")]

    operations = [
        *(
            migrations.RunSQL(sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})", reverse_sql=f"DROP INDEX IF EXISTS {name}")
            for name, table, columns, _ in INDEXES
        ),
        migrations.RunPython(by_id, no_by_id),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
