"""Evidence and report files in an S3-compatible bucket (moto's server on loopback, from
tests/objectstore.py): uploads land under their key, downloads pass the access check and
stream, deletes and purges remove objects, and a bucket that is down is a clear Thai message
(uploads: nothing half-written; downloads: a 503 page; deletes: reported)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from contextlib import contextmanager

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pramern.assessments.carryover import CarryOverError, CarryPick, carry_over
from pramern.assessments.models import Evidence, Record
from pramern.assessments.services import EvidenceRejected, add_file_evidence, save_record_with_evidence
from pramern.audit.models import AuditEntry
from pramern.privacy.models import EvidencePurge
from pramern.reports.models import ReportJob
from pramern.thaidates import fiscal_year_of
from tests.assessments.test_carry_over import open_next_year
from tests.assessments.test_evidence import PDF_BYTES, upload
from tests.assessments.test_record_with_evidence import NEW
from tests.factories import record
from tests.privacy.files import pdf

pytestmark = pytest.mark.slow  # moto's server starts once per session (about two seconds)

STORE_DOWN = "จัดเก็บไฟล์ไม่ได้ เนื่องจากระบบจัดเก็บไฟล์ไม่ตอบสนอง ยังไม่มีสิ่งใดถูกบันทึก โปรดลองใหม่ภายหลัง"
READ_DOWN = "เปิดไฟล์นี้ไม่ได้ในขณะนี้ เนื่องจากระบบจัดเก็บไฟล์ไม่ตอบสนอง โปรดลองใหม่ภายหลัง"


def body(server, bucket, key) -> bytes:
    return server.client().get_object(Bucket=bucket, Key=key)["Body"].read()


@contextmanager
def bucket_down(server):
    """The S3 server stopped inside the block and started again after it (its buckets emptied)."""
    server.stop()
    try:
        yield
    finally:
        server.start()


def counts() -> tuple[int, int, int]:
    return Record.objects.count(), Evidence.objects.count(), AuditEntry.objects.count()


def test_an_upload_is_stored_in_the_bucket_under_its_key_with_the_thai_name_kept(client, world, s3_storage):
    server, bucket = s3_storage
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    response = upload(client, world, rec, "รายงานการประชุม.pdf", PDF_BYTES)
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.original_name == "รายงานการประชุม.pdf"
    assert re.fullmatch(f"evidence/{world.a.pk}/[0-9a-f]{{32}}", evidence.file.name)  # a name nobody chose
    assert server.keys(bucket) == [evidence.file.name]
    assert body(server, bucket, evidence.file.name) == PDF_BYTES
    # private: the bucket's policy alone decides, no ACL made the object public
    grants = server.client().get_object_acl(Bucket=bucket, Key=evidence.file.name)["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"]["Type"] == "Group"] == []


def test_a_file_over_8_mb_goes_up_in_parts(world, s3_storage):
    server, bucket = s3_storage
    content = PDF_BYTES + b"0" * (9 * 1024 * 1024)
    evidence = add_file_evidence(world.a, SimpleUploadedFile("ใหญ่.pdf", content), user=world.alice)
    head = server.client().head_object(Bucket=bucket, Key=evidence.file.name)
    assert head["ContentLength"] == len(content)
    assert head["ETag"].endswith('-2"')  # a multipart upload of two parts (8 MB and the rest)


def test_the_unit_downloads_and_views_its_file_from_the_bucket_as_before(client, world, s3_storage):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    evidence = add_file_evidence(world.a, SimpleUploadedFile("บันทึก.pdf", PDF_BYTES), user=world.alice, records=[rec])
    client.force_login(world.alice)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%E0%B8%9A%E0%B8%B1%E0%B8%99%E0%B8%97%E0%B8%B6%E0%B8%81.pdf"
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES
    inline = client.get(f"/evidence/{evidence.pk}/view/")
    assert inline.status_code == 200
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["Content-Type"] == "application/pdf"
    assert "sandbox" in inline["Content-Security-Policy"]
    assert b"".join(inline.streaming_content) == PDF_BYTES
    logged = AuditEntry.objects.filter(action="pramern.evidence.downloaded").values_list("data__inline", flat=True)
    assert sorted(logged) == [False, True]


def test_another_units_officer_is_refused_before_the_bucket_is_read(client, world, s3_storage):
    server, _bucket = s3_storage
    evidence = add_file_evidence(world.a, SimpleUploadedFile("บันทึก.pdf", PDF_BYTES), user=world.alice)
    client.force_login(world.bob)
    with bucket_down(server):  # a read of the bucket now would be a 503, not the refusal
        assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
        assert client.get(f"/evidence/{evidence.pk}/view/").status_code == 404
    assert not AuditEntry.objects.filter(action="pramern.evidence.downloaded").exists()


def test_deleting_evidence_removes_its_object(client, world, s3_storage, django_capture_on_commit_callbacks):
    server, bucket = s3_storage
    evidence = add_file_evidence(world.a, SimpleUploadedFile("ผิดไฟล์.pdf", PDF_BYTES), user=world.alice)
    keep = add_file_evidence(world.a, SimpleUploadedFile("ถูกไฟล์.pdf", PDF_BYTES + b"x"), user=world.alice)
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/a/{world.a.pk}/evidence/{evidence.pk}/delete/")
    assert response.status_code == 302
    assert server.keys(bucket) == [keep.file.name]
    assert not AuditEntry.objects.filter(action="pramern.storage.delete_failed").exists()


def test_the_purge_of_old_years_removes_their_objects(
    client, world, settings, s3_storage, django_capture_on_commit_callbacks
):
    server, bucket = s3_storage
    settings.EVIDENCE_RETENTION_YEARS = fiscal_year_of(dt.date.today()) - 2567
    old = pdf(world.a, world.alice, "ปีเก่า.pdf", extra=b"a")
    young = pdf(open_next_year(world), world.alice, "ปีนี้.pdf", extra=b"b")
    assert server.keys(bucket) == sorted([old.file.name, young.file.name])
    client.force_login(world.eve)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privacy/retention/", {"year": ["2567"]})
    purge = EvidencePurge.objects.get()
    assert response.status_code == 302 and purge.files == 1
    assert server.keys(bucket) == [young.file.name]
    page = client.get(f"/privacy/retention/{purge.pk}/").content.decode()
    assert 'id="left-in-storage"' not in page


def test_the_evidence_zip_is_built_from_the_bucket_and_expires_from_it(
    client, world, settings, s3_storage, django_capture_on_commit_callbacks
):
    server, bucket = s3_storage
    settings.REPORT_RESULT_HOURS = 24
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01", signed_or_presented=True)
    evidence = add_file_evidence(world.a, SimpleUploadedFile("แนวทาง.pdf", PDF_BYTES), user=world.alice, records=[rec])
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
    job = ReportJob.objects.get()
    assert job.status == "done"
    assert server.keys(bucket) == sorted([evidence.file.name, job.file.name])
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Length"] == str(job.file.size)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.read(f"1.1.1/{evidence.pk}-แนวทาง.pdf") == PDF_BYTES
    then = job.created_at - dt.timedelta(hours=25)
    ReportJob.objects.filter(pk=job.pk).update(created_at=then, finished_at=then)
    call_command("delete_expired_reports", verbosity=0)
    job.refresh_from_db()
    assert job.status == "expired"
    assert server.keys(bucket) == [evidence.file.name]


def test_carry_over_copies_the_object(world, s3_storage):
    server, bucket = s3_storage
    measure = record(world.a, "1.2.1", "measure", "2024-01-10", not_duplicate=True, signed_or_presented=True)
    original = add_file_evidence(
        world.a, SimpleUploadedFile("มาตรการ.pdf", PDF_BYTES), user=world.alice, records=[measure]
    )
    new = open_next_year(world)
    [copy] = carry_over(new, [CarryPick(measure.pk, dt.date(2026, 11, 10))], user=world.alice)
    copied = copy.evidence.get()
    assert copied.file.name != original.file.name and copied.original_name == "มาตรการ.pdf"
    assert server.keys(bucket) == sorted([original.file.name, copied.file.name])
    assert body(server, bucket, copied.file.name) == PDF_BYTES


# --------------------------------------------------------------------------- a bucket that is down


def test_a_record_with_a_file_while_the_bucket_is_down_saves_nothing_and_keeps_the_form(client, world, s3_storage):
    server, _bucket = s3_storage
    client.force_login(world.alice)
    before = counts()
    with bucket_down(server):
        response = client.post(
            NEW.format(pk=world.a.pk),
            {
                "followups-date": "15/03/2567",
                "followups-title": "ประชุมติดตามผล",
                "followups-presented_to_director": "on",
                "followups-evidence-files": [SimpleUploadedFile("บันทึก.pdf", PDF_BYTES)],
            },
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert STORE_DOWN in page
    assert "โปรดเลือกไฟล์อีกครั้ง" in page
    assert 'value="15/03/2567"' in page and 'value="ประชุมติดตามผล"' in page
    assert counts() == before


def test_an_upload_while_the_bucket_is_down_is_refused_with_the_reason(client, world, s3_storage):
    server, _bucket = s3_storage
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    before = counts()
    with bucket_down(server):
        response = upload(client, world, rec, "บันทึก.pdf", PDF_BYTES)
    assert response.status_code == 200  # the item's part, for htmx, with the refusal on the record
    assert STORE_DOWN in response.content.decode()
    assert counts() == before


def test_a_second_file_the_bucket_refuses_takes_the_first_one_out_again(world, s3_storage, monkeypatch):
    """Two files in one save: the first is in the bucket when the second fails (the connection
    error is raised here: stopping moto's server would empty the bucket); the record and both
    rows are rolled back and the first object is deleted from the real bucket again."""
    server, bucket = s3_storage
    bucket_storage = storages["default"]  # the S3Storage the Evidence FileField writes through
    stores = bucket_storage._save
    in_bucket = []

    def store_then_fail(name, content):
        if in_bucket:
            in_bucket.append(server.keys(bucket))
            raise EndpointConnectionError(endpoint_url=server.endpoint)
        in_bucket.append(stores(name, content))
        return in_bucket[0]

    monkeypatch.setattr(bucket_storage, "_save", store_then_fail)
    with pytest.raises(EvidenceRejected) as refused:
        save_record_with_evidence(
            world.a,
            "1.2.2",
            "followups",
            date=dt.date(2024, 3, 15),
            data={"presented_to_director": True},
            title="",
            note="",
            files=[SimpleUploadedFile("หนึ่ง.pdf", PDF_BYTES), SimpleUploadedFile("สอง.pdf", PDF_BYTES + b"2")],
            user=world.alice,
        )
    assert refused.value.message == STORE_DOWN
    assert in_bucket[1] == [in_bucket[0]]  # the first file was stored when the second failed
    assert not Record.objects.exists() and not Evidence.objects.exists()
    assert server.keys(bucket) == []


def test_a_download_while_the_bucket_is_down_is_a_503_page(
    client, world, s3_storage, django_capture_on_commit_callbacks
):
    server, _bucket = s3_storage
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01", signed_or_presented=True)
    evidence = add_file_evidence(world.a, SimpleUploadedFile("บันทึก.pdf", PDF_BYTES), user=world.alice, records=[rec])
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
    job = ReportJob.objects.get()
    with bucket_down(server):
        for url in (f"/evidence/{evidence.pk}/", f"/evidence/{evidence.pk}/view/", f"/reports/jobs/{job.pk}/download/"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "60"
            page = response.content.decode()
            assert "ระบบจัดเก็บไฟล์ไม่ตอบสนอง" in page and READ_DOWN in page
    assert not AuditEntry.objects.filter(action="pramern.evidence.downloaded").exists()


def test_a_delete_while_the_bucket_is_down_is_reported(client, world, s3_storage, django_capture_on_commit_callbacks):
    server, _bucket = s3_storage
    evidence = add_file_evidence(world.a, SimpleUploadedFile("ผิดไฟล์.pdf", PDF_BYTES), user=world.alice)
    name = evidence.file.name
    client.force_login(world.alice)
    with bucket_down(server), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/a/{world.a.pk}/evidence/{evidence.pk}/delete/")
    assert response.status_code == 302  # the evidence is gone from Pramern
    assert not Evidence.objects.exists()
    failed = AuditEntry.objects.get(action="pramern.storage.delete_failed")
    assert failed.data == {"files": [name], "reason": "evidence deleted"}
    assert failed.object_id == str(world.a.pk)


def test_a_purge_while_the_bucket_is_down_lists_the_files_left(
    client, world, settings, s3_storage, django_capture_on_commit_callbacks
):
    server, _bucket = s3_storage
    settings.EVIDENCE_RETENTION_YEARS = fiscal_year_of(dt.date.today()) - 2567
    old = pdf(world.a, world.alice, "ปีเก่า.pdf")
    client.force_login(world.eve)
    with bucket_down(server), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privacy/retention/", {"year": ["2567"]})
    purge = EvidencePurge.objects.get()
    assert response.status_code == 302 and purge.files == 1
    page = client.get(f"/privacy/retention/{purge.pk}/").content.decode()
    assert "ลบไฟล์ 1 ไฟล์ออกจากระบบจัดเก็บไฟล์ไม่ได้ (ระบบไม่ตอบสนอง)" in page
    assert f"<code>{old.file.name}</code>" in page
    failed = AuditEntry.objects.get(action="pramern.storage.delete_failed")
    assert failed.actor == world.eve and failed.data["files"] == [old.file.name]


def test_a_carry_over_while_the_bucket_is_down_copies_nothing(world, s3_storage):
    server, _bucket = s3_storage
    measure = record(world.a, "1.2.1", "measure", "2024-01-10", not_duplicate=True, signed_or_presented=True)
    add_file_evidence(world.a, SimpleUploadedFile("มาตรการ.pdf", PDF_BYTES), user=world.alice, records=[measure])
    new = open_next_year(world)
    with bucket_down(server), pytest.raises(CarryOverError) as refused:
        carry_over(new, [CarryPick(measure.pk, dt.date(2026, 11, 10))], user=world.alice)
    assert refused.value.message == STORE_DOWN
    assert not new.records.exists() and not new.evidence.exists()
