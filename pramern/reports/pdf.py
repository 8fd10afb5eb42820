"""PDF reports in Thai, printed from HTML by Debian's Chromium (headless print-to-PDF).

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
- A cold start costs 0.6-1 s (a one-line page takes as long), so each process keeps one
  Chromium running and prints through it with Playwright (``_WarmPrinter``: a unit's
  scorecard in 0.4-0.6 s); without Playwright, or with ``PDF_WARM_BROWSER = False``, every PDF
  is one ``chromium --print-to-pdf`` run. The layout itself is cheap (1,028 pages in ~20 s).

Fonts come from ``static/pramern/fonts`` through absolute ``file://`` URLs: nothing is fetched.
These functions render what they are given; checking who may see verified scores is the
caller's job.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Collection
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from pramern.assessments.models import Assessment, UnitRound
from pramern.frameworks.models import Framework
from pramern.reports.data import RoundRow, UnitScores, unit_scores, without_verified
from pramern.reports.models import ScoreCard
from pramern.reports.scorecards import refresh
from pramern.scoring import Framework as CompiledFramework

logger = logging.getLogger(__name__)

ORGANIZATION = "สำนักงานเศรษฐกิจการเกษตร"
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
#: 1,000 units (1,028 pages) took about 20 s on the loaded 2-core reference machine: leave room.
SECONDS_PER_UNIT = 0.1


class PdfError(Exception):
    """Chromium is missing, failed or timed out; the message carries its stderr."""


def fonts_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "pramern" / "fonts"


def css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element (for ``content:``)."""
    escaped = "".join(
        "\\" + ch if ch in '\\"' else f"\\{ord(ch):X} " if ch == "<" or ord(ch) < 0x20 or ord(ch) == 0x7F else ch
        for ch in text
    )
    return mark_safe(f'"{escaped}"')  # every character that could end the string or the element is escaped


def base_context(page_header: str, *, title: str = "") -> dict[str, Any]:
    """What ``reports/pdf_base.html`` needs: fonts as file URLs, the running header, today's date."""
    fonts = fonts_dir()
    return {
        "title": title or page_header,
        "page_header": css_string(page_header),
        "font_regular": (fonts / "Sarabun-Regular.ttf").as_uri(),
        "font_bold": (fonts / "Sarabun-Bold.ttf").as_uri(),
        "today": timezone.localdate(),
    }


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
        try:
            self._serve(jobs)
        finally:  # pages still waiting (Chromium failed to start, or the printer closed) fail now
            while True:
                try:
                    job = jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[1].set_exception(PdfError("The PDF printer stopped before printing this page"))

    def _serve(self, jobs: queue.Queue[tuple[Path, Future[bytes]] | None]) -> None:
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
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def html_to_pdf(html: str, *, timeout: float = TIMEOUT) -> bytes:
    """The PDF Chromium prints from ``html`` (A4 and margins come from the page's CSS): by the
    process's warm Chromium when Playwright is installed, else by one Chromium run."""
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


def render_pdf(template: str, context: dict[str, Any], *, timeout: float = TIMEOUT) -> bytes:
    """A Thai template (extending ``reports/pdf_base.html``) printed to PDF."""
    with translation.override("th"):
        html = render_to_string(template, context)
    return html_to_pdf(html, timeout=timeout)


# -- one unit's score card ------------------------------------------------------------------


@dataclass(frozen=True)
class RoundColumn:
    code: str
    title: str
    state: str


@dataclass(frozen=True)
class ScoreRow:
    """A line of a score table: its maximum and (self-assessed, verified) points per round."""

    code: str
    title: str
    max_points: Decimal
    cells: list[tuple[Decimal | None, Decimal | None]]


@dataclass(frozen=True)
class DimensionTable:
    code: str
    title: str
    rows: list[ScoreRow]
    total: ScoreRow


@dataclass(frozen=True)
class OpenItem:
    """An item that has not yet earned all it can in the last round, with what it still needs."""

    code: str
    title: str
    points: Decimal
    potential: Decimal
    missing: list[str]


