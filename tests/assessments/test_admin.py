"""The Django admin for assessments and the Centre's data: it changes nothing the workspace's
services guard (round locks, audit, score cards) except through those services."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from pramern.assessments.models import Assessment, Evidence, Record, UnitRound
from pramern.assessments.services import add_file_evidence
from pramern.audit.models import AuditEntry
from pramern.audit.services import log_action
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.reports.models import ScoreCard
from pramern.review.models import Comment, DeadlineExtension
from pramern.review.services import add_comment, grant_extension, transition
from tests.factories import record, unit

CHANGE = "/admin/assessments/assessment/{}/change/"


def staff_form(world, r6: int, r12: int, **extra):
    """What the change form posts, before and after the fix: the old JSON field and the new
    per-round fields (each version ignores the other's)."""
    return {
        "unit": world.unit_a.pk,
        "framework": world.framework.pk,
        "staff_counts": f'{{"R6": {r6}, "R12": {r12}}}',
        "staff_R6": str(r6),
        "staff_R12": str(r12),
        **extra,
    }


def test_the_admin_refuses_staff_counts_of_a_submitted_round_saying_why(admin_client, world):
    transition(world.a, "R6", "submit", user=world.dan)
    assert "อ่านอย่างเดียว: รอบ 6 เดือน ส่งแล้วเมื่อ" in admin_client.get(CHANGE.format(world.a.pk)).content.decode()
    response = admin_client.post(CHANGE.format(world.a.pk), staff_form(world, 10, 40))
    page = response.content.decode()
    assert response.status_code == 200
    assert "จำนวนบุคลากรของรอบ 6 เดือน เปลี่ยนไม่ได้" in page and "ส่งแล้วเมื่อ" in page
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}
    assert not AuditEntry.objects.filter(action__startswith="pramern.assessment.").exists()


def test_the_admin_changes_staff_counts_of_open_rounds_through_the_service(
    admin_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGE.format(world.a.pk), staff_form(world, 30, 32))
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 30, "R12": 32}
    entry = AuditEntry.objects.get(action="pramern.assessment.staff_changed")
    assert entry.actor.username == "admin" and entry.assessment_id == world.a.pk
    assert entry.data == {"before": {"R6": 40, "R12": 40}, "after": {"R6": 30, "R12": 32}}
    assert ScoreCard.objects.filter(assessment=world.a).count() == 2  # refreshed after the change


def test_unit_and_framework_are_read_only_once_created(admin_client, world):
    other = unit("oae-r9", "สำนักงานเศรษฐกิจการเกษตรที่ 9")
    response = admin_client.post(CHANGE.format(world.a.pk), staff_form(world, 40, 40, unit=other.pk))
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.unit == world.unit_a
    page = admin_client.get(CHANGE.format(world.a.pk)).content.decode()
    assert 'name="unit"' not in page and 'name="framework"' not in page and 'name="staff_counts"' not in page
    assert 'name="staff_R6"' in page and 'value="40"' in page


def test_the_admin_checks_the_staff_counts_it_is_given(admin_client, world):
    response = admin_client.post(CHANGE.format(world.a.pk), staff_form(world, 0, 40))
    assert response.status_code == 200
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}


def test_a_new_assessment_is_created_audited_with_checked_staff_counts(admin_client, world):
    other = unit("oae-r9", "สำนักงานเศรษฐกิจการเกษตรที่ 9")
    form = {"unit": other.pk, "framework": world.framework.pk}
    bad = admin_client.post("/admin/assessments/assessment/add/", {**form, "staff_counts": '{"R24": 5}'})
    assert bad.status_code == 200 and "R24" in bad.content.decode()
    good = admin_client.post("/admin/assessments/assessment/add/", {**form, "staff_counts": '{"R6": 12}'})
    assert good.status_code == 302
    created = Assessment.objects.get(unit=other)
    assert created.staff_counts == {"R6": 12}
    assert AuditEntry.objects.filter(action="pramern.assessment.created", assessment_id=created.pk).count() == 1


def test_an_assessment_with_data_cannot_be_deleted_in_the_admin(admin_client, world):
    record(world.a, "1.2.2", "followups", "2024-03-15")
    assert admin_client.post(f"/admin/assessments/assessment/{world.a.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=world.a.pk).exists()
    empty = admin_client.post(f"/admin/assessments/assessment/{world.b.pk}/delete/", {"post": "yes"})
    assert empty.status_code == 302 and not Assessment.objects.filter(pk=world.b.pk).exists()
    assert AuditEntry.objects.filter(action="pramern.assessment.deleted").count() == 1


def test_frameworks_are_neither_added_nor_deleted_in_the_admin(admin_client, world):
    assert admin_client.get("/admin/frameworks/framework/add/").status_code == 403
    assert admin_client.post("/admin/frameworks/framework/add/", {}).status_code == 403
    url = f"/admin/frameworks/framework/{world.framework.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Framework.objects.count() == 1 and RoundSchedule.objects.count() == 2


def test_every_other_change_form_of_assessed_data_is_read_only(admin_client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    evidence = add_file_evidence(
        world.a, SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n"), user=world.alice, records=[rec]
    )
    transition(world.a, "R6", "submit", user=world.dan)
    grant_extension(world.b, "R6", dt.date.today() + dt.timedelta(days=30), reason="น้ำท่วม", user=world.eve)
    add_comment(world.a, "1.2.2", "ขอหลักฐานเพิ่ม", user=world.eve)
    log_action("pramern.test", rec, actor=world.eve)
    objects = {
        "assessments/record": rec,
        "assessments/evidence": evidence,
        "assessments/unitround": UnitRound.objects.get(),
        "review/deadlineextension": DeadlineExtension.objects.get(),
        "review/comment": Comment.objects.get(),
        "audit/auditentry": AuditEntry.objects.first(),
    }
    for path, obj in objects.items():
        assert admin_client.post(f"/admin/{path}/{obj.pk}/change/", {"title": "x"}).status_code == 403, path
        assert admin_client.post(f"/admin/{path}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403, path
        assert admin_client.get(f"/admin/{path}/add/").status_code == 403, path
    assert Record.objects.get().title == "" and Evidence.objects.count() == 1


def test_every_admin_column_header_is_in_thai():
    english = []
    with translation.override("th"):
        for model, model_admin in admin.site._registry.items():
            for name in model_admin.list_display:
                label = str(label_for_field(name, model, model_admin))
                if not any("\u0e00" <= ch <= "\u0e7f" for ch in label) and label not in {"SHA-256", "ID"}:
                    english.append(f"{model._meta.label}.{name}: {label}")
    assert english == [], english
