"""A case's reads newest first, with what "Viewed by" shows of each (issue 19, docs/performance.md).

The case page lists who read the case among its last 500 reads (`audit.views.viewed_by`). The
index by case and time alone did not give the order to the read (its ties by id) nor hold the
reader, so PostgreSQL's plan for any case read all of the case's reads from the case's own index
and sorted them: 2.7 ms for a case read 3,371 times. This index holds the order and the columns:
the last 500 are read from it alone, in order (1.3 ms), on both databases. It replaces the index
by case and time. Only reads of a case are in it (most reads are of a resident's record, a file,
an export).

The index of the case column alone stays: it is the foreign key's, and taking it away would make
SQLite copy the whole access log into a new table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="readevent",
            index=models.Index(fields=["case", "-at", "-id", "actor", "actor_label"], name="readevent_case_newest",
                               condition=models.Q(case__isnull=False)),
        ),
        migrations.RemoveIndex(model_name="readevent", name="audit_reade_case_id_9feab5_idx"),
    ]
