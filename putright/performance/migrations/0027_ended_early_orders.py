"""The cases refused or withdrawn, in each of the queue's sorts: a state a case ends early in, of
everyone's cases, with another filter that only a few of them pass (a theme, a service area)
(issue 19; docs/performance.md, "A state a case ends early in").

Refused and withdrawn cases are a few percent of every case each (at a million cases 36,000 and
44,000). A page of one of those states read the sort's index of every case in order, each case's
state tested on the table, and, with a theme, the theme looked up: "withdrawn" and a theme (one
case in 13) found a page of 25 after about 10,000 cases (10-20 ms on either database). From an
index of the refused and withdrawn cases alone, in the sort's order, the page is found after
about 700 (a state is about half of its entries).

The condition is the states written out: the queue's query says the same words
(`queue_indexes.EndedEarly`), so that both databases know the index holds every case it asks for,
with the state as a parameter (a plan made for any state: decision 0021) and on SQLite, which
reads a partial index only for a query with its condition as written.

By state the index of every case by state already gives one state's cases in order; by deadline
a closed case has none, so that order is the date received's (`queue.query_sort`). At a million
cases, six indexes of 80,000 entries each, 2-4 MB; no table is rebuilt.
"""

from django.db import migrations

#: lifecycle.ENDED_EARLY, written out as the queue's query writes it (queue_indexes.EndedEarly).
ENDED_EARLY = "state IN ('refused', 'withdrawn')"
NO_RESIDENT = "(resident_name IS NULL)"
NO_HANDLER = "(handler_id IS NULL)"
#: (name, table, columns, condition), as `putright.performance.schema` reads them.
INDEXES = [
    ("case_ended_received_order", "cases_case", "received_on, id", f" WHERE {ENDED_EARLY}"),
    ("case_ended_resident_order", "cases_case", f"{NO_RESIDENT}, resident_name, id", f" WHERE {ENDED_EARLY}"),
    ("case_ended_resident_order_desc", "cases_case", f"{NO_RESIDENT}, resident_name DESC, id DESC", f" WHERE {ENDED_EARLY}"),
    ("case_ended_reference_order", "cases_case", "reference", f" WHERE {ENDED_EARLY}"),
    ("case_ended_handler_order", "cases_case", f"{NO_HANDLER}, handler_first_name, handler_username, id", f" WHERE {ENDED_EARLY}"),
    ("case_ended_handler_order_desc", "cases_case", f"{NO_HANDLER}, handler_first_name DESC, handler_username DESC, id DESC",
     f" WHERE {ENDED_EARLY}"),
]


class Migration(migrations.Migration):
    dependencies = [("performance", "0026_handler_and_theme_counts")]

    operations = [
        migrations.RunSQL(sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}", reverse_sql=f"DROP INDEX IF EXISTS {name}")
        for name, table, columns, where in INDEXES
    ]
