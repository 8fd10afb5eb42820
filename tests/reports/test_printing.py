"""Chromium prints HTML to PDF (reports/printing.py): warm through Playwright or one run per PDF,
with clear errors when Chromium is missing, fails or takes too long, and no script in a report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pramern.reports.pdf import fonts_dir
from pramern.reports.printing import PdfError, html_to_pdf
from tests.reports.poppler import poppler, text_of

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_chromium_is_a_clear_error(settings):
    settings.CHROMIUM = "/nonexistent/chromium"

    with pytest.raises(PdfError, match="Chromium not found at /nonexistent/chromium"):
        html_to_pdf("<p>ทดสอบ</p>")


def test_a_failing_chromium_is_a_clear_error(settings):
    settings.PDF_WARM_BROWSER = False  # one Chromium run per PDF, as without Playwright
    settings.CHROMIUM = shutil.which("false")

    with pytest.raises(PdfError, match=r"failed to print the PDF \(exit 1\)"):
        html_to_pdf("<p>ทดสอบ</p>")


@pytest.mark.browser
@pytest.mark.parametrize("warm", [True, False])
def test_a_chromium_that_takes_too_long_is_stopped(tools, settings, warm):
    settings.PDF_WARM_BROWSER = warm
    with pytest.raises(PdfError, match="did not finish the PDF in 0 s"):
        html_to_pdf("<p>ทดสอบ</p>", timeout=0.05)


@pytest.mark.browser
@pytest.mark.parametrize("warm", [True, False])
def test_both_printers_keep_the_thai_text_layer(tools, settings, tmp_path, warm):
    settings.PDF_WARM_BROWSER = warm
    # The shipped Sarabun, as in every report: the machine may have no Thai font of its own
    # (Chromium's fallback glyphs then lose letters such as ก from the text layer).
    sarabun = (fonts_dir() / "Sarabun-Regular.ttf").as_uri()
    pdf = html_to_pdf(
        f'<html lang="th"><head><style>@font-face {{ font-family: Sarabun; src: url("{sarabun}"); }}'
        "body { font-family: Sarabun; }</style></head>"
        "<body><p>สำนักงานเศรษฐกิจการเกษตร น้ำ ทำ</p></body></html>"
    )
    assert "สำนักงานเศรษฐกิจการเกษตร น้ำ ทำ" in text_of(pdf, tmp_path)
    assert "Sarabun" in poppler("pdffonts", pdf, tmp_path)


@pytest.mark.browser
def test_no_script_runs_in_a_report(tools, settings, tmp_path):
    settings.PDF_WARM_BROWSER = True
    html = (
        '<html><body><p id="p">ไม่มีสคริปต์</p>'
        "<script>document.getElementById('p').textContent = 'SCRIPT RAN';</script></body></html>"
    )
    text = text_of(html_to_pdf(html), tmp_path)
    assert "SCRIPT RAN" not in text and "สคริปต์" in text  # the page printed, as written


def test_the_web_process_does_not_import_playwright():
    """Playwright takes ~0.3 s to import: only a process that prints pays for it. The report
    views and tasks import the PDF modules at the top, so those must not import it."""
    code = (
        "import sys, django; django.setup(); import pramern.urls, pramern.reports.tasks; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'playwright'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pramern.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


# ---- issue 13: prod (web processes keep no Chromium; their PDFs print in bounded one-off runs) ---


@pytest.mark.browser
def test_a_web_process_prints_without_keeping_a_chromium(tools, web_process, tmp_path):
    import psutil

    from pramern.reports import printing

    def chromiums() -> set[int]:
        return {p.pid for p in psutil.Process().children(recursive=True) if "chrom" in p.name()}

    printing.close_printer()  # an earlier test's warm Chromium, if any
    before = chromiums()  # the browser tests' Chromium, when they ran in this process
    pdf = html_to_pdf("<p>ทดสอบ</p>")
    assert pdf.startswith(b"%PDF")
    assert printing._PRINTER.thread is None  # the warm printer never started
    assert chromiums() - before == set()


def test_a_web_process_waits_for_a_free_slot_and_no_longer(web_process, settings):
    import fcntl

    settings.PDF_WEB_SLOTS = 1
    settings.CHROMIUM = shutil.which("false")  # reaches Chromium only through a free slot
    web_process.mkdir(mode=0o700)
    with open(web_process / "slot-0", "w") as taken:  # another web process is printing
        fcntl.flock(taken, fcntl.LOCK_EX)
        with pytest.raises(PdfError, match="Every PDF printer of this server was busy for 0 s"):
            html_to_pdf("<p>ทดสอบ</p>", timeout=0.3)
    with pytest.raises(PdfError, match=r"failed to print the PDF \(exit 1\)"):  # the slot is free again
        html_to_pdf("<p>ทดสอบ</p>", timeout=0.3)


def test_the_wsgi_application_is_a_web_process():
    code = "import pramern.wsgi; from pramern.reports import printing, tasks; print(printing._in_web_process)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pramern.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"


def test_a_web_process_waits_pdf_web_wait_for_a_slot_not_the_print_timeout(web_process, settings):
    import time

    from pramern.reports.printing import PrinterBusy
    from tests.printslots import slot_taken

    settings.PDF_WEB_SLOTS = 1
    settings.PDF_WEB_WAIT = 0.3
    settings.CHROMIUM = shutil.which("false")
    with slot_taken(web_process):
        started = time.monotonic()
        with pytest.raises(PrinterBusy, match="busy for 0 s"):
            html_to_pdf("<p>ทดสอบ</p>")  # the print's own timeout: 60 s
        assert time.monotonic() - started < 10
