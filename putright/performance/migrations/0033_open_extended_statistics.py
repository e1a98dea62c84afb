"""PostgreSQL: statistics of whether a case is open and whether it is extended, taken together
(issue 19; docs/performance.md, "The queue"; decision 0033).

PostgreSQL takes each column's statistics as independent of the others'. A case's state decides
whether it is open, and it has known that since migration 0015 (`case_state_is_open`); but only
an open case is extended, and that it did not know. So "open and extended" was expected to be 178
cases at a million where 1,836 are (the share of open cases times the share of extended ones).
Planned for so few, the queue's "extended" page by any sort but the deadline read
every extended case from its own index, each from the table, and sorted them (about 2,100
buffers), instead of reading the sort's index of open cases in order and stopping after the page
(282). With these statistics (the most common pairs of values and their shares: three pairs) it
expects 1,265-2,072, and reads the sort's index. `ANALYZE` fills them, and keeps them with the table's own (the worker's statistics
job), so the table is analysed once here if it has cases: about a second at a million. SQLite has no such
statistics: its queue pages name their indexes (`queue_indexes`). `schema.ensure()` makes them
again if a migration ever drops them.
"""

from django.db import migrations

#: (name, kind, table, columns)
STATISTICS = [("case_open_extended_statistics", "mcv", "cases_case", "is_open, extended_open")]


def make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, kind, table, columns in STATISTICS:
            schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} ({kind}) ON {columns} FROM {table}", params=None)
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if cursor.fetchone()[0]:  # an empty table has nothing to count (and a new database is left unanalysed)
                    cursor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _kind, _table, _columns in STATISTICS:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}", params=None)


class Migration(migrations.Migration):

    dependencies = [("performance", "0032_tally_spans")]

    operations = [migrations.RunPython(make, drop)]
