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
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
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

    scratch = tempfile.mkdtemp(prefix="pramern-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pramern.settings")
    os.environ["PRAMERN_MEDIA_ROOT"] = f"{scratch}/media"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.utils import translation
    from score_bench import random_assessment

    from pramern.assessments.models import Assessment, Record
    from pramern.frameworks.models import RoundSchedule
    from pramern.frameworks.services import install_framework_file
    from pramern.organizations.models import Section, Unit
    from pramern.reports.pdf import consolidated_pdf, html_to_pdf, unit_scorecard_context, unit_scorecard_pdf
    from pramern.reports.scorecards import refresh

    call_command("migrate", verbosity=0)
    framework = install_framework_file(ROOT / "frameworks-data" / "oae-2567.yaml").framework
    today = dt.date.today()
    RoundSchedule.objects.filter(framework=framework).update(submission_deadline=today + dt.timedelta(days=30))
    compiled = framework.compiled()

    started = time.perf_counter()
    rng = random.Random(2567)
    for index in range(args.units):
        document = random_assessment(rng, compiled, index)
        unit = Unit.objects.create(code=f"unit-{index:04d}", name_th=f"สำนักงานเศรษฐกิจการเกษตรที่ {index + 1}")
        Section.objects.bulk_create(
            Section(unit=unit, code=s["code"], name_th=s["name"], position=n)
            for n, s in enumerate(document["sections"])
        )
        assessment = Assessment.objects.create(unit=unit, framework=framework, staff_counts=document["staff_count"])
        Record.objects.bulk_create(
            Record(
                assessment=assessment,
                item_code=code,
                fact=fact,
                date=dt.date.fromisoformat(raw["date"]),
                data={k: v for k, v in raw.items() if k != "date"},
            )
            for code, facts in document["items"].items()
            for fact, raws in facts.items()
            for raw in raws
        )
    seeded = time.perf_counter() - started
    print(f"seeded {args.units} units, {Record.objects.count()} records in {seeded:.1f} s ({connection.vendor})")

    started = time.perf_counter()
    assessments = list(Assessment.objects.with_unit().order_by("unit__code"))
    for assessment in assessments:
        refresh(assessment)
    print(f"refreshed {len(assessments)} units' score cards in {time.perf_counter() - started:.1f} s")

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
    pdf = consolidated_pdf(framework, "R12", progress=lambda percent: heard.setdefault(percent, time.perf_counter()))
    elapsed = time.perf_counter() - begin
    if keep:
        (keep / "consolidated.pdf").write_bytes(pdf)
    print(
        f"consolidated_pdf     {elapsed:6.2f} s for {args.units} units   ({len(pdf) // 1024} KB): "
        f"data {heard[90] - begin:.2f} s, template and Chromium {heard[100] - heard[90]:.2f} s; "
        f"progress {min(heard)}..{max(heard)} in {len(heard)} steps"
    )


if __name__ == "__main__":
    main()
