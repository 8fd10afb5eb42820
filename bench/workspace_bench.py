"""Server time and queries of the workspace pages with 1,000 units seeded.

    .venv/bin/python bench/workspace_bench.py [--units 1000] [--samples 200] [--database-url URL]

Seeds a fresh database (a temporary SQLite file unless --database-url is given) with 1,000
units, each with an FY2567 assessment of about 110 generated records, refreshes their stored
score cards, then requests the executive dashboard and the home page and an item page of
``--samples`` units as their officer through Django's test client, and prints the median and
p95 server time and the query count of each page.
Targets on the 2-core reference machine: workspace pages p95 under 100 ms, dashboard p95 under 150 ms.
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
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="pramern-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pramern.settings")
    os.environ["PRAMERN_MEDIA_ROOT"] = f"{scratch}/media"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from score_bench import random_assessment

    from pramern.assessments.models import Assessment, Record
    from pramern.frameworks.models import RoundSchedule
    from pramern.frameworks.services import install_framework_file
    from pramern.organizations.models import Role, Section, Unit

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    framework = install_framework_file(ROOT / "frameworks-data" / "oae-2567.yaml").framework
    today = dt.date.today()
    RoundSchedule.objects.filter(framework=framework).update(submission_deadline=today + dt.timedelta(days=30))
    compiled = framework.compiled()

    started = time.perf_counter()
    rng = random.Random(2567)
    users = []
    for index in range(args.units):
        document = random_assessment(rng, compiled, index)
        unit = Unit.objects.create(code=f"unit-{index:04d}", name_th=f"หน่วยงานที่ {index}")
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
        if len(users) < args.samples:
            user = get_user_model().objects.create_user(f"officer{index}", password="x")
            Role.objects.create(user=user, kind="officer", unit=unit)
            users.append((user, assessment.pk))
    seeded = time.perf_counter() - started
    print(f"seeded {args.units} units, {Record.objects.count()} records in {seeded:.1f} s ({connection.vendor})")

    from pramern.reports.scorecards import refresh

    started = time.perf_counter()
    for assessment in Assessment.objects.with_unit().iterator():
        refresh(assessment)
    refreshed = time.perf_counter() - started
    print(
        f"score cards: {args.units} assessments refreshed in {refreshed:.1f} s ({refreshed / args.units * 1000:.1f} ms each)"
    )

    client = Client()
    executive = get_user_model().objects.create_user("executive-bench", password="x")
    Role.objects.create(user=executive, kind="executive")
    client.force_login(executive)
    client.get("/dashboard/")
    times, counts = [], set()
    for _ in range(30):
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            response = client.get("/dashboard/")
            times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
        counts.add(len(captured))
    times.sort()
    print(
        f"{'dashboard':<11} median {statistics.median(times):6.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms   "
        f"queries {sorted(counts)}   ({args.units} units, 30 requests)"
    )

    for label, path in (
        ("home", "/a/{pk}/"),
        ("item 1.2.2", "/a/{pk}/items/1.2.2/"),
        ("item 6.1", "/a/{pk}/items/6.1/"),
    ):
        times, counts = [], set()
        for user, pk in users:
            client.force_login(user)
            url = path.format(pk=pk)
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, url
            counts.add(len(captured))
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{label:<11} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
            f"queries {sorted(counts)}   ({len(times)} units)"
        )


if __name__ == "__main__":
    main()
