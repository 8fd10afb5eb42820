"""HTML printed to PDF by Debian's Chromium (headless print-to-PDF): the browser process, not the reports.

Why Chromium: WeasyPrint draws Thai well but its text layer turns ำ into า ("สานักงาน"), so
copying and searching inside the PDF fail. Chromium's Skia PDF backend writes a ToUnicode map
that gives the text back exactly; checked with poppler's ``pdftotext`` on Chromium 156
(Debian 12): "สำนักงานเศรษฐกิจการเกษตร", "น้ำ", "ทำ" come back intact, and ``pdffonts`` lists
Sarabun embedded and subset.

What was verified on Chromium 156.0.8078.108:

- ``--headless`` is the new headless mode (the old one left Chromium in 132) and
  ``--print-to-pdf=<file>`` writes the PDF once the page (and its fonts) has loaded.
- ``--no-pdf-header-footer`` exists (the older ``--print-to-pdf-no-header`` is gone from
  the binary) and removes Chromium's own date/URL header and footer.
- CSS page margin boxes (``@top-center``, ``@bottom-right`` with ``counter(page)`` and
  ``counter(pages)``) are printed and land in the text layer ("หน้า 1 / 2").
- Thai lines break between dictionary words (ICU) with ``lang="th"``; a compound such as
  สำนักงานเศรษฐกิจการเกษตร may break between its words (สำนักงาน|เศรษฐกิจ|การ|เกษตร).
- Pitfall: a line at the top of a page whose marks (ไม้โท, สระอำ) reach above its line box is
  also painted, clipped away, at the bottom of the previous page, and ``pdftotext`` reads it
  there as a stray word. ``line-height: 1.6`` keeps the marks inside the line box.
- Chromium writes D-Bus complaints to stderr on servers without a session bus, and Debian's
  launcher script a "[: ...: unexpected operator" line: both harmless, filtered from errors.
- A cold start costs 0.6-1 s (a one-line page takes as long), so the report worker (and any
  process but a web one) keeps one Chromium running and prints through it with Playwright
  (``_WarmPrinter``: a unit's scorecard in 0.4-0.6 s); without Playwright, or with
  ``PDF_WARM_BROWSER = False``, every PDF is one ``chromium --print-to-pdf`` run. The layout
  itself is cheap (1,028 pages in ~20 s).
- A web process (``pramern.wsgi`` calls ``print_in_web_process()``) never keeps a Chromium: a
  kept one costs ~150 MB per worker, times workers. The PDFs asked for in a page (one unit's score
  card, a framework's guideline) are one Chromium run each, at most ``PDF_WEB_SLOTS`` at once on
  the host (a slot is a lock file), waited for ``PDF_WEB_WAIT`` seconds at most (``PrinterBusy``
  then: a request thread is not held for a whole print timeout); the long ones (the consolidated
  report, the evidence ZIP) are jobs of the report worker (``reports.tasks``).

What to print (the report templates and their data) is ``reports.pdf``'s job.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    # Start-up is most of a small PDF's time: no separate GPU process, no software rasterizer
    # (a blank page: 0.6-0.7 s instead of 0.8 s on the reference machine).
    "--in-process-gpu",
    "--disable-software-rasterizer",
)
TIMEOUT = 60  # seconds


class PdfError(Exception):
    """No PDF: Chromium is missing, failed or timed out (the message carries its stderr), or a
    report was asked for something its framework does not have."""


class PrinterBusy(PdfError):
    """No PDF yet: every print slot of this host stayed taken while the web process waited for
    one. Nothing failed; the same request may succeed a moment later."""


def _chromium() -> str:
    configured = str(getattr(settings, "CHROMIUM", "/usr/bin/chromium"))
    found = shutil.which(configured)
    if not found:
        raise PdfError(
            f"Chromium not found at {configured}: install it (`apt-get install chromium`) "
            "or set PRAMERN_CHROMIUM to its path."
        )
    return found


def _stderr_tail(stderr: bytes, lines: int = 20) -> str:
    """The end of Chromium's stderr without the D-Bus noise of a server without a desktop."""
    kept = [
        line
        for line in stderr.decode("utf-8", "replace").splitlines()
        if "dbus" not in line.lower() and "unexpected operator" not in line
    ]
    return "\n".join(kept[-lines:])


