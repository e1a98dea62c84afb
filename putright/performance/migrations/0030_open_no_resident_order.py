"""PostgreSQL: everyone's open cases with no resident, in id order (issue 19; docs/performance.md).

The open cases by resident put those with no resident last (80% of them at the benchmark's
scale), in id order, in `case_open_resident_order` ("(resident_name IS NULL), resident_name,
id"). A "Next" page deep in that group says `resident_name IS NULL AND id > position`, but
PostgreSQL matches `resident_name IS NULL` to the index's first term, not to the column, so the
id is no range there: the group was read from its first entry (stage 2 by resident, page 196:
3,472 index pages, 3.1 ms). Every case has its own index of that group (the primary key, by id:
`queue_indexes.EMPTY_APART`); this is the open cases', with the columns the queue's filters test
carried so a page is read from the index alone (`queue_indexes.OPEN_APART`). SQLite reads the
group as a range of the sort's own index: nothing is made there. About 35,000 entries at a
million cases.
"""

from django.db import migrations

NAME = "case_open_no_resident_order"
COLUMNS = "id"
CARRIED = "kind, state, service_area_id, handler_id, next_deadline_by, extended_open"


def make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON cases_case ({COLUMNS}) INCLUDE ({CARRIED}) "
                              f"WHERE is_open AND resident_name IS NULL", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}", params=None)


class Migration(migrations.Migration):

    dependencies = [("performance", "0029_open_one_handler_resident_order")]

    operations = [migrations.RunPython(make, drop)]
