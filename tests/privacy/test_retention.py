"""Evidence retention: the Centre sees which fiscal years are older than the retention, purges
their files (gone from storage, rows kept and marked), and downloads a report of what went."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.utils import timezone

from pramern.assessments.models import Evidence
from pramern.audit.models import AuditEntry
from pramern.privacy.models import EvidencePurge, PurgedFile
from pramern.privacy.retention import retention_preview
from pramern.reports.evidence_zip import build_evidence_zip, evidence_zip_size
from pramern.reports.models import ReportJob
from pramern.thaidates import fiscal_year_of
from tests.assessments.newyear import install_next_year
from tests.factories import assessment, record
from tests.privacy.files import pdf

pytestmark = pytest.mark.identity


@pytest.fixture
def years(world, settings):
    """Two FY2567 files of unit A (one supporting records of two items) and one of unit B; a
    FY2570 file of unit A. The retention keeps FY2570 but not FY2567, whatever today is."""
    settings.EVIDENCE_RETENTION_YEARS = fiscal_year_of(dt.date.today()) - 2567
    first = record(world.a, "1.2.2", "followups", "2024-03-15")
    second = record(world.a, "1.2.1", "followups", "2024-03-20")
    old_a = pdf(world.a, world.alice, "รายงานการประชุม นายสมชาย.pdf", records=(first, second), extra=b"a")
    old_a2 = pdf(world.a, world.alice, "ภาพถ่าย.pdf", extra=b"bb")
    old_b = pdf(world.b, world.bob, "บันทึก.pdf", extra=b"ccc")
    newer = assessment(world.unit_a, install_next_year())
    young = pdf(newer, world.alice, "ปีนี้.pdf", extra=b"dddd")
    return {"old": [old_a, old_a2, old_b], "young": young}


def stored(evidence):
    return evidence.file.storage.exists(evidence.file.name)


def test_the_centre_sees_the_years_older_than_the_retention(client, world, years):
    client.force_login(world.eve)
    page = client.get("/privacy/retention/")
    assert page.status_code == 200
    preview = page.context["preview"]
    by_year = {y.year: y for y in preview.years}
    old = years["old"]
    assert (by_year[2567].files, by_year[2567].size, by_year[2567].purgeable) == (3, sum(e.size for e in old), True)
    assert (by_year[2570].files, by_year[2570].purgeable) == (1, False)
    html = page.content.decode()
    assert 'name="year" value="2567"' in html and 'name="year" value="2570"' not in html


def test_the_purge_removes_the_old_files_and_keeps_a_record(client, world, years, django_capture_on_commit_callbacks):
    client.force_login(world.eve)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privacy/retention/", {"year": ["2567"]})
    purge = EvidencePurge.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/privacy/retention/{purge.pk}/"
    assert (purge.fiscal_years, purge.files, purge.purged_by) == ([2567], 3, world.eve)
    for ev in years["old"]:
        name = ev.file.name
        assert not ev.file.storage.exists(name)
        ev.refresh_from_db()
        assert ev.purged_at is not None and not ev.file
    young = years["young"]
    assert stored(young)
    young.refresh_from_db()
    assert young.purged_at is None
    files = {f.original_name: f for f in PurgedFile.objects.filter(purge=purge)}
    assert set(files) == {"รายงานการประชุม นายสมชาย.pdf", "ภาพถ่าย.pdf", "บันทึก.pdf"}
    meeting = files["รายงานการประชุม นายสมชาย.pdf"]
    assert (meeting.unit_code, meeting.items, meeting.fiscal_year) == ("oae-bapp", "1.2.1, 1.2.2", 2567)
    assert meeting.sha256 == years["old"][0].sha256 and meeting.size == years["old"][0].size
    entry = AuditEntry.objects.get(action="pramern.privacy.evidence_purged")
    assert entry.actor == world.eve and entry.data["files"] == 3 and entry.data["years"] == [2567]
    # The records and the evidence rows stay.
    assert Evidence.objects.count() == 4


def test_the_report_lists_the_removed_files_with_thai_headers(client, world, years):
    client.force_login(world.eve)
    client.post("/privacy/retention/", {"year": ["2567"]})
    purge = EvidencePurge.objects.get()
    page = client.get(f"/privacy/retention/{purge.pk}/").content.decode()
    assert "รายงานการประชุม นายสมชาย.pdf" in page
    response = client.get(f"/privacy/retention/{purge.pk}/report.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("ปีงบประมาณ", "รหัสหน่วยงาน", "หน่วยงาน", "ข้อ", "ชื่อไฟล์")
    assert sorted(r[4] for r in rows[1:]) == sorted(["รายงานการประชุม นายสมชาย.pdf", "ภาพถ่าย.pdf", "บันทึก.pdf"])
    meeting = next(r for r in rows[1:] if r[4] == "รายงานการประชุม นายสมชาย.pdf")
    assert meeting[7] == years["old"][0].sha256
    assert "107041E" in sheet.cell(row=2, column=10).number_format  # the date shown in the Buddhist era


def test_purged_evidence_offers_no_broken_download(client, world, years):
    old = years["old"][0]
    client.force_login(world.alice)
    item = f"/a/{world.a.pk}/items/1.2.2/"
    assert f"/evidence/{old.pk}/" in client.get(item).content.decode()  # the page is cached now
    client.force_login(world.eve)
    client.post("/privacy/retention/", {"year": ["2567"]})
    client.force_login(world.alice)
    page = client.get(item).content.decode()
    assert f"/evidence/{old.pk}/" not in page and "ตามนโยบายการเก็บรักษาหลักฐาน" in page
    library = client.get(f"/a/{world.a.pk}/evidence/").content.decode()
    assert f"/evidence/{old.pk}/" not in library
    assert "ตามนโยบายการเก็บรักษาหลักฐาน" in library
    assert client.get(f"/evidence/{old.pk}/").status_code == 404
    assert client.get(f"/evidence/{old.pk}/view/").status_code == 404


def test_a_year_within_the_retention_is_refused(client, world, years):
    client.force_login(world.adam)
    response = client.post("/privacy/retention/", {"year": ["2570"]})
    assert response.status_code == 400
    assert "2570" in response.content.decode()
    assert not EvidencePurge.objects.exists()
    assert all(stored(e) for e in [*years["old"], years["young"]])


def test_unit_people_and_executives_are_refused(client, world, years):
    for who in (world.alice, world.dan, world.bob, world.xena):
        client.force_login(who)
        assert client.get("/privacy/retention/").status_code == 403, who
        assert client.post("/privacy/retention/", {"year": ["2567"]}).status_code == 403, who
    assert not EvidencePurge.objects.exists()
    assert all(stored(e) for e in years["old"])


def test_the_report_is_refused_to_unit_people(client, world, years):
    client.force_login(world.eve)
    client.post("/privacy/retention/", {"year": ["2567"]})
    purge = EvidencePurge.objects.get()
    client.force_login(world.alice)
    assert client.get(f"/privacy/retention/{purge.pk}/").status_code == 403
    assert client.get(f"/privacy/retention/{purge.pk}/report.xlsx").status_code == 403


def test_the_evidence_zip_lists_a_purged_file_without_it(client, world, years):
    client.force_login(world.eve)
    client.post("/privacy/retention/", {"year": ["2567"]})
    assert evidence_zip_size(world.a, "R12").files == 0
    stream = io.BytesIO()
    assert build_evidence_zip(world.a, "R12", stream) == 0
    with zipfile.ZipFile(stream) as archive:
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert "รายงานการประชุม นายสมชาย.pdf" in manifest
    assert "ลบไฟล์แล้วตามนโยบายการเก็บรักษาหลักฐาน" in manifest


def test_the_evidence_zip_download_is_logged(client, world, years, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/a/{world.a.pk}/evidence.zip", {"round": "R12"})
    job = ReportJob.objects.get()
    assert response.status_code == 302
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert zipfile.is_zipfile(io.BytesIO(b"".join(download.streaming_content)))
    entry = AuditEntry.objects.get(action="pramern.evidence.zip_downloaded")
    assert entry.actor == world.alice and entry.data["kind"] == "evidence_zip"


@pytest.mark.parametrize(
    ("utc", "day", "year"),
    [
        # 30 Sep 2025 17:30 UTC is already 1 Oct 2025 00:30 in Bangkok: FY2569 has begun.
        (dt.datetime(2025, 9, 30, 17, 30, tzinfo=dt.UTC), dt.date(2025, 10, 1), 2569),
        # 30 Sep 2025 16:30 UTC is 23:30 in Bangkok: still FY2568.
        (dt.datetime(2025, 9, 30, 16, 30, tzinfo=dt.UTC), dt.date(2025, 9, 30), 2568),
    ],
)
def test_the_fiscal_year_turns_on_bangkok_time(world, settings, monkeypatch, utc, day, year):
    """Regression (review C3): the preview read the server's date (dt.date.today()), not
    Thailand's; it reads Django's clock in TIME_ZONE (Asia/Bangkok)."""
    assert settings.TIME_ZONE == "Asia/Bangkok"
    monkeypatch.setattr(timezone, "now", lambda: utc)
    preview = retention_preview()
    assert (preview.today, preview.current_year) == (day, year)
