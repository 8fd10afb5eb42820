"""Server time of the pages the load benchmark measures, with the cache off and on, as shares of a
trivial view's throughput, in one run (in process, through Django's test client).

    .venv/bin/python bench/cache_bench.py [--database-url URL] [--units 1000] [--samples 40]
        [--requests 200] [--cache-url redis://127.0.0.1:6379/0] [--profile home|item|dashboard]

Seeds ``--units`` units (bench/seeding.py) unless the database already holds units (a seeded
PostgreSQL database is reused), then times GET /login/ (the trivial view), the executive
dashboard, and the home and item 6.1 pages of ``--samples`` units as their officer: first with
the cache off (Django's DummyCache: every request computes), then with it on (LocMemCache, or
Redis at ``--cache-url``), each page warmed once. Prints per page the mean and p95 server time,
the CPU time of this process (steadier than wall time on a busy machine; the database's own
time is not in it), the queries, and ``ratio PAGE`` = the trivial view's mean time over the
page's (the throughput share a CPU-bound server would give it). ``--profile PAGE`` prints cProfile's top functions of
that page (cache on) instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CACHE_OFF = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def cache_on(url: str) -> dict[str, Any]:
    if url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"pramern-bench-{time.time_ns()}",
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200, help="requests per page and cache mode")
    parser.add_argument("--cache-url", default="", help="Redis for the cache-on run (default: LocMemCache)")
    parser.add_argument("--profile", choices=("home", "item", "dashboard", "trivial"), default="")
    parser.add_argument("--pages", default="dashboard,home,item", help="which pages (comma-separated)")
    parser.add_argument("--modes", default="off,on", help="cache off, on, or both (comma-separated)")
    args = parser.parse_args()

    from seeding import refresh_all, seed_units, setup_django

    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from pramern.assessments.models import Assessment
    from pramern.organizations.models import Role, Unit
    from pramern.reports.models import ScoreCard

    if not Unit.objects.exists():
        seed_units(args.units)
    if not ScoreCard.objects.exists():
        refresh_all()
    User = get_user_model()

    def person(name: str, kind: str, unit: Unit | None = None) -> Any:
        user, created = User.objects.get_or_create(username=name)
        if created:
            Role.objects.create(user=user, kind=kind, unit=unit)
        return user

    officers = []
    for assessment in Assessment.objects.select_related("unit").order_by("unit__code")[: args.samples]:
        client = Client()
        client.force_login(person(f"officer-{assessment.unit.code}", "officer", assessment.unit))
        officers.append((client, assessment.pk))
    executive = Client()
    executive.force_login(person("executive-bench", "executive"))
    anonymous = Client()
    units = Unit.objects.count()

    def requests(page: str) -> list[tuple[Client, str]]:
        """The (client, url) pairs one measurement cycles through."""
        if page == "trivial":
            return [(anonymous, "/login/")]
        if page == "dashboard":
            return [(executive, "/dashboard/")]
        path = "/a/{pk}/" if page == "home" else "/a/{pk}/items/6.1/"
        return [(client, path.format(pk=pk)) for client, pk in officers]

    def measure(page: str) -> tuple[list[float], list[float], set[int]]:
        """Wall-clock and CPU (this process's) milliseconds per request, and the query counts."""
        pairs = requests(page)
        for client, url in pairs:  # warm: sessions, compiled framework, and the cache when on
            assert client.get(url).status_code == 200, url
        times, cpu, counts = [], [], set()
        for n in range(args.requests):
            client, url = pairs[n % len(pairs)]
            with CaptureQueriesContext(connection) as captured:
                begin, begin_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - begin) * 1000)
                cpu.append((time.process_time() - begin_cpu) * 1000)
            assert response.status_code == 200, url
            counts.add(len(captured))
        return times, cpu, counts

    if args.profile:
        with override_settings(CACHES=cache_on(args.cache_url)):
            pairs = requests(args.profile)
            for client, url in pairs:
                client.get(url)
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.requests):
                client, url = pairs[n % len(pairs)]
                client.get(url)
            profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    print(f"{units} units on {connection.vendor}; {args.requests} requests per page; {len(officers)} officers")
    ratios: dict[str, dict[str, float]] = {}
    pages = [p for p in args.pages.split(",") if p]
    modes = [m for m in (("off", CACHE_OFF), ("on", cache_on(args.cache_url))) if m[0] in args.modes.split(",")]
    for mode, caches in modes:
        with override_settings(CACHES=caches):
            trivial = trivial_cpu = None
            for page in ("trivial", *pages):
                times, cpu, counts = measure(page)
                mean, mean_cpu = statistics.fmean(times), statistics.fmean(cpu)
                trivial, trivial_cpu = trivial or mean, trivial_cpu or mean_cpu
                ratios.setdefault(page, {})[mode] = trivial / mean
                p95 = sorted(times)[int(len(times) * 0.95) - 1]
                print(
                    f"cache {mode:<3} {page:<9} mean {mean:6.1f} ms  p95 {p95:6.1f} ms  cpu {mean_cpu:6.1f} ms  "
                    f"queries {sorted(counts)}  ratio {trivial / mean:.2f} (cpu {trivial_cpu / mean_cpu:.2f})"
                )
    for page in pages:
        print(f"ratio {page} " + ", ".join(f"{ratios[page][m]:.2f} (cache {m})" for m, _caches in modes))


if __name__ == "__main__":
    main()
