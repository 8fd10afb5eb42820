"""Report jobs tell the truth about their progress: each step's percent is reached when its real
work is done (units laid out, bytes copied, the PDF printed), and the page names the step.
An evidence ZIP without any file says so, on its page and inside the ZIP (issue 11)."""

from __future__ import annotations

import csv
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.reports import pdf as pdf_module
from pramern.reports.evidence_zip import README_NAME, build_evidence_zip
from pramern.reports.models import ReportJob
from pramern.reports.scorecards import refresh
from tests.factories import record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_pdf_job_waits_at_the_printing_step_while_chromium_prints(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.eve)
    seen = {}

    def printer(html, *, timeout):
        job = ReportJob.objects.get()
        seen["job"] = (job.status, job.stage, job.progress, job.step)
        seen["page"] = client.get(f"/reports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        seen["list"] = client.get("/reports/jobs/").content.decode()
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(pdf_module, "html_to_pdf", printer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/consolidated/", {"round": "R12"})
    # while Chromium prints, the job says so and claims only the work done before it
    assert seen["job"] == ("running", "printing", 15, (3, 4))
    assert "ขั้นที่ 3 จาก 4: พิมพ์เป็น PDF" in seen["page"] and "15%" in seen["page"]
    assert 'hx-trigger="every 2s"' in seen["page"]
    assert "15% · พิมพ์เป็น PDF" in seen["list"]
    job = ReportJob.objects.get()
    assert (job.status, job.progress, job.step) == ("done", 100, None)
    assert "ขั้นที่" not in client.get(f"/reports/jobs/{job.pk}/").content.decode()


def test_the_layout_step_moves_with_the_units_laid_out(world):
    from tests.factories import assessment, unit

    for n in range(8):
        refresh(assessment(unit(f"oae-x{n}", f"หน่วยงานทดสอบ {n}"), world.framework))
    refresh(world.a)
    refresh(world.b)
    heard: list[tuple[int, str]] = []
    pdf_module.consolidated_context(world.framework, "R12", lambda percent, stage: heard.append((percent, stage)))
    layout = [p for p, stage in heard if stage == "layout"]
    # ten units share the 10 points from 5 to 15: one report per unit laid out
    assert layout == [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    assert heard[0] == (0, "reading")


def test_a_queued_job_names_no_step(client, world):
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R6"})  # not committed: still queued
    job = ReportJob.objects.get()
    assert job.step is None
    assert "ขั้นที่" not in client.get(f"/reports/jobs/{job.pk}/").content.decode()


def test_the_zip_progress_follows_the_bytes_copied(world):
    small = record(world.a, "1.1.1", "guideline", "2024-03-01")
    large = record(world.a, "1.1.2", "followups", "2024-03-15")
    add_file_evidence(
        world.a, SimpleUploadedFile("a.pdf", PDF + b"a" * (1000 - len(PDF))), user=world.alice, records=[small]
    )
    add_file_evidence(
        world.a, SimpleUploadedFile("b.pdf", PDF + b"b" * (3000 - len(PDF))), user=world.alice, records=[large]
    )
    heard: list[tuple[int, str]] = []

    build_evidence_zip(world.a, "R12", io.BytesIO(), lambda percent, stage: heard.append((percent, stage)))

    # 1,000 of 4,000 bytes copied: 5 + 85/4; then all of them
    assert heard == [(0, "reading"), (5, "copying"), (26, "copying"), (90, "copying"), (90, "manifest"), (95, "saving")]


def test_the_zip_reports_each_whole_percent_once_not_each_file(world):
    rec = record(world.a, "1.1.2", "followups", "2024-03-15")
    add_file_evidence(world.a, SimpleUploadedFile("big.pdf", PDF + b"x" * 100_000), user=world.alice, records=[rec])
    for n in range(5):  # five tiny files: together under one percent of the bytes
        add_file_evidence(world.a, SimpleUploadedFile(f"s{n}.pdf", PDF), user=world.alice, records=[rec])
    heard: list[tuple[int, str]] = []

    build_evidence_zip(world.a, "R12", io.BytesIO(), lambda percent, stage: heard.append((percent, stage)))

    copying = [percent for percent, stage in heard if stage == "copying"]
    assert copying == sorted(set(copying)) and copying[-1] == 90  # no percent reported twice
    assert len(copying) < 6  # fewer writes than the six files copied


def test_a_link_only_round_says_so_on_the_page_and_in_the_zip(client, world, django_capture_on_commit_callbacks):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    other = record(world.a, "1.2.2", "followups", "2024-03-15")
    add_link_evidence(world.a, "https://example.go.th/plan", user=world.alice, title="แผนป้องกันการทุจริต", records=[rec])
    add_link_evidence(
        world.a, "https://example.go.th/report", user=world.alice, title="รายงานการติดตาม", records=[other]
    )
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/evidence.zip?round=R12").content.decode()
    assert "หลักฐานของรอบนี้เป็นลิงก์ 2 รายการ ไม่มีไฟล์" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
    job = ReportJob.objects.get()
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/reports/jobs/{job.pk}/download/").streaming_content)))
    assert sorted(archive.namelist()) == sorted(["manifest.csv", README_NAME])
    readme = archive.read(README_NAME).decode("utf-8-sig")
    assert "รอบ 12 เดือน: หลักฐานของรอบนี้เป็นลิงก์ทั้งหมด 2 รายการ ไม่มีไฟล์แนบ" in readme
    assert "ข้อ 1.1.1: แผนป้องกันการทุจริต\n    https://example.go.th/plan" in readme
    assert "https://example.go.th/report" in readme
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [row[6] for row in manifest[1:]] == ["https://example.go.th/plan", "https://example.go.th/report"]


def test_a_round_without_evidence_says_so_too(client, world):
    record(world.a, "1.1.1", "guideline", "2024-03-01")
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/evidence.zip?round=R12").content.decode()
    assert "รอบนี้ยังไม่มีหลักฐานทั้งไฟล์และลิงก์" in page
    stream = io.BytesIO()
    assert build_evidence_zip(world.a, "R12", stream) == 0
    readme = zipfile.ZipFile(stream).read(README_NAME).decode("utf-8-sig")
    assert "ยังไม่มีหลักฐานทั้งไฟล์และลิงก์" in readme


def test_a_zip_with_files_has_no_note_and_counts_its_links(client, world):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    add_file_evidence(world.a, SimpleUploadedFile("a.pdf", PDF), user=world.alice, records=[rec])
    add_link_evidence(world.a, "https://example.go.th/x", user=world.alice, title="หน้าเว็บ", records=[rec])
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/evidence.zip?round=R12").content.decode()
    assert "และมีรายการลิงก์ 1 รายการ" in page and "ไม่มีไฟล์" not in page
    stream = io.BytesIO()
    build_evidence_zip(world.a, "R12", stream)
    assert README_NAME not in zipfile.ZipFile(stream).namelist()


def test_another_units_person_cannot_see_the_zip_page(client, world):
    client.force_login(world.bob)
    assert client.get(f"/a/{world.a.pk}/evidence.zip?round=R12").status_code == 404
    client.logout()
    assert client.get(f"/a/{world.a.pk}/evidence.zip?round=R12")["Location"].startswith("/login/")