def _state_label(row: RoundRow | None) -> str:
    state = row.state if row else str(UnitRound.State.DRAFT)
    labels: dict[str, str] = {str(value): str(label) for value, label in UnitRound.State.choices}
    return labels.get(state, state)


def _round_columns(compiled: CompiledFramework, rows: dict[str, RoundRow]) -> list[RoundColumn]:
    return [RoundColumn(r.code, r.title.th, _state_label(rows.get(r.code))) for r in compiled.rounds]


def _item_cells(by_round: list[RoundRow | None], code: str) -> list[tuple[Decimal | None, Decimal | None]]:
    return [(r.self_items.get(code), r.verified_items.get(code)) if r else (None, None) for r in by_round]


def _dimension_cells(by_round: list[RoundRow | None], code: str) -> list[tuple[Decimal | None, Decimal | None]]:
    return [(r.self_dimensions.get(code), r.verified_dimensions.get(code)) if r else (None, None) for r in by_round]


def _dimension_tables(compiled: CompiledFramework, rows: dict[str, RoundRow]) -> list[DimensionTable]:
    by_round = [rows.get(r.code) for r in compiled.rounds]
    tables = []
    for dimension in compiled.dimensions:
        items = [
            ScoreRow(item.code, item.title.th, item.max_points, _item_cells(by_round, item.code))
            for item in dimension.items
        ]
        total = ScoreRow(
            dimension.code,
            f"รวมด้านที่ {dimension.code}",
            dimension.points,
            _dimension_cells(by_round, dimension.code),
        )
        tables.append(DimensionTable(dimension.code, dimension.title.th, items, total))
    return tables


def _open_items(compiled: CompiledFramework, row: RoundRow | None, round_index: int) -> list[OpenItem]:
    """The lines a unit has not earned in its self-assessment, as ``explain()`` marks them ✗."""
    if row is None:
        return []
    out = []
    for item in compiled.items:
        points = row.self_items.get(item.code, Decimal(0))
        potential = item.potential(round_index)
        flags = row.self_lines.get(item.code, [])
        missing = [
            line.missing.th
            for line, earned in zip(item.lines, flags, strict=False)
            if not earned and line.round.index <= round_index
        ]
        if missing and points < potential:
            out.append(OpenItem(item.code, item.title.th, points, potential, missing))
    return out


def _cards(assessment: Assessment) -> dict[str, RoundRow]:
    cards = list(ScoreCard.objects.filter(assessment=assessment))
    if not cards:
        cards = refresh(assessment)
    return {card.round_code: RoundRow.from_card(card) for card in cards}


def unit_scorecard_context(assessment: Assessment, *, verified_rounds: Collection[str] | None = None) -> dict[str, Any]:
    """Everything ``reports/scorecard_pdf.html`` shows about one unit's assessment.

    ``verified_rounds``: the rounds whose verified scores the reader may see (None: all)."""
    framework = assessment.framework
    compiled = framework.compiled()
    rows = _cards(assessment)
    if verified_rounds is not None:
        rows = {code: row if code in verified_rounds else without_verified(row) for code, row in rows.items()}
    last = compiled.rounds[-1]
    totals = ScoreRow(
        "",
        "คะแนนรวมทั้งหมด",
        compiled.total_points,
        [(r.self_total, r.verified_total) if r else (None, None) for r in (rows.get(x.code) for x in compiled.rounds)],
    )
    unit = assessment.unit
    return {
        **base_context(f"{ORGANIZATION} · {unit.name_th}", title=f"ผลการประเมิน {unit.name_th}"),
        "organization": ORGANIZATION,
        "framework_title": compiled.title.th,
        "framework_key": f"{framework.code}@{framework.version}",
        "unit": unit,
        "rounds": _round_columns(compiled, rows),
        "dimensions": _dimension_tables(compiled, rows),
        "totals": totals,
        "last_round": last.title.th,
        "open_items": _open_items(compiled, rows.get(last.code), last.index),
    }


