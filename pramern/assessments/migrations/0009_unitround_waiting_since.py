from django.db import migrations, models


def backfill(apps, schema_editor):
    """Rounds already with the Centre wait since their resubmission, else since their submission."""
    UnitRound = apps.get_model("assessments", "UnitRound")
    UnitRound.objects.filter(state="resubmitted").update(waiting_since=models.F("state_changed_at"))
    UnitRound.objects.exclude(state__in=["draft", "resubmitted"]).update(waiting_since=models.F("submitted_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_item_assignment"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitround",
            name="waiting_since",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="waiting for the Evaluation Centre since"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
