"""A response, extension or refusal counts as issued only when its letter is (issue 12, item 6).

Steps recorded before this migration count as they were: PutRight did not ask for their letters
then, so each is taken as issued on its own date (a response on its response date, an extension
on the day the resident was told, a refusal on its refusal date), and the late-entry flag moves
to ``response_entered_late``.
"""

from django.db import migrations, models
from django.db.models import F


def as_they_were(apps, schema_editor):
    Stage = apps.get_model("cases", "Stage")
    Extension = apps.get_model("cases", "Extension")
    Refusal = apps.get_model("cases", "Refusal")
    Stage.objects.filter(response_counts_late=True).update(response_entered_late=True)
    Stage.objects.filter(responded_on__isnull=False).update(response_issued_on=F("responded_on"))
    Extension.objects.filter(resident_told_on__isnull=False).update(issued_on=F("resident_told_on"))
    Extension.objects.filter(resident_told_on__isnull=True).update(issued_on=F("previous_respond_by"))
    Refusal.objects.update(issued_on=F("refused_on"))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_recorded_steps"),
    ]

    operations = [
        migrations.AddField(
            model_name="stage",
            name="response_entered_late",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="stage",
            name="response_issued_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="extension",
            name="issued_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="refusal",
            name="issued_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(as_they_were, migrations.RunPython.noop),
    ]
