"""Time of the score exports (xlsx workbook and CSV) with 1,000 units seeded, and the workbook
against the writer it replaced, in one run.

    .venv/bin/python bench/export_bench.py [--units 1000] [--repeat 5] [--database-url URL] [--keep FILE] [--compare]

Seeds a fresh database (a temporary SQLite file unless --database-url is given) the way
bench/workspace_bench.py does: 1,000 units, each with an FY2567 assessment of about 110
generated records. Then refreshes every unit's score cards (timed on its own: it is done after
each change, not when exporting), and times ``build_workbook`` (41,000 item rows, the dimension
summary and the information sheet) and ``write_items_csv``, ``--repeat`` times each.

The workbook is also timed against the hand-written SpreadsheetML writer that XlsxWriter
replaced: ``exporters.py`` as it was at ``BASELINE`` (read with ``git show``, loaded as a
temporary module) and the current one write the same data alternately, old then new, so that
the machine's load falls on both alike. ``--compare`` also reads both workbooks back with
openpyxl and checks that every sheet holds the same values, number formats and fonts.
Target on the 2-core reference machine: the workbook in under 5 s, and no slower than before.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: The last commit before XlsxWriter: its exporters.py holds the hand-written writer.
BASELINE = "65b7820"


def timed(label: str, repeat: int, action: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    report(label, times)
    return times


def report(label: str, times: list[float]) -> None:
    print(
        f"{label:<34} median {statistics.median(times):6.2f} s   best {min(times):6.2f} s   "
        f"({', '.join(f'{t:.2f}' for t in times)})"
    )


def previous_exporters(folder: Path) -> ModuleType:
    """``pramern/reports/exporters.py`` at ``BASELINE``, loaded under another name."""
    source = subprocess.run(
        ["git", "show", f"{BASELINE}:pramern/reports/exporters.py"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    path = folder / "previous_exporters.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("previous_exporters", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alternately(repeat: int, old: Callable[[], Any], new: Callable[[], Any]) -> tuple[list[float], list[float]]:
    before: list[float] = []
    after: list[float] = []
    for _ in range(repeat):
        for action, times in ((old, before), (new, after)):
            begin = time.perf_counter()
            action()
            times.append(time.perf_counter() - begin)
    return before, after


def widths(sheet: Any) -> dict[int, float]:
    """Column number -> width (a ``<col>`` may cover several equal columns)."""
    out = {}
    for dimension in sheet.column_dimensions.values():
        for number in range(dimension.min, dimension.max + 1):
            out[number] = dimension.width
    return out


def compare(old_bytes: bytes, new_bytes: bytes) -> None:
    """Both workbooks read back: the same sheets, values, number formats and fonts, cell by cell."""
    from openpyxl import load_workbook

    old_book = load_workbook(io.BytesIO(old_bytes))
    new_book = load_workbook(io.BytesIO(new_bytes))
    assert old_book.sheetnames == new_book.sheetnames, (old_book.sheetnames, new_book.sheetnames)
    cells = 0
    for name in old_book.sheetnames:
        old_sheet, new_sheet = old_book[name], new_book[name]
        assert old_sheet.freeze_panes == new_sheet.freeze_panes, name
        assert old_sheet.auto_filter.ref == new_sheet.auto_filter.ref, name
        assert widths(old_sheet) == widths(new_sheet), name
        for old_row, new_row in zip(old_sheet.iter_rows(), new_sheet.iter_rows(), strict=True):
            for old_cell, new_cell in zip(old_row, new_row, strict=True):
                if old_cell.value is None and new_cell.value is None:
                    continue
                cells += 1
                where = f"{name}!{old_cell.coordinate}"
                assert old_cell.value == new_cell.value, (where, old_cell.value, new_cell.value)
                assert old_cell.number_format == new_cell.number_format, where
                assert (old_cell.font.name, old_cell.font.sz, old_cell.font.b) == (
                    new_cell.font.name,
                    new_cell.font.sz,
                    new_cell.font.b,
                ), where
                assert old_cell.alignment.wrap_text == new_cell.alignment.wrap_text, where
        for number in range(1, old_sheet.max_row + 1):
            old_height = old_sheet.row_dimensions[number].height
            new_height = new_sheet.row_dimensions[number].height
            # XlsxWriter stores heights in whole pixels (0.75 pt), as Excel draws them
            assert abs(old_height - new_height) <= 0.375, (name, number, old_height, new_height)
    print(f"compared: the same {cells} cells (values, number formats, fonts, wrapping), widths and row heights")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="also write the workbook to this file")
    parser.add_argument("--compare", action="store_true", help="check that both writers' workbooks hold the same")
    args = parser.parse_args()

    from seeding import refresh_all, seed_units, setup_django

    scratch = setup_django(args.database_url)
    from django.db import connection

    from pramern.reports.data import unit_scores
    from pramern.reports.exporters import (
        DimensionSummaryExporter,
        ItemScoresExporter,
        ReportInfoExporter,
        XlsxBook,
        build_workbook,
        write_items_csv,
    )

    modules = Path(tempfile.mkdtemp(prefix="pramern-bench-"))
    previous = previous_exporters(modules)

    framework = seed_units(args.units)
    refresh_all()  # after changes, not per export

    sizes: dict[str, int] = {}
    written: dict[str, bytes] = {}

    def workbook() -> None:
        stream = io.BytesIO()
        build_workbook(framework, stream)
        sizes["xlsx"] = len(stream.getvalue())
        if args.keep:
            Path(args.keep).write_bytes(stream.getvalue())

    def previous_workbook() -> None:
        stream = io.BytesIO()
        previous.build_workbook(framework, stream)
        sizes["previous xlsx"] = len(stream.getvalue())

    def items_csv() -> None:
        stream = io.BytesIO()
        write_items_csv(framework, stream)
        sizes["csv"] = len(stream.getvalue())

    def rows_only() -> None:
        exporter = ItemScoresExporter(framework, scores=loaded)
        sizes["rows"] = sum(1 for _ in exporter.rows())

    def from_loaded_scores() -> None:
        stream = io.BytesIO()
        book = XlsxBook(stream, framework.title_th)
        for exporter in (ItemScoresExporter, DimensionSummaryExporter, ReportInfoExporter):
            book.add(exporter(framework, scores=loaded))
        book.close()
        written["new"] = stream.getvalue()

    def previous_from_loaded_scores() -> None:
        book = previous.XlsxBook(framework.title_th)
        for exporter in (previous.ItemScoresExporter, previous.DimensionSummaryExporter, previous.ReportInfoExporter):
            book.add(exporter(framework, scores=loaded))
        stream = io.BytesIO()
        book.save(stream)
        written["old"] = stream.getvalue()

    loaded = unit_scores(framework)
    timed("read score cards", args.repeat, lambda: unit_scores(framework))
    timed("item rows (no writing)", args.repeat, rows_only)

    print(f"-- the workbook, previous writer ({BASELINE}) and XlsxWriter alternately:")
    old, new = alternately(args.repeat, previous_from_loaded_scores, from_loaded_scores)
    report("  previous, scores in memory", old)
    report("  XlsxWriter, scores in memory", new)
    in_memory = statistics.median(new) / statistics.median(old)
    old_full, new_full = alternately(args.repeat, previous_workbook, workbook)
    report("  previous build_workbook", old_full)
    report("  XlsxWriter build_workbook", new_full)
    full = statistics.median(new_full) / statistics.median(old_full)
    for label, ratio in (("scores in memory", in_memory), ("build_workbook", full)):
        verdict = "no slower" if ratio <= 1 else "SLOWER"
        print(f"  ratio XlsxWriter / previous, {label}: {ratio:.2f} ({verdict})")

    timed("write_items_csv", args.repeat, items_csv)
    print(
        f"{sizes['rows']} item rows; xlsx {sizes['xlsx'] / 1e6:.1f} MB (previous {sizes['previous xlsx'] / 1e6:.1f} MB), "
        f"csv {sizes['csv'] / 1e6:.1f} MB; "
        f"workbook target < 5 s: {'met' if statistics.median(new_full) < 5 else 'MISSED'}"
    )
    if args.compare:
        compare(written["old"], written["new"])
    shutil.rmtree(modules, ignore_errors=True)
    if not args.database_url:
        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
