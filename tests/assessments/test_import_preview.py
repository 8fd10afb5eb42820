"""Importing a file in two steps: the preview says what would be added, changed (field by field)
and removed; nothing changes until the uploader confirms; the import is not offered, and refused,
when it is not allowed."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import PendingImport, Record
from pramern.audit.models import AuditEntry
from pramern.frameworks.models import RoundSchedule
from tests.factories import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    """Unit A's three records: a follow-up, a survey count and a flow chart."""
    followup = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    survey = record(world.a, "5.1", "respondents", "2024-06-30", value=22)
    chart = record(world.a, "6.1", "flowcharts", "2024-03-02", section="s1", task="งานสารบรรณ", meets_standard=True)
    return followup, survey, chart


def edited_file(client, world) -> SimpleUploadedFile:
    """Unit A's export with the survey count 22 → 25, the flow chart removed, a follow-up added
    and the R12 staff count 40 → 42."""
    data = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content.decode())
    data["items"]["5.1"]["respondents"][0]["value"] = 25
    del data["items"]["6.1"]
    data["items"]["1.2.2"]["followups"].append({"date": "2024-05-20", "title": "ติดตามครั้งที่สอง"})
    data["staff_count"] = {"R6": 40, "R12": 42}
    return SimpleUploadedFile("แก้ไข.yaml", yaml.safe_dump(data, allow_unicode=True).encode())


def upload(client, world, file) -> str:
    """Upload ``file``; the preview page's text (the upload itself changes no record)."""
    response = client.post(f"/a/{world.a.pk}/import/", {"file": file})
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/import/preview/"
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    return preview.content.decode()


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found, name
    return found.group(1)


def state(world) -> list[tuple]:
    return sorted(
        (r.item_code, r.fact, r.date.isoformat(), r.title, sorted(r.data.items()))
        for r in Record.objects.filter(assessment=world.a)
    )


def section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start : page.index("</section>", start)]


# ---- the preview -------------------------------------------------------------------------------


def test_the_preview_lists_what_is_added_changed_and_removed(client, world, records):
    client.force_login(world.alice)
    before = state(world)
    page = upload(client, world, edited_file(client, world))
    assert state(world) == before  # nothing changed by the upload
    assert "ยังไม่มีการเปลี่ยนแปลงใด ๆ" in page
    summary = section(page, "import-summary")
    assert "เพิ่ม 1 รายการบันทึก" in summary
    assert "เปลี่ยน 1 รายการบันทึก" in summary
    assert "ลบ 1 รายการบันทึก" in summary
    assert "ไม่เปลี่ยน 1 รายการบันทึก" in summary

    added = section(page, "import-added")
    assert "1.2.2" in added and "การติดตามผลการดำเนินงาน · 20 พ.ค. 2567 · ติดตามครั้งที่สอง" in added
    assert "6.1" not in added and "5.1" not in added

    changed = section(page, "import-changed")
    # field by field: the survey count, before and after, nothing else of it
    assert re.search(r"<td>จำนวน</td><td>22</td><td>25</td>", changed)
    assert "30 มิ.ย. 2567" in changed and "1.2.2" not in changed

    removed = section(page, "import-removed")
    assert "Flow Chart ขั้นตอนการปฏิบัติงาน · 2 มี.ค. 2567" in removed
    assert "งาน: งานสารบรรณ" in removed and "เป็นไปตามมาตรฐานการจัดทำ Flow Chart: ใช่" in removed

    staff = section(page, "import-staff")
    assert re.search(r"<td>[^<]*รอบ 12 เดือน[^<]*</td><td>40</td><td>42</td>", staff)
    assert "รอบ 6 เดือน" not in staff  # R6 stays 40


def test_a_file_written_by_hand_is_matched_by_content(client, world, records):
    """Without record ids, a record the file holds unchanged is neither removed nor added."""
    client.force_login(world.alice)
    data = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content.decode())
    for facts in data["items"].values():
        for entries in facts.values():
            for entry in entries:
                entry.pop("id")
    data["items"]["1.2.2"]["followups"][0]["presented_to_director"] = False
    page = upload(client, world, SimpleUploadedFile("hand.yaml", yaml.safe_dump(data, allow_unicode=True).encode()))
    summary = section(page, "import-summary")
    assert "ไม่เปลี่ยน 2 รายการบันทึก" in summary
    # the follow-up no longer presented differs in content: without an id it is one removed, one added
    assert "เพิ่ม 1 รายการบันทึก" in summary and "ลบ 1 รายการบันทึก" in summary
    assert "เสนอ ผอ. ทราบ: ใช่" in section(page, "import-removed")


# ---- cancel and confirm ------------------------------------------------------------------------


def test_cancel_changes_nothing(client, world, records):
    client.force_login(world.alice)
    before = state(world)
    page = upload(client, world, edited_file(client, world))
    response = client.post(f"/a/{world.a.pk}/import/preview/", {"action": "cancel", "token": hidden(page, "token")})
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/"
    assert state(world) == before and not PendingImport.objects.exists()
    assert not AuditEntry.objects.filter(action="pramern.assessment.imported").exists()
    # the cancelled upload cannot be confirmed afterwards
    confirm = {"action": "confirm", "token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")}
    again = client.post(f"/a/{world.a.pk}/import/preview/", confirm)
    assert again.status_code == 302 and again["Location"] == f"/a/{world.a.pk}/import/"
    assert state(world) == before