def unit_scorecard_pdf(assessment: Assessment, *, verified_rounds: Collection[str] | None = None) -> bytes:
    """One unit's A4 score card: every item's points per round, totals and what is left to do."""
    with translation.override("th"):  # state labels are translated while the context is built
        context = unit_scorecard_context(assessment, verified_rounds=verified_rounds)
    return render_pdf("reports/scorecard_pdf.html", context)


# -- every unit of a round ------------------------------------------------------------------


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None  # None: no score card for the round
    name: str
    code: str
    self_total: Decimal | None
    verified_total: Decimal | None
    state: str
    dimensions: list[ScoreRow]


def _ranked(scores: list[UnitScores], round_code: str) -> list[tuple[UnitScores, RoundRow | None, int | None]]:
    """Units by self-assessed total, as the dashboard ranks them, then verified total where the
    reader sees it (equal pairs share a rank); unscored last."""
    scored = [(s, s.rounds[round_code]) for s in scores if round_code in s.rounds]
    scored.sort(key=lambda pair: (-pair[1].self_total, -(pair[1].verified_total or 0), pair[0].unit.code))
    out: list[tuple[UnitScores, RoundRow | None, int | None]] = []
    previous: tuple[Decimal, Decimal] | None = None
    rank = 0
    for position, (unit_score, row) in enumerate(scored, start=1):
        key = (row.self_total, row.verified_total)
        if key != previous:
            rank, previous = position, key
        out.append((unit_score, row, rank))
    out.extend((s, None, None) for s in scores if round_code not in s.rounds)
    return out


def consolidated_context(
    framework: Framework,
    round_code: str,
    progress: Callable[[int], None] | None = None,
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> dict[str, Any]:
    """Everything ``reports/consolidated_pdf.html`` shows; ``progress`` hears 0..90 as units are laid out."""
    compiled = framework.compiled()
    rounds = {r.code: r for r in compiled.rounds}
    if round_code not in rounds:
        raise PdfError(f"{framework} has no round {round_code!r}")
    scores = unit_scores(framework, verified_shown=verified_shown)
    missing = [s.assessment for s in scores if not s.rounds]
    if missing:  # never scored since they were created: score them now, as the score card does
        for assessment in missing:
            refresh(assessment)
        scores = unit_scores(framework, verified_shown=verified_shown)
    report = progress or (lambda percent: None)
    report(0)
    ranked = _ranked(scores, round_code)
    units = []
    last_percent = 0
    for done, (unit_score, row, rank) in enumerate(ranked, start=1):
        dimensions = [
            ScoreRow(d.code, d.title.th, d.points, _dimension_cells([row], d.code)) for d in compiled.dimensions
        ]
        unit = unit_score.unit
        units.append(
            RankedUnit(
                rank,
                unit.name_th,
                unit.code,
                row.self_total if row else None,
                row.verified_total if row else None,
                _state_label(row),
                dimensions,
            )
        )
        percent = 90 * done // len(ranked)
        if percent != last_percent:
            report(percent)
            last_percent = percent
    chosen = rounds[round_code]
    return {
        **base_context(f"{ORGANIZATION} · ผลการประเมิน {chosen.title.th}", title=f"ผลการประเมิน {chosen.title.th}"),
        "organization": ORGANIZATION,
        "framework_title": compiled.title.th,
        "framework_key": f"{framework.code}@{framework.version}",
        "round_title": chosen.title.th,
        "total_points": compiled.total_points,
        "units": units,
    }


def consolidated_pdf(
    framework: Framework,
    round_code: str,
    progress: Callable[[int], None] | None = None,
    *,
    verified_shown: Callable[[str, int], bool] | None = None,
) -> bytes:
    """Every unit of a round: a ranking, then a page per unit with its points per dimension.

    One Chromium run for the whole document; ``progress`` gets 0..90 while units are laid out
    and 100 once the PDF is printed.
    """
    with translation.override("th"):  # state labels are translated while the context is built
        context = consolidated_context(framework, round_code, progress, verified_shown=verified_shown)
    pdf = render_pdf(
        "reports/consolidated_pdf.html", context, timeout=TIMEOUT + SECONDS_PER_UNIT * len(context["units"])
    )
    if progress is not None:
        progress(100)
    return pdf
