"""Deleting evidence: the unit's people (while no closed round relies on it), administrators
(purge, with a reason, whatever the locks), and orphans (listed, purged by a command)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from pramern.assessments.models import Evidence
from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.audit.models import AuditEntry
from pramern.review.models import Verdict
from pramern.review.services import transition
from tests.assessments.test_evidence import PDF_BYTES
from tests.factories import record


def upload(world, records, name="บัตรประชาชน.pdf"):
    return add_file_evidence(world.a, SimpleUploadedFile(name, PDF_BYTES), user=world.alice, records=records)


def delete_url(world, evidence, item=""):
    return f"/a/{world.a.pk}/evidence/{evidence.pk}/delete/" + (f"?item={item}" if item else "")


@pytest.fixture
def r12_evidence(world):
    """A file supporting a record dated in R12 only (open while R6 is submitted)."""
    return upload(world, [record(world.a, "1.2.2", "followups", "2024-06-15")])


def test_the_unit_deletes_evidence_after_confirming(client, world, r12_evidence, django_capture_on_commit_callbacks):
    name = r12_evidence.file.name
    client.force_login(world.alice)
    item_page = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert f'href="{delete_url(world, r12_evidence, "1.2.2")}"' in item_page
    confirm = client.get(delete_url(world, r12_evidence, "1.2.2"))
    assert confirm.status_code == 200 and "บัตรประชาชน.pdf" in confirm.content.decode()
    assert Evidence.objects.filter(pk=r12_evidence.pk).exists()  # asking deletes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(world, r12_evidence, "1.2.2"))
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/items/1.2.2/"
    assert not Evidence.objects.exists()
    assert not default_storage.exists(name)
    entry = AuditEntry.objects.get(action="pramern.evidence.deleted")
    assert entry.item_code == "1.2.2" and entry.actor == world.alice
    before = entry.data["before"]
    assert (before["name"], before["size"], before["sha256"]) == (
        "บัตรประชาชน.pdf",
        len(PDF_BYTES),
        r12_evidence.sha256,
    )
    assert client.get(f"/evidence/{r12_evidence.pk}/").status_code == 404


def test_evidence_a_submitted_round_relies_on_is_refused_with_the_reason(client, world):
    evidence = upload(world, [record(world.a, "1.2.2", "followups", "2024-01-15")])
    transition(world.a, "R6", "submit", user=world.dan)
    client.force_login(world.alice)
    response = client.post(delete_url(world, evidence))
    assert response.status_code == 400
    assert "ส่งแล้วเมื่อ" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists() and default_storage.exists(evidence.file.name)


def test_deleting_evidence_withdraws_the_verdict_on_its_records(client, world, r12_evidence):
    rec = r12_evidence.records.get()
    Verdict.objects.create(record=rec, status="accepted", decided_by=world.eve, decided_at=timezone.now())
    client.force_login(world.dan)
    assert client.post(delete_url(world, r12_evidence)).status_code == 302
    assert not Verdict.objects.exists()


def test_other_units_get_404_and_readers_403(client, world, r12_evidence):
    for person, status in [(world.bob, 404), (world.eve, 403), (world.xena, 403), (world.adam, 403)]:
        client.force_login(person)
        assert client.get(delete_url(world, r12_evidence)).status_code == status, person
        assert client.post(delete_url(world, r12_evidence)).status_code == status, person
    client.force_login(world.bob)  # through bob's own assessment: still not found
    assert client.post(f"/a/{world.b.pk}/evidence/{r12_evidence.pk}/delete/").status_code == 404
    client.logout()
    assert client.post(delete_url(world, r12_evidence)).status_code == 302  # to the login page
    assert Evidence.objects.count() == 1


def test_an_administrator_purges_any_file_with_a_reason(
    admin_client, client, world, django_capture_on_commit_callbacks
):
    evidence = upload(world, [record(world.a, "1.2.2", "followups", "2024-01-15")])
    transition(world.a, "R6", "submit", user=world.dan)
    url = f"/admin/assessments/evidence/{evidence.pk}/purge/"
    assert url in admin_client.get("/admin/assessments/evidence/").content.decode()
    assert "บัตรประชาชน.pdf" in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"reason": "  "}).status_code == 200  # a reason is required
    assert Evidence.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"reason": "มีเลขบัตรประชาชน"})
    assert response.status_code == 302
    assert not Evidence.objects.exists() and not default_storage.exists(evidence.file.name)
    entry = AuditEntry.objects.get(action="pramern.evidence.purged")
    assert entry.data["reason"] == "มีเลขบัตรประชาชน" and entry.actor.username == "admin"
    assert entry.data["before"]["sha256"] == evidence.sha256 and entry.data["before"]["size"] == len(PDF_BYTES)
    assert entry.data["before"]["name"] == "บัตรประชาชน.pdf" and entry.item_code == "1.2.2"

    client.force_login(world.alice)
    gone = client.get(f"/evidence/{evidence.pk}/")
    assert gone.status_code == 404 and "ไม่พบหน้านี้" in gone.content.decode()


def test_staff_who_are_not_administrators_cannot_purge(client, world, r12_evidence):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_evidence"))
    client.force_login(clerk)
    assert "/purge/" not in client.get("/admin/assessments/evidence/").content.decode()
    assert client.post(f"/admin/assessments/evidence/{r12_evidence.pk}/purge/", {"reason": "x"}).status_code == 403
    assert Evidence.objects.exists()


def test_orphans_are_listed_for_the_unit_and_in_the_admin(admin_client, client, world, r12_evidence):
    orphan = add_link_evidence(world.a, "https://example.org/forgotten", title="ลืมแนบ", user=world.alice)
    page = admin_client.get("/admin/assessments/evidence/?orphan=yes").content.decode()
    assert "https://example.org/forgotten" in page and "บัตรประชาชน.pdf" not in page
    client.force_login(world.alice)
    home = client.get(f"/a/{world.a.pk}/").content.decode()
    assert 'id="orphan-evidence"' in home and delete_url(world, orphan) in home
    client.force_login(world.eve)
    assert 'id="orphan-evidence"' not in client.get(f"/a/{world.a.pk}/").content.decode()


def test_the_orphan_command_lists_and_purges_old_orphans(world, r12_evidence, django_capture_on_commit_callbacks):
    old = upload(world, [], name="ผิดไฟล์.pdf")
    Evidence.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    recent = add_link_evidence(world.a, "https://example.org/new", user=world.alice)

    out = io.StringIO()
    call_command("list_orphan_evidence", stdout=out)
    assert "ผิดไฟล์.pdf" in out.getvalue() and "2 orphan evidence found" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("list_orphan_evidence", "--purge")

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("list_orphan_evidence", "--purge", "--older-than", "30", stdout=out)
    assert "1 orphan evidence removed" in out.getvalue()
    assert set(Evidence.objects.values_list("pk", flat=True)) == {r12_evidence.pk, recent.pk}
    assert not default_storage.exists(old.file.name)
    entry = AuditEntry.objects.get(action="pramern.evidence.purged")
    assert entry.actor_name == "system" and entry.data["before"]["name"] == "ผิดไฟล์.pdf"
