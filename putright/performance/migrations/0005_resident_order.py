"""The queue sorted by resident, read from an index (putright.performance.copies).

The resident's name is copied onto the case (cases migration 0011, kept by triggers that
putright.performance.schema makes after every migrate), and indexed in the queue's order: by
name, cases with no resident last, then by id; one index each way, since "no resident" stays
last in both. Before, every open case was joined to its resident and sorted (130 ms a page at a
million cases; every case with "including closed").
"""

from django.db import migrations

from putright.performance import copies

ORDER = "(resident_name IS NULL), resident_name, id"
ORDER_DESC = "(resident_name IS NULL), resident_name DESC, id DESC"
INDEXES = [
    ("case_open_resident_order", "cases_case", ORDER, " WHERE is_open"),
    ("case_open_resident_order_desc", "cases_case", ORDER_DESC, " WHERE is_open"),
    ("case_resident_order", "cases_case", ORDER, ""),
    ("case_resident_order_desc", "cases_case", ORDER_DESC, ""),
]

FILL = ("UPDATE cases_case SET resident_name = (SELECT name FROM residents_resident WHERE id = cases_case.resident_id) "
        "WHERE resident_id IS NOT NULL")


class Migration(migrations.Migration):
    dependencies = [("performance", "0004_worklist_indexes"), ("cases", "0011_resident_name_copied")]

    operations = [
        migrations.RunSQL(sql=FILL, reverse_sql=migrations.RunSQL.noop),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, columns, where in INDEXES
        ),
        # The triggers are made after every migrate (putright.performance.schema); going back, off first.
        migrations.RunPython(migrations.RunPython.noop, copies.drop),
    ]
