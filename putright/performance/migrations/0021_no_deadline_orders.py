"""PostgreSQL: the cases without a next deadline (every closed case, and the open ones waiting on
nothing: 977,000 of a million), indexed in the order the queue's sorts give them within that group,
for the "Next" pages deep inside it (putright.cases.views.queue_keyset, queue_indexes.EMPTY_APART):

- `case_no_deadline_order` (date received, id): the deadline sort's order among them, either way;
- `case_no_deadline_state_order` (state, id): the state sort's, either way.

The sorts' own indexes of every case (`case_deadline_order`, `case_state_order`, migrations 0001
and 0015) begin "(next_deadline_by IS NULL), next_deadline_by, …", and PostgreSQL matches a query's
`next_deadline_by IS NULL` to that first, boolean term, never to the column after it: the rest of
the row was no range, and a page deep in the group read it from the start ("including closed"
page 20,000 by "Next": 500,000 entries, 23-45 ms). SQLite reads the group as a range of the sort's
own index, so nothing is made there. Not the table: no rebuild. At a million cases each took about
2 s to make (29 and 30 MB).
"""

from django.db import migrations

INDEXES = [
    ("case_no_deadline_order", "received_on, id"),
    ("case_no_deadline_state_order", "state, id"),
]


def make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cases_case ({columns}) WHERE next_deadline_by IS NULL", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _ in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("performance", "0020_revisions")]

    operations = [migrations.RunPython(make, drop)]
