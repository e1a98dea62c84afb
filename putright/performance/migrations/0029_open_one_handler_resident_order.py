"""PostgreSQL: one handler's open cases by resident, either way (issue 19; docs/performance.md).

"My cases", where a handler lands, sorted by resident: a "Next" page read the handler's index of
every case of theirs by resident (`case_one_handler_resident_order`, migration 0023: 47,000 at a
million cases, 2,000 of them open) from the position, testing each case for being open on the
table: about 600 entries for a page, 5.7 ms of SQL for the middle page (11 ms in all). Of their
open cases alone, a page is 25 entries (1.3 ms of SQL, 5.3 ms in all). SQLite already reads a
handler's open cases from its own choice of index within the goal (the matrix's slowest "My
cases" page 8.4 ms), so nothing is made there. Not the table: no rebuild. About 45,000 entries
each at a million cases.
"""

from django.db import migrations

INDEXES = [
    ("case_open_one_handler_resident_order", "handler_id, (resident_name IS NULL), resident_name, id"),
    ("case_open_one_handler_resident_order_desc", "handler_id, (resident_name IS NULL), resident_name DESC, id DESC"),
]


def make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cases_case ({columns}) WHERE is_open", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _ in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):

    dependencies = [("performance", "0028_received_counts")]

    operations = [migrations.RunPython(make, drop)]
