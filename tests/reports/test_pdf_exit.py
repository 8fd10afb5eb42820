"""A process that printed a PDF with its warm Chromium ends cleanly: exit status 0, not a crash.

Each test runs a short script in a fresh Python process, the way cron, a management command or
the report worker would: Django set up on an in-memory SQLite database, one unit's score card
printed, then the process ends (or the worker's shutdown hooks run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

PRINT_A_SCORECARD = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command

class NoMigrations(dict):  # tables straight from the models: faster than running migrations
    def __contains__(self, app):
        return True
    def __getitem__(self, app):
        return None

settings.MIGRATION_MODULES = NoMigrations()
call_command("migrate", run_syncdb=True, verbosity=0)
from tests.factories import assessment, framework, unit
from pramern.reports.pdf import unit_scorecard_pdf

pdf = unit_scorecard_pdf(assessment(unit("oae-test", "หน่วยทดสอบ"), framework()))
assert pdf.startswith(b"%PDF"), pdf[:20]
print("printed")
"""


def run_script(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if not shutil.which(settings.CHROMIUM):
        message = f"{settings.CHROMIUM} not found: install it with `sudo apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pramern.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "sqlite://:memory:",
        "PRAMERN_MEDIA_ROOT": str(tmp_path / "media"),
        "PRAMERN_PDF_WARM_BROWSER": "true",
    }
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.browser
def test_a_process_that_printed_a_pdf_exits_cleanly(tmp_path):
    """Before the fix the script below died at exit with SIGSEGV (-11, shell status 139)."""
    done = run_script(PRINT_A_SCORECARD, tmp_path)
    assert "printed" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0, f"exit status {done.returncode}\n{done.stderr[-2000:]}"


@pytest.mark.browser
def test_the_report_workers_shutdown_closes_the_printer_and_the_next_pdf_starts_it_again(tmp_path):
    """huey calls its shutdown hooks when a worker stops (a restart too): Chromium goes with it.
    A PDF printed afterwards starts a new Chromium, which the exit hook closes."""
    script = PRINT_A_SCORECARD + textwrap.dedent("""
        import threading
        from huey.contrib.djhuey import HUEY
        from huey.consumer import Worker

        import pramern.reports.tasks  # noqa: F401 - the consumer loads it the same way
        printer_threads = lambda: [t for t in threading.enumerate() if t.name == "pramern-pdf"]
        assert printer_threads()
        Worker(HUEY, threading.Event(), 0.1, 1, 1.15).shutdown()
        assert not printer_threads(), "Chromium still running"
        from pramern.reports.printing import html_to_pdf
        assert html_to_pdf("<p lang='th'>อีกครั้ง</p>").startswith(b"%PDF")
        assert printer_threads()
        print("closed and printed again")
    """)
    done = run_script(script, tmp_path)
    assert "closed and printed again" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0, f"exit status {done.returncode}\n{done.stderr[-2000:]}"
