"""Time of a dry run over 1,000 seeded assessments, and of validating FY2567, in one run.

    .venv/bin/python bench/dryrun_bench.py [--units 1000] [--database-url URL] [--no-cards]

Seeds a fresh database (a temporary SQLite file unless --database-url is given) with 1,000
units, each with an FY2567 assessment of about 110 generated records, then prints:
- the time of validating FY2567 (``parse_framework`` of its text, median of 5);
- the time of a dry run of a draft (FY2567 with one line's points moved to another) against
  every assessment and the example files, first without stored score cards (the score under
  FY2567 recomputed too), then with them (``refresh_scores`` first, as a running system has),
  with the number of queries of each.
Target: a dry run over 1,000 units takes seconds, not minutes. The CPU time of the process is
printed beside the wall time: on a shared machine the wall time grows with the others' load.
"""

from __future__ import annotations

import argparse
import copy
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
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-cards", action="store_true", help="skip the run with stored score cards")
    args = parser.parse_args()

    from seeding import refresh_all, seed_units, setup_django

    setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pramern.scoring import parse_framework
    from pramern.scoring.yamlio import dump_framework, load_text
    from pramern.studio.dryrun import dry_run

    text = (ROOT / "frameworks-data" / "oae-2567.yaml").read_text(encoding="utf-8")
    times, cpu = [], []
    for _ in range(5):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        parse_framework(text, "oae-2567.yaml")
        times.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    print(
        f"validate FY2567 (parse_framework, {len(text) // 1024} KB): median {statistics.median(times) * 1000:.0f} ms "
        f"({statistics.median(cpu) * 1000:.0f} ms of CPU)"
    )

    framework = seed_units(args.units)
    document = copy.deepcopy(load_text(text, "oae-2567.yaml"))
    lines = document["dimensions"][0]["items"][1]["items"][1]["lines"]  # 1.2.2
    lines[0]["points"], lines[1]["points"] = 0.5, 1
    draft = parse_framework(dump_framework(document), "draft.yaml")

    def run(label: str) -> None:
        framework.compiled()  # compiled once per process, as on a server
        with CaptureQueriesContext(connection) as captured:
            begin, cpu = time.perf_counter(), time.process_time()
            result = dry_run(draft, framework)
            elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu
        final = result.rounds[-1]
        print(
            f"dry run {label}: {elapsed:.2f} s ({cpu:.2f} s of CPU in this process) for {result.units} assessments"
            f" + {result.files} example files ({elapsed / max(result.scored, 1) * 1000:.1f} ms each), {len(captured)} queries; "
            f"R12 totals {final.minimum}–{final.maximum} (median {final.median}), {len(result.changes)} units listed as changed"
        )

    run("without stored score cards")
    if not args.no_cards:
        refresh_all()
        run("with stored score cards")


if __name__ == "__main__":
    main()