def test_confirm_applies_the_previewed_file(client, world, records):
    client.force_login(world.alice)
    page = upload(client, world, edited_file(client, world))
    confirm = {"action": "confirm", "token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")}
    response = client.post(f"/a/{world.a.pk}/import/preview/", confirm)
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/"
    assert state(world) == [
        ("1.2.2", "followups", "2024-03-15", "", [("presented_to_director", True)]),
        ("1.2.2", "followups", "2024-05-20", "ติดตามครั้งที่สอง", []),
        ("5.1", "respondents", "2024-06-30", "", [("value", 25)]),
    ]
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 42}
    assert AuditEntry.objects.filter(action="pramern.assessment.imported", actor=world.alice).count() == 1
    assert not PendingImport.objects.exists()


def test_a_change_after_the_preview_refuses_the_confirmation(client, world, records):
    client.force_login(world.alice)
    page = upload(client, world, edited_file(client, world))
    record(world.a, "1.3.1", "guideline", "2024-01-10")  # someone adds a record meanwhile
    before = state(world)
    confirm = {"action": "confirm", "token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")}
    response = client.post(f"/a/{world.a.pk}/import/preview/", confirm)
    body = response.content.decode()
    assert response.status_code == 400
    assert "ข้อมูลที่บันทึกเปลี่ยนไปหลังจากแสดงตัวอย่าง" in body
    assert "ลบ 2 รายการบันทึก" in section(body, "import-summary")  # the new preview counts the new record
    assert state(world) == before


def test_only_the_uploader_confirms_their_file(client, world, records):
    """The confirm form names the upload; another person of the unit cannot confirm it."""
    client.force_login(world.alice)
    page = upload(client, world, edited_file(client, world))
    before = state(world)
    client.force_login(world.dan)
    confirm = {"action": "confirm", "token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")}
    response = client.post(f"/a/{world.a.pk}/import/preview/", confirm)
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/import/"
    assert state(world) == before and PendingImport.objects.filter(user=world.alice).exists()


# ---- who may import, and when --------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world, records):
    for url in (f"/a/{world.a.pk}/import/", f"/a/{world.a.pk}/import/preview/"):
        assert client.get(url)["Location"].startswith("/login/")
        assert client.post(url, {"action": "confirm"})["Location"].startswith("/login/")


def test_another_units_officer_is_refused(client, world, records):
    client.force_login(world.alice)
    page = upload(client, world, edited_file(client, world))
    before = state(world)
    client.force_login(world.bob)
    confirm = {"action": "confirm", "token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")}
    assert client.get(f"/a/{world.a.pk}/import/preview/").status_code == 404
    assert client.post(f"/a/{world.a.pk}/import/preview/", confirm).status_code == 404
    assert client.post(f"/a/{world.a.pk}/import/preview/", {"action": "cancel", **confirm}).status_code == 404
    assert state(world) == before and PendingImport.objects.count() == 1


def test_readers_are_not_offered_the_import_and_are_refused(client, world, records):
    client.force_login(world.eve)
    assert f'href="/a/{world.a.pk}/import/"' not in client.get(f"/a/{world.a.pk}/").content.decode()
    assert client.get(f"/a/{world.a.pk}/import/").status_code == 403
    assert client.get(f"/a/{world.a.pk}/import/preview/").status_code == 403


def test_a_closed_round_hides_the_import_and_the_view_refuses_it(client, world, records):
    client.force_login(world.alice)
    home = client.get(f"/a/{world.a.pk}/").content.decode()
    assert f'href="/a/{world.a.pk}/import/"' in home  # offered while every round is open
    page = upload(client, world, edited_file(client, world))
    r6 = RoundSchedule.objects.get(framework=world.framework, round_code="R6")
    r6.state = RoundSchedule.State.CLOSED
    r6.save()  # as the Centre closes it in the admin (a bulk update would leave cached pages as they were)
    before = state(world)
    assert f'href="/a/{world.a.pk}/import/"' not in client.get(f"/a/{world.a.pk}/").content.decode()
    refused = client.get(f"/a/{world.a.pk}/import/")
    assert refused.status_code == 403
    assert "ทำได้เฉพาะเมื่อยังไม่มีรอบใดปิด" in refused.content.decode()
    assert client.post(f"/a/{world.a.pk}/import/", {"file": edited_file(client, world)}).status_code == 403
    confirm = {"action": "confirm", "token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint")}
    assert client.post(f"/a/{world.a.pk}/import/preview/", confirm).status_code == 403
    assert state(world) == before


def test_a_bad_file_is_refused_at_the_upload_with_its_problems(client, world, records):
    client.force_login(world.alice)
    data = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content.decode())
    data["items"]["5.1"]["respondents"][0]["value"] = "many"
    bad = SimpleUploadedFile("bad.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    response = client.post(f"/a/{world.a.pk}/import/", {"file": bad})
    assert response.status_code == 400
    assert "item 5.1: respondents[0].value: expected a number" in response.content.decode()
    assert not PendingImport.objects.exists()
