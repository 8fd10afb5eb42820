"""Staff counts and the records that depend on them (``maximum: staff``): one engine rule for
the limit and the carry-forward, checked the same way wherever counts or records change."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

import pramern.assessments.admin as assessments_admin
from pramern.assessments.models import Record
from pramern.assessments.services import change_staff_counts
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.review.services import transition
from tests.factories import record

CHANGE = "/admin/assessments/assessment/{}/change/"


def test_lowering_the_staff_below_a_recorded_count_is_refused_naming_the_record(client, world):
    record(world.a, "5.1", "respondents", "2024-01-10", value=35)
    client.force_login(world.alice)
    response = client.post(f"/a/{world.a.pk}/staff/", {"staff_R6": "30", "staff_R12": "40"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ข้อ 5.1" in page and "10 ม.ค. 2567" in page and "35" in page
    assert "มากกว่าจำนวนบุคลากรใหม่ของรอบ 6 เดือน (30 คน)" in page
    assert 'value="30"' in page  # what was typed stays
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}
    assert not AuditEntry.objects.filter(action="pramern.assessment.staff_changed").exists()


def test_the_admin_refuses_the_same_lowering(admin_client, world):
    record(world.a, "4.2.4", "developed_staff", "2024-06-30", value=38)
    response = admin_client.post(CHANGE.format(world.a.pk), {"staff_R6": "40", "staff_R12": "30"})
    assert response.status_code == 200
    assert "ข้อ 4.2.4" in response.content.decode()
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}


def test_a_record_over_the_count_already_does_not_block_other_changes(world):
    record(world.a, "5.1", "respondents", "2024-01-10", value=45)  # stored before the rule came
    assert change_staff_counts(world.a, {"R6": 39, "R12": 40}, user=world.alice)
    record(world.a, "5.1", "respondents", "2024-02-10", value=30)
    with pytest.raises(WorkspaceError) as refused:
        change_staff_counts(world.a, {"R6": 20, "R12": 40}, user=world.alice)
    assert any("10 ก.พ. 2567" in p for p in refused.value.problems)
    assert not any("10 ม.ค. 2567" in p for p in refused.value.problems)


def test_the_record_form_checks_a_count_inherited_from_the_previous_round(client, world):
    world.a.staff_counts = {"R6": 20}  # R12 takes R6's 20
    world.a.save()
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/items/5.1/records/respondents/new/",
        {"respondents-date": "15/03/2567", "respondents-value": "21", "respondents-title": "สำรวจ"},
    )
    assert response.status_code == 400
    form = response.context["forms"]["respondents"]
    assert form.errors["value"] == ["21 มากกว่าจำนวนบุคลากรของหน่วยงานในรอบ 12 เดือน (20 คน)"]
    assert not form.non_field_errors()
    page = response.content.decode()
    assert 'value="21"' in page and 'value="สำรวจ"' in page
    assert not Record.objects.exists()


def test_a_refusal_between_the_admin_forms_check_and_the_save_shows_only_the_error(admin_client, world, monkeypatch):
    """A submission that arrives after the form's check and before the save (a race)."""
    check, submitted = assessments_admin.check_staff_counts, []

    def check_then_the_unit_submits(assessment, counts, **kwargs):
        result = check(assessment, counts, **kwargs)
        if not submitted:
            submitted.append(transition(world.a, "R6", "submit", user=world.dan))
        return result

    monkeypatch.setattr(assessments_admin, "check_staff_counts", check_then_the_unit_submits)
    response = admin_client.post(CHANGE.format(world.a.pk), {"staff_R6": "33", "staff_R12": "40"})
    assert response.status_code == 200  # the form again, not a redirect to "changed successfully"
    page = response.content.decode()
    assert "จำนวนบุคลากรของรอบ 6 เดือน เปลี่ยนไม่ได้" in page
    assert 'value="33"' in page
    assert not [m for m in response.context["messages"] if m.level_tag == "success"]
    assert not LogEntry.objects.exists()
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}
    assert not AuditEntry.objects.filter(action="pramern.assessment.staff_changed").exists()


def test_a_file_with_more_staff_than_the_forms_accept_is_not_imported(client, world):
    client.force_login(world.alice)
    export = client.get(f"/a/{world.a.pk}/export.yaml")
    assert export.status_code == 200
    text = export.content.decode().replace("R6: 40", "R6: 200000")
    assert "200000" in text
    response = client.post(
        f"/a/{world.a.pk}/import/", {"file": SimpleUploadedFile("a.yaml", text.encode(), "application/x-yaml")}
    )
    assert response.status_code == 400
    assert "staff_count.R6: expected a whole number of staff from 1 to 100,000, got 200000" in response.content.decode()
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}
