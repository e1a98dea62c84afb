"""PostgreSQL: statistics of whether a case is open and whether it is extended, taken together
(issue 19; docs/performance.md, "The queue"; decision 0033).

PostgreSQL takes each column's statistics as independent of the others'. A case's state decides
whether it is open, and it has known that since migration 0015 (`case_state_is_open`); but only
an open case is extended, and that it did not know. So "open and extended" was expected to be 178
cases at a million where 1,836 are (the share of open cases times the share of extended ones).
Planned for so few, the queue's "extended" page by any sort but the deadline read every extended
case from its own index, each from the table, and sorted them (3.2 ms of execution a page),
instead of reading the sort's index of open cases in order and stopping after the page (0.4-0.6
ms). With these statistics (the most common pairs of values and their shares: three pairs) it
expects 2,072. `ANALYZE` fills them, and keeps them with the table's own (the worker's statistics
job), so the table is analysed once here: about a second at a million cases. SQLite has no such
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
            schema_editor.execute(f"ANALYZE {table}", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _kind, _table, _columns in STATISTICS:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}", params=None)


class Migration(migrations.Migration):

    dependencies = [("performance", "0032_tally_spans")]

    operations = [migrations.RunPython(make, drop)]
