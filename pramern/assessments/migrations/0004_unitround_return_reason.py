from django.db import migrations, models


def reasons_from_the_audit_log(apps, schema_editor):
    """Rounds returned before the reason had a field: take it from the return's audit entry."""
    UnitRound = apps.get_model("assessments", "UnitRound")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for unit_round in UnitRound.objects.filter(state="returned"):
        entries = AuditEntry.objects.filter(assessment_id=unit_round.assessment_id, action="pramern.round.return")
        reasons = [e.data.get("reason", "") for e in entries.order_by("created", "id") if e.data.get("round") == unit_round.round_code]
        if reasons:
            unit_round.return_reason = reasons[-1]
            unit_round.save(update_fields=["return_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_unitround_delete_roundsubmission_and_more"),
        ("audit", "0002_auditentry_assessment_id_auditentry_item_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitround",
            name="return_reason",
            field=models.TextField(blank=True, verbose_name="reason for return"),
        ),
        migrations.RunPython(reasons_from_the_audit_log, migrations.RunPython.noop),
    ]