def _cli_pdf(html: str, *, timeout: float = TIMEOUT) -> bytes:
    """One Chromium run prints ``html`` (used when the warm printer is not available)."""
    chromium = _chromium()
    with tempfile.TemporaryDirectory(prefix="pramern-pdf-") as scratch:
        folder = Path(scratch)
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")
        out = folder / "report.pdf"
        command = [
            chromium,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        # A session of its own, so that a timeout kills the renderer and zygote processes too.
        with subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        ) as process:
            try:
                _stdout, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                _stdout, stderr = process.communicate()
                raise PdfError(f"Chromium did not finish the PDF in {timeout:.0f} s:\n{_stderr_tail(stderr)}") from None
        if process.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            raise PdfError(f"Chromium failed to print the PDF (exit {process.returncode}):\n{_stderr_tail(stderr)}")
        return out.read_bytes()


class _WarmPrinter:
    """One Chromium kept running by this process, driven through Playwright (DevTools' own
    ``Page.printToPDF``, the same printing as ``--print-to-pdf``).

    Starting Chromium costs 0.6–1 s, more than printing a unit's scorecard (0.4–0.6 s warm).
    Playwright's synchronous objects belong to the thread that made them, so one daemon thread
    owns the browser and prints the pages handed to it, one at a time; it starts on first use.
    ``close()`` stops Chromium and waits for the thread: it runs at process exit (atexit) and
    when a report worker stops (huey's shutdown hook in ``reports.tasks``). Without the wait the
    interpreter was torn down under the thread while Playwright was still closing Chromium, and
    every process that had printed died at exit with a segmentation fault (status 139)."""

    #: How long ``close()`` waits for Chromium and Playwright's driver to stop.
    CLOSE_TIMEOUT = 15  # seconds

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Path, Future[bytes]] | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.stopping: list[threading.Thread] = []  # closed, still closing Chromium
        self.lock = threading.Lock()
        self.exit_hook = False

    def print(self, page: Path, timeout: float) -> bytes:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.jobs = queue.Queue()
                self.thread = threading.Thread(target=self._run, args=(self.jobs,), name="pramern-pdf", daemon=True)
                self.thread.start()
                if not self.exit_hook:
                    atexit.register(self.close)
                    self.exit_hook = True
            result: Future[bytes] = Future()
            self.jobs.put((page, result))  # under the lock: never behind the None that closes
        try:
            return result.result(timeout=timeout)
        except FutureTimeout:
            raise PdfError(f"Chromium did not finish the PDF in {timeout:.0f} s") from None

    def close(self) -> None:
        """Stop Chromium (after the page being printed, if any) and wait for the owning thread to
        end; the next ``print`` starts a new one. Safe to call any number of times, from any
        thread: each call waits, also for a close another thread began (a worker's shutdown hook
        and the exit hook can run at the same moment when the worker is stopped at once)."""
        with self.lock:
            if self.thread is not None:
                self.jobs.put(None)
                self.stopping.append(self.thread)
                self.thread = None
            stopping = list(self.stopping)
        for thread in stopping:
            thread.join(self.CLOSE_TIMEOUT)
            if thread.is_alive():
                logger.warning("Chromium did not stop within %s s of the PDF printer closing", self.CLOSE_TIMEOUT)
        with self.lock:
            self.stopping = [thread for thread in self.stopping if thread.is_alive()]

    def _run(self, jobs: queue.Queue[tuple[Path, Future[bytes]] | None]) -> None:
        reason = ""
        try:
            self._serve(jobs)
        except Exception as exc:  # Chromium or Playwright failed: logged, and named to the pages waiting
            logger.exception("The PDF printer stopped")
            reason = f": {type(exc).__name__}: {str(exc)[:500]}"
        finally:  # pages still waiting (Chromium failed to start, or the printer closed) fail now
            while True:
                try:
                    job = jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[1].set_exception(PdfError(f"The PDF printer stopped before printing this page{reason}"))

    def _serve(self, jobs: queue.Queue[tuple[Path, Future[bytes]] | None]) -> None:
        # Start-up time: Playwright takes ~0.3 s to import, paid only by a process that prints.
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=_chromium(),
                args=[f for f in FLAGS if f not in ("--headless", "--no-pdf-header-footer")],
            )
            try:
                while (job := jobs.get()) is not None:
                    page_path, result = job
                    try:
                        # Reports are HTML and CSS only: no script runs, whatever text a report
                        # carries. (The one-run fallback cannot switch scripts off: Chromium's
                        # --print-to-pdf then prints nothing.)
                        tab = browser.new_page(java_script_enabled=False)
                        try:
                            tab.goto(page_path.as_uri(), wait_until="load")
                            result.set_result(tab.pdf(prefer_css_page_size=True, print_background=True))
                        finally:
                            tab.close()
                    except Exception as exc:  # handed to the caller, who raises PdfError
                        result.set_exception(exc)
            finally:
                browser.close()


