"""Time of the Thai PDF reports (Chromium print-to-PDF) with 1,000 units seeded.

    .venv/bin/python bench/pdf_bench.py [--units 1000] [--samples 5] [--database-url URL] [--keep DIR]

Seeds a fresh database (a temporary SQLite file unless --database-url is given) the way
``bench/workspace_bench.py`` does: ``--units`` units, each with an FY2567 assessment of about
110 generated records. Then refreshes every unit's score cards and times
``unit_scorecard_pdf`` for one unit (``--samples`` runs; target under 1 s) and
``consolidated_pdf`` of the 12-month round for all units (one Chromium run).
``--keep DIR`` writes the PDFs there to look at.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="folder to write the PDFs to")
    args = parser.parse_args()

    from seeding import refresh_all, seed_units, setup_django

    setup_django(args.database_url)
    from django.template.loader import render_to_string
    from django.utils import translation

    from pramern.assessments.models import Assessment
    from pramern.reports.pdf import (
        LAYOUT_DONE,
        PRINT_DONE,
        consolidated_pdf,
        unit_scorecard_context,
        unit_scorecard_pdf,
    )
    from pramern.reports.printing import html_to_pdf

    framework = seed_units(args.units)
    refresh_all()
    assessments = list(Assessment.objects.with_unit().order_by("unit__code"))

    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    one = assessments[len(assessments) // 2]
    times = []
    for _ in range(args.samples):
        begin = time.perf_counter()
        pdf = unit_scorecard_pdf(one)
        times.append(time.perf_counter() - begin)
    if keep:
        (keep / "scorecard.pdf").write_bytes(pdf)
    print(
        f"unit_scorecard_pdf   median {statistics.median(times):6.2f} s   max {max(times):6.2f} s   "
        f"({len(pdf) // 1024} KB, {args.samples} runs; target < 1 s)"
    )
    begin = time.perf_counter()
    with translation.override("th"):
        html = render_to_string("reports/scorecard_pdf.html", unit_scorecard_context(one))
    built = time.perf_counter() - begin
    chromium = []
    for _ in range(args.samples):
        begin = time.perf_counter()
        html_to_pdf(html)
        chromium.append(time.perf_counter() - begin)
    print(f"  of which: data and template {built:.3f} s, Chromium median {statistics.median(chromium):.2f} s")

    heard: dict[int, float] = {}
    begin = time.perf_counter()
    pdf = consolidated_pdf(
        framework, "R12", progress=lambda percent, _stage: heard.setdefault(percent, time.perf_counter())
    )
    elapsed = time.perf_counter() - begin
    if keep:
        (keep / "consolidated.pdf").write_bytes(pdf)
    print(
        f"consolidated_pdf     {elapsed:6.2f} s for {args.units} units   ({len(pdf) // 1024} KB): "
        f"data {heard[LAYOUT_DONE] - begin:.2f} s, Chromium {heard[PRINT_DONE] - heard[LAYOUT_DONE]:.2f} s; "
        f"progress {min(heard)}..{max(heard)} in {len(heard)} steps"
    )


if __name__ == "__main__":
    main()
