"""PostgreSQL: the residents table analysed, so the trigram index of UPPER(name) (0010) has its
statistics (performance.names). Without them the planner expected 64 residents for any text of six
letters, and for a text every name has ("esiden" at 200,000 residents) built a bitmap of every
match from the index (19-48 ms) where reading the table until the search's 1,000 are found takes
0.4 ms. Nothing analysed the table after the index was made. Nothing on SQLite. Under a second
at 200,000 residents."""

from django.db import migrations


def analyze(apps, schema_editor):
    from putright.performance import names

    names.analyze(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("performance", "0017_case_counts_by_kind")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
