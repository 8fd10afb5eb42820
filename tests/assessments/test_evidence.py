"""Evidence files and links: real type from content, size limit, safe names, safe serving."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from pramern.assessments.filetypes import DOCX, OLE, PDF, PNG, XLSX, sniff
from pramern.assessments.models import Evidence
from pramern.assessments.services import EvidenceRejected, add_file_evidence
from pramern.audit.models import AuditEntry
from tests.factories import record

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (office("word/document.xml"), DOCX),
        (office("xl/workbook.xml"), XLSX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, OLE),
        (b"MZ\x90\x00 a Windows program", None),
        (b"<html><script>alert(1)</script>", None),
        (office("random/thing.xml"), None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_the_type_comes_from_the_content(content, expected):
    assert sniff(io.BytesIO(content)) == expected


def upload(client, world, rec, name, content, **extra):
    return client.post(
        f"/a/{world.a.pk}/records/{rec.pk}/evidence/file/",
        {"file": SimpleUploadedFile(name, content), "title": "บันทึกข้อความ", **extra},
        HTTP_HX_REQUEST="true",
    )


def test_an_upload_is_stored_under_a_name_the_user_did_not_choose(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    response = upload(client, world, rec, "../../บันทึก ผอ..pdf", PDF_BYTES)
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.original_name == "บันทึก ผอ..pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF_BYTES)
    assert evidence.file.name.startswith(f"evidence/{world.a.pk}/")
    assert "บันทึก" not in evidence.file.name and ".." not in evidence.file.name
    assert list(evidence.records.all()) == [rec]
    assert "บันทึก ผอ..pdf" in response.content.decode()
    assert AuditEntry.objects.filter(action="pramern.evidence.added", item_code="1.2.2").count() == 1


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused_with_the_reason(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    page = upload(client, world, rec, "report.pdf", b"MZ\x90\x00 this is a program").content.decode()
    assert 'role="alert">ไม่รับไฟล์ประเภทนี้' in page
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit(client, world, settings):
    settings.EVIDENCE_MAX_MB = 1
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    page = upload(client, world, rec, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024)).content.decode()
    assert "ไฟล์ใหญ่เกินกำหนด: รับได้ไม่เกิน 1 MB" in page  # stopped while streaming: its size is not known
    assert not Evidence.objects.exists()


def test_a_stored_file_over_the_size_limit_is_refused_with_the_sizes(world, settings):
    settings.EVIDENCE_MAX_MB = 1
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(EvidenceRejected, match="1.0 MB"):
        add_file_evidence(world.a, big, user=world.alice, records=[rec])


def test_an_empty_file_is_refused(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    with pytest.raises(EvidenceRejected):
        add_file_evidence(world.a, SimpleUploadedFile("empty.pdf", b""), user=world.alice, records=[rec])


def test_uploads_stream_to_a_temporary_file_on_disk():
    """No upload is read into memory whole, however large (a 100 MB file included), and none is
    read past the size limit (the limit's handler comes first)."""
    assert settings.FILE_UPLOAD_HANDLERS == [
        "pramern.ui.uploads.SizeLimitUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]


def test_a_temporary_upload_is_stored_in_chunks(world, tmp_path):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    upload_file = TemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
    upload_file.write(PDF_BYTES + b"x" * (3 * 1024 * 1024))
    upload_file.size = upload_file.tell()
    upload_file.seek(0)
    evidence = add_file_evidence(world.a, upload_file, user=world.alice, records=[rec])
    upload_file.close()
    with evidence.file.open("rb") as stored:
        assert stored.read(8) == b"%PDF-1.7"
    assert evidence.size == len(PDF_BYTES) + 3 * 1024 * 1024


def test_files_are_served_as_attachments_with_nosniff(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    evidence = add_file_evidence(world.a, SimpleUploadedFile("บันทึก.pdf", PDF_BYTES), user=world.alice, records=[rec])
    client.force_login(world.eve)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E0%B8%9A" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    inline = client.get(f"/evidence/{evidence.pk}/view/")
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["Content-Type"] == "application/pdf"
    assert "sandbox" in inline["Content-Security-Policy"]
    b"".join(inline.streaming_content)


def test_only_pdfs_and_images_are_shown_inline(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    docx = add_file_evidence(
        world.a, SimpleUploadedFile("a.docx", office("word/document.xml")), user=world.alice, records=[rec]
    )
    client.force_login(world.alice)
    response = client.get(f"/evidence/{docx.pk}/view/")
    assert response["Content-Disposition"].startswith("attachment;")
    b"".join(response.streaming_content)


def test_one_piece_of_evidence_supports_several_items(client, world):
    first = record(world.a, "1.1.1", "guideline", "2024-03-01")
    second = record(world.a, "1.1.2", "followups", "2024-03-15")
    evidence = add_file_evidence(
        world.a, SimpleUploadedFile("guideline.pdf", PDF_BYTES), user=world.alice, records=[first]
    )
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/records/{second.pk}/evidence/attach/", {"evidence": evidence.pk})
    assert set(evidence.records.values_list("item_code", flat=True)) == {"1.1.1", "1.1.2"}
    assert "guideline.pdf" in client.get(f"/a/{world.a.pk}/items/1.1.2/").content.decode()
    home = client.get(f"/a/{world.a.pk}/")
    assert home.context["ws"].evidence_counts == {"1.1.1": 1, "1.1.2": 1}


def test_evidence_of_another_assessment_cannot_be_attached(client, world):
    mine = record(world.a, "1.1.1", "guideline", "2024-03-01")
    theirs = record(world.b, "1.1.1", "guideline", "2024-03-01")
    other = add_file_evidence(world.b, SimpleUploadedFile("x.pdf", PDF_BYTES), user=world.bob, records=[theirs])
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/records/{mine.pk}/evidence/attach/", {"evidence": other.pk})
    assert not mine.evidence.exists()


def test_links_keep_their_title_and_the_date_they_were_checked(client, world):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    client.force_login(world.alice)
    client.post(
        f"/a/{world.a.pk}/records/{rec.pk}/evidence/link/",
        {"url": "https://example.go.th/integrity", "title": "หน้าเว็บไซต์"},
    )
    link = Evidence.objects.get()
    assert (link.kind, link.url, link.title) == ("link", "https://example.go.th/integrity", "หน้าเว็บไซต์")
    assert link.link_checked_on is None  # only the link checker dates a link
    page = client.get(f"/a/{world.a.pk}/items/1.1.1/").content.decode()
    assert 'href="https://example.go.th/integrity" rel="noopener noreferrer"' in page
    assert "ยังไม่ได้ตรวจลิงก์" in page
    link.link_checked_on = dt.date(2024, 7, 25)
    link.save(update_fields=["link_checked_on"])  # as the link checker dates it
    assert "ตรวจเมื่อ 25 ก.ค. 2567" in client.get(f"/a/{world.a.pk}/items/1.1.1/").content.decode()


def test_a_link_must_be_http_or_https(client, world):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/records/{rec.pk}/evidence/link/", {"url": "javascript:alert(1)"})
    assert not Evidence.objects.exists()


def test_removing_evidence_from_a_record_keeps_the_file(client, world):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    evidence = add_file_evidence(world.a, SimpleUploadedFile("a.pdf", PDF_BYTES), user=world.alice, records=[rec])
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/records/{rec.pk}/evidence/{evidence.pk}/detach/")
    assert not rec.evidence.exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert AuditEntry.objects.filter(action="pramern.evidence.detached").exists()