_PRINTER = _WarmPrinter()


def close_printer() -> None:
    """Stop this process's warm Chromium, if it runs (it starts again on the next PDF)."""
    _PRINTER.close()


def _warm_printer_available() -> bool:
    if not getattr(settings, "PDF_WARM_BROWSER", True):
        return False
    try:
        import playwright.sync_api  # noqa: F401 - is it installed? (imported on first PDF, not at start-up)
    except ImportError:
        return False
    return True


_in_web_process = False


def print_in_web_process() -> None:
    """This process serves web requests: each PDF is one Chromium run in a host-wide slot, and
    no Chromium is kept running (called by ``pramern.wsgi``)."""
    global _in_web_process
    _in_web_process = True


@contextlib.contextmanager
def _host_slot(timeout: float) -> Iterator[None]:
    """One of the host's ``PDF_WEB_SLOTS`` print slots (an exclusive lock on a file, released
    when the process holding it ends, however it ends), waited for up to ``timeout`` seconds."""
    slots = max(1, int(getattr(settings, "PDF_WEB_SLOTS", 2)))
    folder = Path(tempfile.gettempdir()) / f"pramern-pdf-slots-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        for number in range(slots):
            fd = os.open(folder / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield
            finally:
                os.close(fd)  # releases the lock
            return
        if time.monotonic() >= deadline:
            raise PrinterBusy(f"Every PDF printer of this server was busy for {timeout:.0f} s: try again in a moment")
        time.sleep(0.05)


def html_to_pdf(html: str, *, timeout: float = TIMEOUT) -> bytes:
    """The PDF Chromium prints from ``html`` (A4 and margins come from the page's CSS): in a web
    process by one Chromium run in a host-wide slot, waited for ``PDF_WEB_WAIT`` seconds at most
    (``PrinterBusy`` then); elsewhere by the process's warm Chromium when Playwright is
    installed, else by one Chromium run."""
    if _in_web_process:
        _chromium()  # a clear PdfError when Chromium is missing, before waiting for a slot
        with _host_slot(min(timeout, float(getattr(settings, "PDF_WEB_WAIT", 10)))):
            return _cli_pdf(html, timeout=timeout)
    if not _warm_printer_available():
        return _cli_pdf(html, timeout=timeout)
    _chromium()  # a clear PdfError when Chromium is missing
    with tempfile.TemporaryDirectory(prefix="pramern-pdf-") as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(html, encoding="utf-8")
        try:
            return _PRINTER.print(page, timeout)
        except PdfError:
            raise
        except Exception as exc:
            raise PdfError(f"Chromium failed to print the PDF: {exc}") from exc
