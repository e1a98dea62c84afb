"""A theme's cases of every state by date received, either way: "including closed" with a theme,
oldest or newest first (docs/performance.md; decision 0018).

Each case theme row carries the case's date received (copied when the theme is given: it never
changes), so the theme's rows in that order are one range of this index, 25 entries a page.
Paged from the sort's index of every case instead, a theme given only to recent cases (a theme
new this year) would read every case received before its first one, oldest first.

One index of the theme rows (1.5 million at a million cases: about 45 MB on PostgreSQL, 30 MB on
SQLite); no table is rebuilt.
"""

from django.db import migrations

#: (name, table, columns, condition), as `putright.performance.schema` reads them.
INDEXES = [("case_theme_received", "cases_case_themes", "theme_id, received_on, case_id", "")]


class Migration(migrations.Migration):
    dependencies = [("performance", "0023_one_handler_every_case")]

    operations = [
        migrations.RunSQL(sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})", reverse_sql=f"DROP INDEX IF EXISTS {name}")
        for name, table, columns, _ in INDEXES
    ]
