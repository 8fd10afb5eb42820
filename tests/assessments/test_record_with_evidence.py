"""A record with its files and links in one step (issue 11, point 9): one service call, one
transaction; a refused file saves nothing and says which file and why; the form keeps what was
typed and asks for the files again."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pramern.assessments import services
from pramern.assessments.models import Evidence, Record
from pramern.assessments.services import EvidenceRejected, NewLink, save_record_with_evidence
from pramern.audit.models import AuditEntry
from pramern.review.models import Verdict
from pramern.review.services import transition
from tests.assessments.test_evidence import PDF_BYTES, PNG_BYTES
from tests.factories import record

NEW = "/a/{pk}/items/1.2.2/records/followups/new/"


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "evidence"
    return [name for _dir, _dirs, names in os.walk(root) for name in names] if root.exists() else []


def save(world, files=(), links=(), date=dt.date(2024, 3, 15), **extra):
    return save_record_with_evidence(
        world.a,
        "1.2.2",
        "followups",
        date=date,
        data={"presented_to_director": True},
        title="ติดตามผลครั้งที่ 1",
        note="",
        files=files,
        links=links,
        user=world.alice,
        **extra,
    )


def test_a_record_two_files_and_a_link_are_saved_in_one_call(world, settings):
    result = save(
        world,
        files=[SimpleUploadedFile("บันทึก.pdf", PDF_BYTES), SimpleUploadedFile("ภาพประชุม.png", PNG_BYTES)],
        links=[NewLink("https://example.go.th/report", "รายงานบนเว็บ")],
    )
    made = Record.objects.get()
    assert result.record == made and made.title == "ติดตามผลครั้งที่ 1"
    assert sorted(e.original_name for e in made.evidence.filter(kind="file")) == ["บันทึก.pdf", "ภาพประชุม.png"]
    link = made.evidence.get(kind="link")
    assert (link.url, link.title) == ("https://example.go.th/report", "รายงานบนเว็บ")
    assert (len(result.files), len(result.links)) == (2, 1)
    assert len(stored_files(settings)) == 2
    assert AuditEntry.objects.filter(action="pramern.record.created").count() == 1
    assert AuditEntry.objects.filter(action="pramern.evidence.added").count() == 3


def test_a_refused_file_saves_nothing_and_names_the_file_and_why(world, settings):
    settings.EVIDENCE_MAX_MB = 1
    big = SimpleUploadedFile("ใหญ่มาก.pdf", PDF_BYTES + b"0" * (3 * 1024 * 1024 // 2))
    with pytest.raises(EvidenceRejected) as refused:
        save(
            world,
            files=[SimpleUploadedFile("ดี.pdf", PDF_BYTES), SimpleUploadedFile("โปรแกรม.exe", b"MZ\x90\x00"), big],
            links=[NewLink("https://example.go.th/")],
        )
    assert refused.value.message.startswith("ยังไม่ได้บันทึกสิ่งใด")
    assert refused.value.problems[0].startswith("ไฟล์ โปรแกรม.exe: ไม่รับไฟล์ประเภทนี้")
    assert refused.value.problems[1].startswith("ไฟล์ ใหญ่มาก.pdf: ไฟล์ใหญ่เกินกำหนด: 1.5 MB")
    assert len(refused.value.problems) == 2  # the good file is not named
    assert not Record.objects.exists() and not Evidence.objects.exists()
    assert stored_files(settings) == []
    assert not AuditEntry.objects.filter(action__startswith="pramern.record.").exists()
    assert not AuditEntry.objects.filter(action__startswith="pramern.evidence.").exists()


def test_a_refused_link_saves_nothing(world):
    with pytest.raises(EvidenceRejected) as refused:
        save(world, files=[SimpleUploadedFile("ดี.pdf", PDF_BYTES)], links=[NewLink("ftp://example.go.th/x")])
    assert refused.value.problems == ["ลิงก์ ftp://example.go.th/x: ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https:// และระบุเว็บไซต์"]
    assert not Record.objects.exists() and not Evidence.objects.exists()


def test_a_refused_record_stores_no_file(world, settings):
    transition(world.a, "R6", "submit", user=world.dan)  # a record dated in R6 may no longer be added
    with pytest.raises(services.WorkspaceError) as refused:
        save(
            world,
            files=[SimpleUploadedFile("ดี.pdf", PDF_BYTES)],
            links=[NewLink("https://example.go.th/")],
            date=dt.date(2023, 12, 15),
        )
    assert "อ่านอย่างเดียว" in refused.value.message
    assert not Record.objects.exists() and not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_a_failure_after_the_files_were_stored_removes_them(world, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_log_evidence", broken)  # after the files are in storage
    with pytest.raises(RuntimeError):
        save(world, files=[SimpleUploadedFile("ดี.pdf", PDF_BYTES)], links=[NewLink("https://example.go.th/")])
    assert not Record.objects.exists() and not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_the_same_form_posted_twice_adds_its_files_once(world):
    key = "0b5f5f7e-7a53-4f57-9a30-1b0a4c1e2d11"
    first = save(world, files=[SimpleUploadedFile("ดี.pdf", PDF_BYTES)], form_key=key)
    again = save(world, files=[SimpleUploadedFile("ดี.pdf", PDF_BYTES)], form_key=key)
    assert again.record == first.record and again.files == []
    assert Record.objects.count() == 1 and Evidence.objects.count() == 1


def test_new_evidence_on_an_edit_withdraws_the_verdict(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    Verdict.objects.create(record=rec, status="accepted", decided_by=world.eve, decided_at=timezone.now())
    save_record_with_evidence(
        world.a,
        "1.2.2",
        "followups",
        date=rec.date,
        data=rec.data,
        title=rec.title,
        note=rec.note,
        files=[SimpleUploadedFile("เพิ่มเติม.pdf", PDF_BYTES)],
        user=world.alice,
        record=rec,
        version=rec.version,
    )
    assert rec.evidence.get().original_name == "เพิ่มเติม.pdf"
    assert not Verdict.objects.filter(record=rec).exists()


# --------------------------------------------------------------------------- the views


def test_a_multipart_post_with_two_files_and_a_link_saves_them_and_confirms(client, world):
    client.force_login(world.alice)
    response = client.post(
        NEW.format(pk=world.a.pk),
        {
            "followups-date": "15/03/2567",
            "followups-presented_to_director": "on",
            "followups-evidence-links": "https://example.go.th/a รายงานบนเว็บ\n\nhttps://example.go.th/b",
            "followups-evidence-files": [
                SimpleUploadedFile("บันทึก.pdf", PDF_BYTES),
                SimpleUploadedFile("ภาพ.png", PNG_BYTES),
            ],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    made = Record.objects.get()
    assert 'role="status">บันทึกรายการแล้ว พร้อมไฟล์ 2 ไฟล์ และลิงก์ 2 ลิงก์' in page
    assert f'id="record-{made.pk}"' in page and "บันทึก.pdf" in page and "รายงานบนเว็บ" in page
    assert made.evidence.count() == 4


def test_without_javascript_the_confirmation_follows_the_redirect(client, world):
    client.force_login(world.alice)
    response = client.post(
        NEW.format(pk=world.a.pk),
        {"followups-date": "15/03/2567", "followups-evidence-files": [SimpleUploadedFile("บันทึก.pdf", PDF_BYTES)]},
        follow=True,
    )
    assert "บันทึกรายการแล้ว พร้อมไฟล์ 1 ไฟล์ และลิงก์ 0 ลิงก์" in response.content.decode()


def test_a_refused_file_keeps_the_typed_fields_and_asks_for_the_files_again(client, world):
    client.force_login(world.alice)
    response = client.post(
        NEW.format(pk=world.a.pk),
        {
            "followups-date": "15/03/2567",
            "followups-title": "ประชุมติดตามผล",
            "followups-note": "ผู้อำนวยการรับทราบ",
            "followups-evidence-links": "https://example.go.th/a",
            "followups-evidence-files": [
                SimpleUploadedFile("บันทึก.pdf", PDF_BYTES),
                SimpleUploadedFile("ไวรัส.exe", b"MZ\x90\x00"),
            ],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "ไฟล์ ไวรัส.exe: ไม่รับไฟล์ประเภทนี้" in page
    assert "โปรดเลือกไฟล์อีกครั้ง" in page
    assert 'value="15/03/2567"' in page and 'value="ประชุมติดตามผล"' in page
    assert ">\nผู้อำนวยการรับทราบ</textarea>" in page and ">\nhttps://example.go.th/a</textarea>" in page
    assert not Record.objects.exists() and not Evidence.objects.exists()


def test_a_bad_link_line_is_named_and_nothing_is_saved(client, world):
    client.force_login(world.alice)
    response = client.post(
        NEW.format(pk=world.a.pk),
        {"followups-date": "15/03/2567", "followups-evidence-links": "https://example.go.th/a\nwww.example.go.th"},
    )
    assert response.status_code == 400
    assert "บรรทัดที่ 2 (www.example.go.th): ลิงก์ต้องขึ้นต้นด้วย" in response.content.decode()
    assert not Record.objects.exists()


def test_a_body_stopped_at_the_size_limit_keeps_the_fields_typed_before_the_files(client, world, settings):
    settings.EVIDENCE_MAX_MB = 1
    client.force_login(world.alice)
    response = client.post(
        NEW.format(pk=world.a.pk),
        {
            "followups-date": "15/03/2567",
            "followups-title": "ประชุมติดตามผล",
            "followups-evidence-files": [SimpleUploadedFile("ใหญ่.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024))],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "ไฟล์ใหญ่เกินกำหนด: รับได้ไม่เกิน 1 MB" in page and "โปรดเลือกไฟล์อีกครั้ง" in page
    assert 'value="ประชุมติดตามผล"' in page
    assert not Record.objects.exists() and not Evidence.objects.exists()


def test_the_drop_zone_carries_the_servers_limits_and_a_thai_label(client, world, settings):
    settings.EVIDENCE_MAX_MB = 7
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert 'data-max-file-bytes="7340032"' in page and 'data-max-total-bytes="7340032"' in page
    assert 'data-extensions="pdf,png,jpg,jpeg,gif,webp,docx,xlsx,pptx,doc,xls,ppt"' in page
    assert 'class="file-pick">เลือกไฟล์</label>' in page
    assert 'type="file" multiple class="visually-hidden" name="followups-evidence-files"' in page
    assert 'enctype="multipart/form-data"' in page and "รวมไม่เกิน 7 MB" in page


def test_the_edit_form_adds_files_and_links_to_the_record(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/records/{rec.pk}/edit/"
    assert 'name="followups-evidence-files"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "followups-date": "15/03/2567",
            "followups-presented_to_director": "on",
            "followups-version": "1",
            "followups-evidence-links": "https://example.go.th/a",
            "followups-evidence-files": [SimpleUploadedFile("เพิ่ม.pdf", PDF_BYTES)],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/a/{world.a.pk}/items/1.2.2/#record-{rec.pk}"
    assert sorted(e.kind for e in rec.evidence.all()) == ["file", "link"]
    shown = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert "บันทึกรายการแล้ว พร้อมไฟล์ 1 ไฟล์ และลิงก์ 1 ลิงก์" in shown


def test_a_refused_file_on_the_edit_page_keeps_the_typed_fields(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/records/{rec.pk}/edit/",
        {
            "followups-date": "16/03/2567",
            "followups-title": "แก้ชื่อแล้ว",
            "followups-version": "1",
            "followups-evidence-files": [SimpleUploadedFile("ผิด.txt", b"plain text")],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "ไฟล์ ผิด.txt: ไม่รับไฟล์ประเภทนี้" in page and "โปรดเลือกไฟล์อีกครั้ง" in page
    assert 'value="16/03/2567"' in page and 'value="แก้ชื่อแล้ว"' in page
    rec.refresh_from_db()
    assert rec.date == dt.date(2024, 3, 15) and not rec.evidence.exists()


def test_several_files_added_to_a_saved_record_are_all_or_nothing(client, world, settings):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/"
    item = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert f'type="file" multiple class="visually-hidden" name="file" id="record-file-{rec.pk}"' in item
    refused = client.post(
        url,
        {"file": [SimpleUploadedFile("ดี.pdf", PDF_BYTES), SimpleUploadedFile("ไม่ดี.exe", b"MZ")]},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "ไฟล์ ไม่ดี.exe: ไม่รับไฟล์ประเภทนี้" in refused
    assert not Evidence.objects.exists() and stored_files(settings) == []
    client.post(
        url,
        {"file": [SimpleUploadedFile("ดี.pdf", PDF_BYTES), SimpleUploadedFile("ภาพ.png", PNG_BYTES)]},
        HTTP_HX_REQUEST="true",
    )
    assert sorted(e.original_name for e in rec.evidence.all()) == ["ดี.pdf", "ภาพ.png"]
