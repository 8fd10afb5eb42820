"""Score 1,000 generated FY2567 assessments in both rounds and print the speed.

    .venv/bin/python bench/score_bench.py [--units 1000] [--seed 2567] [--repeat 3]

Prints unit-rounds per second and milliseconds per unit-round for scoring (parsed
assessments in, explained results out), and, separately, the time to parse the files.
Target on the 2-core reference machine: at most 0.5 ms per unit-round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pramern.scoring import load_framework, parse_assessment, score  # noqa: E402
from pramern.scoring.model import FactSpec, Framework  # noqa: E402

START = dt.date(2023, 7, 1)
DAYS = (dt.date(2024, 8, 31) - START).days


def random_record(rng: random.Random, fact: FactSpec, sections: list[str]) -> dict[str, Any]:
    day = START + dt.timedelta(days=rng.randrange(DAYS))
    record: dict[str, Any] = {"date": day.isoformat()}
    for field in fact.fields.values():
        if field.kind == "flag":
            record[field.name] = rng.random() < 0.7
        elif field.kind == "choice":
            record[field.name] = rng.choice(sorted(field.choices))
        elif field.kind == "section":
            record[field.name] = rng.choice(sections)
        elif field.kind == "text":
            record[field.name] = "งานตัวอย่าง"
    if fact.type == "measurement":
        record["value"] = rng.randrange(0, 30)
    elif fact.type == "choice":
        record["option"] = rng.choice(sorted(fact.options))
    elif fact.type == "periodic":
        record["covers"] = f"{day.year:04d}-{day.month:02d}"
    elif fact.type == "judgement":
        record["claimed"] = rng.randrange(0, 9) / 2
    return record


def random_assessment(rng: random.Random, framework: Framework, index: int) -> dict[str, Any]:
    sections = [f"s{n}" for n in range(1, rng.randrange(2, 7))]
    items: dict[str, Any] = {}
    for code, item in framework.items_by_code.items():
        if rng.random() < 0.15:
            continue  # some items untouched
        facts = {}
        for name, fact in item.facts.items():
            single = fact.type == "judgement" or fact.type == "measurement"
            count = rng.randrange(0, 2) if single else rng.randrange(0, 14 if name in ("complaint_summaries",) else 6)
            facts[name] = [random_record(rng, fact, sections) for _ in range(count)]
        items[code] = facts
    return {
        "format": "pramern-assessment/1",
        "framework": {"code": framework.code, "version": framework.version},
        "unit": {"code": f"unit-{index:04d}", "name_th": f"หน่วยงานที่ {index}"},
        "staff_count": {"R6": rng.randrange(10, 120), "R12": rng.randrange(10, 120)},
        "sections": [{"code": s, "name": f"ส่วน {s}"} for s in sections],
        "items": items,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2567)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    framework = load_framework(ROOT / "frameworks-data" / "oae-2567.yaml")
    rng = random.Random(args.seed)
    raw = [random_assessment(rng, framework, i) for i in range(args.units)]
    records = sum(len(r) for a in raw for facts in a["items"].values() for r in facts.values())

    started = time.perf_counter()
    assessments = [parse_assessment(data, framework, f"unit-{i}") for i, data in enumerate(raw)]
    parse_seconds = time.perf_counter() - started

    runs = []
    checksum = 0.0
    for _ in range(args.repeat):
        started = time.perf_counter()
        for assessment in assessments:
            for round_code in ("R6", "R12"):
                checksum += float(score(framework, assessment, round_code).total)
        runs.append(time.perf_counter() - started)
    best, median = min(runs), statistics.median(runs)
    unit_rounds = 2 * args.units

    print(
        f"framework {framework.key}: {len(framework.items)} items, {sum(len(i.lines) for i in framework.items)} lines"
    )
    print(
        f"{args.units} units, {records} records ({records / args.units:.0f} per unit), Python {sys.version.split()[0]}"
    )
    print(f"parse:  {parse_seconds:.3f} s  ({parse_seconds / args.units * 1000:.3f} ms per unit)")
    print(f"score:  {unit_rounds} unit-rounds in {best:.3f} s (best of {args.repeat}; median {median:.3f} s)")
    print(
        f"        {unit_rounds / best:,.0f} unit-rounds per second, {best / unit_rounds * 1000:.3f} ms per unit-round"
    )
    print(f"        (mean total {checksum / (unit_rounds * args.repeat):.2f} points)")


if __name__ == "__main__":
    main()
