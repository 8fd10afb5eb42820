"""Pramern on several hosts (issue 13, item 3): a person logs in on one web host, uploads evidence
on the other and downloads it on the first; an executive asks one host for the consolidated PDF,
the worker host builds it and the other web host hands it over. Everything a host would keep to
itself (a secret key made on start-up, a file on its disk, a job queued in a local file) breaks
the flow or is found on the host's disk at the end: the hosts share only PostgreSQL, Redis, the
bucket and the secret key from the environment (tests/cluster/conftest.py)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.steps import log_in_with

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.cluster]

#: A PDF by its first bytes, then 300 kB that no other file has: more than one read of the bucket.
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(300_000)
PDF_JOB_TIMEOUT = 180  # seconds for the worker to print the consolidated PDF (Chromium starts cold)


def _context(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH", accept_downloads=True)
    context.set_default_timeout(30_000)
    return context


def _download(page, link) -> tuple[str, bytes]:
    """Clicks ``link`` and returns the file's suggested name and its bytes."""
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.failure() is None, download.failure()
    with open(download.path(), "rb") as saved:
        return download.suggested_filename, saved.read()


def test_the_web_hosts_share_a_session_evidence_and_reports_and_keep_nothing_of_their_own(cluster, browser, tmp_path):
    a, b, pk = cluster.web_a, cluster.web_b, cluster.assessment
    memo = tmp_path / "บันทึกติดตามผล.pdf"
    memo.write_bytes(EVIDENCE)
    officer, executive = _context(browser), _context(browser)
    try:
        # Log in on A; the session cookie (127.0.0.1, either port) is B's session too.
        page = officer.new_page()
        log_in_with(page, a, "alice", cluster.password)
        assert page.url.startswith(a.url) and "/login/" not in page.url, page.url

        # Upload on B: the evidence goes into the bucket, not B's disk.
        page.goto(f"{b.url}/a/{pk}/items/1.2.2/")
        assert page.url == f"{b.url}/a/{pk}/items/1.2.2/", page.url
        page.click("#fact-followups details.add summary")
        form = page.locator("#fact-followups form.record-form")
        form.locator("#id_followups-date").fill("15/03/2567")
        form.locator("#id_followups-presented_to_director").check()
        form.locator("input[type=file]").set_input_files(str(memo))
        form.locator("button[type=submit].primary").click()
        saved = page.locator(".banner.saved")
        saved.wait_for()
        assert saved.inner_text().startswith("บันทึกรายการแล้ว พร้อมไฟล์ 1 ไฟล์ และลิงก์ 0 ลิงก์"), cluster.logs()
        evidence_keys = [key for key in cluster.s3.keys(cluster.bucket) if key.startswith(f"evidence/{pk}/")]
        assert len(evidence_keys) == 1, cluster.s3.keys(cluster.bucket)
        stored = cluster.s3.client().get_object(Bucket=cluster.bucket, Key=evidence_keys[0])["Body"].read()
        assert stored == EVIDENCE

        # Download on A, through A's access check: the same bytes.
        page.goto(f"{a.url}/a/{pk}/evidence/")
        link = page.locator("table.library a", has_text="บันทึกติดตามผล.pdf").first
        assert re.fullmatch(r"/evidence/\d+/", link.get_attribute("href") or ""), link.get_attribute("href")
        name, body = _download(page, link)
        assert (name, body) == ("บันทึกติดตามผล.pdf", EVIDENCE)

        # The executive asks A for the consolidated PDF; only the worker host runs jobs.
        page = executive.new_page()
        log_in_with(page, b, "xena", cluster.password)
        assert "/login/" not in page.url, page.url
        page.goto(f"{a.url}/dashboard/")
        page.get_by_role("button", name="สร้างรายงาน PDF รวมทุกหน่วยงาน").click()
        page.wait_for_url(re.compile(re.escape(a.url) + r"/reports/jobs/[0-9a-f-]{36}/$"))
        job_path = page.url.removeprefix(a.url)
        try:  # htmx polls A every 2 s, and stops once the worker has finished the job
            page.locator("#job-status:not([hx-get])").wait_for(timeout=PDF_JOB_TIMEOUT * 1000)
        except PlaywrightTimeoutError:
            status = page.locator("#job-status").inner_text()
            pytest.fail(f"the job did not finish within {PDF_JOB_TIMEOUT} s ({status}):\n{cluster.logs()}")
        assert page.locator("#job-status strong").inner_text() == "เสร็จแล้ว", cluster.logs()
        assert page.locator("#job-status a.primary").get_attribute("href") == f"{job_path}download/"

        # ... and downloads it from B: the worker put it in the bucket.
        page.goto(f"{b.url}{job_path}")
        name, pdf = _download(page, page.locator("#job-status a.primary"))
        assert name.endswith(".pdf") and pdf.startswith(b"%PDF-"), (name, pdf[:20])
        report_keys = [key for key in cluster.s3.keys(cluster.bucket) if key.startswith("reports/")]
        assert len(report_keys) == 1, cluster.s3.keys(cluster.bucket)
        assert cluster.s3.client().get_object(Bucket=cluster.bucket, Key=report_keys[0])["Body"].read() == pdf
        assert sorted(cluster.s3.keys(cluster.bucket)) == sorted([*evidence_keys, *report_keys])
    finally:
        officer.close()
        executive.close()

    # No host kept anything: not in its code folder (BASE_DIR: no var/secret_key, no SQLite queue),
    # not in its media folder, not in its temporary folder or HOME (the web hosts; the worker's
    # Chromium writes its settings and lock files there: scratch, not state).
    cluster.stop()
    assert cluster.web_a.host.changes() == []
    assert cluster.web_b.host.changes() == []
    assert cluster.worker.host.changes(temporary=False) == []
