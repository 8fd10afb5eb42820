"""Time of the score exports (xlsx workbook and CSV) with 1,000 units seeded.

    .venv/bin/python bench/export_bench.py [--units 1000] [--repeat 3] [--database-url URL] [--keep FILE]

Seeds a fresh database (a temporary SQLite file unless --database-url is given) the way
bench/workspace_bench.py does: 1,000 units, each with an FY2567 assessment of about 110
generated records. Then refreshes every unit's score cards (timed on its own: it is done after
each change, not when exporting), and times ``build_workbook`` (41,000 item rows, the dimension
summary and the information sheet) and ``write_items_csv``, ``--repeat`` times each.
Target on the 2-core reference machine: the workbook in under 5 s.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def timed(label: str, repeat: int, action: Any) -> list[float]:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    print(
        f"{label:<26} median {statistics.median(times):6.2f} s   best {min(times):6.2f} s   "
        f"({', '.join(f'{t:.2f}' for t in times)})"
    )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="also write the workbook to this file")
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

    framework = seed_units(args.units)
    refresh_all()  # after changes, not per export

    sizes: dict[str, int] = {}

    def workbook() -> None:
        stream = io.BytesIO()
        build_workbook(framework, stream)
        sizes["xlsx"] = len(stream.getvalue())
        if args.keep:
            Path(args.keep).write_bytes(stream.getvalue())

    def items_csv() -> None:
        stream = io.BytesIO()
        write_items_csv(framework, stream)
        sizes["csv"] = len(stream.getvalue())

    def rows_only() -> None:
        exporter = ItemScoresExporter(framework)
        sizes["rows"] = sum(1 for _ in exporter.rows())

    def from_loaded_scores() -> None:
        book = XlsxBook(framework.title_th)
        for exporter in (ItemScoresExporter, DimensionSummaryExporter, ReportInfoExporter):
            book.add(exporter(framework, scores=loaded))
        book.save(io.BytesIO())

    loaded = unit_scores(framework)
    timed("read score cards", args.repeat, lambda: unit_scores(framework))
    timed("item rows (no writing)", args.repeat, rows_only)
    timed("workbook, scores in memory", args.repeat, from_loaded_scores)
    times = timed("build_workbook (xlsx)", args.repeat, workbook)
    timed("write_items_csv", args.repeat, items_csv)
    print(
        f"{sizes['rows']} item rows; xlsx {sizes['xlsx'] / 1e6:.1f} MB, csv {sizes['csv'] / 1e6:.1f} MB; "
        f"workbook target < 5 s: {'met' if statistics.median(times) < 5 else 'MISSED'}"
    )
    if not args.database_url:
        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
