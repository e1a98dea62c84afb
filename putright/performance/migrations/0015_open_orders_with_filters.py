"""The queue's open cases in every sort's order, each index entry carrying the filters' columns.

One partial index of the open cases for each sort of the queue but the handler's (both ways where
the order cannot be read backwards), in the sort's own terms (`SORTS` in
putright/cases/views/queue.py), followed by every column the queue's filters test: whether it is
open (so that no case row is read), kind, state, service area, handler, next deadline, whether
extended, and the id. A page of any of those filters, in any of those orders, reads the
index in order and tests the filters on its entries, never a case row, and stops after the page:
25 entries for the first page, at most every open case's entry (45,000 at a million cases) for
the last. Before, a filter with a sort other than its own index's read the filter's cases and
sorted them all (stage 1 by deadline: 27 ms of SQL), and SQLite, whose sampled statistics rate
every index of a kind alike, read every complaint ever received for the open ones (8 s a page).

The deadline, resident and received orders' indexes are made again under their names with the
columns added (they served the same orders before); the others are new. Three more, of every
case, give "any state, including closed" by state either way and by latest deadline first. No
table is rebuilt: at a million cases (load 4) the eleven indexes took 9.2 s to make on SQLite and
9.1 s on PostgreSQL, and the whole `putright migrate` 24 s and 37 s (PostgreSQL analyses the case
table for the statistics below).
"""

from django.db import migrations

#: What the queue's filters test (putright.cases.views.queue.filtered_cases), and the id it pages.
FILTERED = ["is_open", "kind", "state", "service_area_id", "handler_id", "next_deadline_by", "extended_open", "id"]


def _with_filters(*terms: str) -> str:
    named = {term.split()[0] for term in terms}
    return ", ".join([*terms, *(column for column in FILTERED if column not in named)])


NO_DEADLINE = "(next_deadline_by IS NULL)"
INDEXES = [
    ("case_open_deadline_order", "cases_case", _with_filters(NO_DEADLINE, "next_deadline_by", "received_on", "id"), " WHERE is_open"),
    ("case_open_deadline_order_desc", "cases_case",
     _with_filters(NO_DEADLINE, "next_deadline_by DESC", "received_on DESC", "id DESC"), " WHERE is_open"),
    ("case_open_received_order", "cases_case", _with_filters("received_on", "id"), " WHERE is_open"),
    ("case_open_resident_order", "cases_case", _with_filters("(resident_name IS NULL)", "resident_name", "id"), " WHERE is_open"),
    ("case_open_resident_order_desc", "cases_case",
     _with_filters("(resident_name IS NULL)", "resident_name DESC", "id DESC"), " WHERE is_open"),
    ("case_open_reference_order", "cases_case", _with_filters("reference"), " WHERE is_open"),
    ("case_open_state_order", "cases_case", _with_filters("state", NO_DEADLINE, "next_deadline_by", "id"), " WHERE is_open"),
    ("case_open_state_order_desc", "cases_case",
     _with_filters("state DESC", NO_DEADLINE, "next_deadline_by DESC", "id DESC"), " WHERE is_open"),
    # "Any state, including closed" (no other filter: read in order, nothing tested) by state, or
    # latest deadline first: every case sorted before (a million: 0.7-2 s a page on SQLite).
    ("case_deadline_order_desc", "cases_case", f"{NO_DEADLINE}, next_deadline_by DESC, received_on DESC, id DESC", ""),
    ("case_state_order", "cases_case", f"state, {NO_DEADLINE}, next_deadline_by, id", ""),
    ("case_state_order_desc", "cases_case", f"state DESC, {NO_DEADLINE}, next_deadline_by DESC, id DESC", ""),
]
#: The indexes made again here, as their last migrations made them (for going back).
REMADE = {
    "case_open_deadline_order": "(next_deadline_by IS NULL), next_deadline_by, received_on, id",
    "case_open_received_order": "received_on, id",
    "case_open_resident_order": "(resident_name IS NULL), resident_name, id",
    "case_open_resident_order_desc": "(resident_name IS NULL), resident_name DESC, id DESC",
}


def _back(name: str, table: str, where: str) -> str:
    if name in REMADE:
        return f"DROP INDEX IF EXISTS {name}; CREATE INDEX IF NOT EXISTS {name} ON {table} ({REMADE[name]}){where}"
    return f"DROP INDEX IF EXISTS {name}"


#: PostgreSQL: a case's state decides whether it is open, and its planner, taking the two as
#: independent, expected a stage's 19,000 open cases to be 900 (4.5% open times 2% at stage 1) and
#: sorted them for a page instead of reading the sort's index. Told the dependency, it expects 18,000.
STATISTICS = "case_state_is_open"


def _statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies) ON state, is_open FROM cases_case")
        schema_editor.execute("ANALYZE cases_case")


def _no_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("performance", "0014_handler_deadline_counts")]

    operations = [
        migrations.RunSQL(
            sql=[f"DROP INDEX IF EXISTS {name}", f"CREATE INDEX {name} ON {table} ({columns}){where}"],
            reverse_sql=_back(name, table, where).split("; "),
        )
        for name, table, columns, where in INDEXES
    ] + [migrations.RunPython(_statistics, _no_statistics)]
