"""Stage.next_update_due: the next update owed to the resident under an extension's agreed
interval (5.9, 6.6), stored so the queue counts the worklist in SQL. Filled here for the stages
awaiting a response that have an extension with an interval (few)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from putright.cases.calendar import landlord_calendar

    Stage = apps.get_model("cases", "Stage")
    Extension = apps.get_model("cases", "Extension")
    Correspondence = apps.get_model("cases", "Correspondence")
    cal = landlord_calendar()
    for stage in Stage.objects.filter(responded_on__isnull=True, extensions__isnull=False).distinct():
        latest = Extension.objects.filter(stage=stage).order_by("-id").first()
        if not latest.update_every_working_days:
            continue
        sent = (Correspondence.objects.filter(case_id=stage.case_id, direction="out", internal=False)
                .order_by("-occurred_on").values_list("occurred_on", flat=True).first())
        told = [d for d in (latest.resident_told_on, latest.issued_on, sent) if d is not None]
        last = max(told, default=latest.created_at.date())
        Stage.objects.filter(pk=stage.pk).update(next_update_due=cal.add_working_days(last, latest.update_every_working_days))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_merge_0007_steps_issued_0008_triage_read_when_logged"),
    ]

    operations = [
        migrations.AddField(
            model_name="stage",
            name="next_update_due",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
