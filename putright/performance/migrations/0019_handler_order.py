"""The queue sorted by handler, read from indexes (putright.performance.handlernames).

The handler's first name and username are copied onto the case (cases migration 0018, kept by
triggers that putright.performance.schema makes after every migrate; filled here, set-based) and
indexed in the queue's order (`SORTS["handler"]`: no handler last, first name, username, id), as
migration 0015 indexes the other sorts:
- the open cases, each entry carrying every filter's column, one index each way (no handler stays
  last both ways, so the order cannot be read backwards);
- one handler's open cases (a handler chosen, or "My cases"): after the handler, in the same order,
  each way, so a page reads 25 entries of that handler's where the index of everyone's open cases
  was read until it reached them;
- every case, each way, for "any state, including closed".
Before, the users were joined and all of the filter's cases sorted: 80-300 ms a page of all open
cases on SQLite at a million cases, a million rows sorted with "including closed".
"""

import importlib

from django.db import migrations

from putright.performance import handlernames

#: The sort's terms, then every column the queue's filters test, as migration 0015's indexes.
_with_filters = importlib.import_module("putright.performance.migrations.0015_open_orders_with_filters")._with_filters

NO_HANDLER = "(handler_id IS NULL)"
ORDER = f"{NO_HANDLER}, handler_first_name, handler_username, id"
ORDER_DESC = f"{NO_HANDLER}, handler_first_name DESC, handler_username DESC, id DESC"
INDEXES = [
    ("case_open_handler_order", "cases_case", _with_filters(NO_HANDLER, "handler_first_name", "handler_username", "id"), " WHERE is_open"),
    ("case_open_handler_order_desc", "cases_case",
     _with_filters(NO_HANDLER, "handler_first_name DESC", "handler_username DESC", "id DESC"), " WHERE is_open"),
    ("case_open_one_handler_order", "cases_case", _with_filters("handler_id", NO_HANDLER, "handler_first_name", "handler_username", "id"),
     " WHERE is_open"),
    ("case_open_one_handler_order_desc", "cases_case",
     _with_filters("handler_id", NO_HANDLER, "handler_first_name DESC", "handler_username DESC", "id DESC"), " WHERE is_open"),
    ("case_handler_order", "cases_case", ORDER, ""),
    ("case_handler_order_desc", "cases_case", ORDER_DESC, ""),
]


def fill(apps, schema_editor):
    # Every column starts empty: only the cases with a handler are written.
    schema_editor.execute(handlernames.refill_sql(schema_editor.connection.vendor)[0], params=None)


def analyze(apps, schema_editor):
    """PostgreSQL: the new expression indexes' statistics, so the planner weighs them. SQLite
    analyses after every migrate that applied one (putright.performance.schema)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE cases_case", params=None)


class Migration(migrations.Migration):
    dependencies = [("performance", "0018_resident_name_statistics"), ("cases", "0018_handler_name_copied")]

    operations = [
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
        migrations.RunPython(migrations.RunPython.noop, handlernames.drop),
    ]
