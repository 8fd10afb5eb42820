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
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from seeding import refresh_all, seed_units, setup_django

    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pramern.assessments.models import Assessment
    from pramern.organizations.models import Role

    seed_units(args.units)
    users = []
    for assessment in Assessment.objects.select_related("unit").order_by("unit__code")[: args.samples]:
        user = get_user_model().objects.create_user(f"officer-{assessment.unit.code}", password="x")
        Role.objects.create(user=user, kind="officer", unit=assessment.unit)
        users.append((user, assessment.pk))
    refresh_all()

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
