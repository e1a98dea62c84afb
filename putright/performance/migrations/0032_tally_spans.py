"""The report's kept counts added up by quarter and by reporting year as well as by month
(putright.performance.tallies, `span`): a year's figures read one row a group, not twelve.

Existing rows are months (span 1). The quarters and years are added up at the next refresh: the
tallies' version changed with this, so they are counted again whole.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("performance", "0031_open_no_deadline_state_order")]

    operations = [
        migrations.RemoveConstraint(model_name="monthtally", name="one_tally_row"),
        migrations.RemoveIndex(model_name="monthtally", name="tally_source_month"),
        migrations.AddField(
            model_name="monthtally",
            name="span",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="The months the row adds up: 1, counted from the cases; 3 (a quarter) or 12 (a reporting "
                                     "year), the sums of that quarter's or year's month rows."),
        ),
        migrations.AlterField(
            model_name="monthtally",
            name="month",
            field=models.DateField(help_text="The first day of the month, or of the quarter or year the row adds up."),
        ),
        migrations.AddConstraint(
            model_name="monthtally",
            constraint=models.UniqueConstraint(fields=["source", "span", "month", "number", "dims"], name="one_tally_row"),
        ),
        migrations.AddIndex(
            model_name="monthtally",
            index=models.Index(fields=["source", "span", "month"], name="tally_source_month"),
        ),
    ]
