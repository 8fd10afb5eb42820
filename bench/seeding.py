"""A scratch database with generated FY2567 units, shared by the page, export and PDF benchmarks."""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str = "") -> str:
    """Point Django at a scratch database (SQLite in a temporary folder by default), migrate it,
    and return the folder."""
    scratch = tempfile.mkdtemp(prefix="pramern-bench-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pramern.settings")
    os.environ["PRAMERN_MEDIA_ROOT"] = f"{scratch}/media"
    # PostgreSQL without PRAMERN_DEBUG is a deployment: it is given its key (docs/operations.md).
    os.environ.setdefault("PRAMERN_SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    return scratch


def seed_units(units: int, *, seed: int = 2567) -> Any:
    """``units`` units, each with sections and an assessment of about 110 generated records
    (``score_bench.random_assessment``); deadlines open. Returns the framework; prints the time."""
    from django.db import connection
    from score_bench import random_assessment

    from pramern.assessments.models import Assessment, Record
    from pramern.frameworks.models import RoundSchedule
    from pramern.frameworks.services import install_framework_file
    from pramern.organizations.models import Section, Unit

    framework = install_framework_file(ROOT / "frameworks-data" / "oae-2567.yaml").framework
    today = dt.date.today()
    RoundSchedule.objects.filter(framework=framework).update(submission_deadline=today + dt.timedelta(days=30))
    compiled = framework.compiled()
    started = time.perf_counter()
    rng = random.Random(seed)
    for index in range(units):
        document = random_assessment(rng, compiled, index)
        unit = Unit.objects.create(
            code=f"unit-{index:04d}", name_th=f"สำนักงานเศรษฐกิจการเกษตรที่ {index % 12 + 1} หน่วยที่ {index}"
        )
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
    print(f"seeded {units} units, {Record.objects.count()} records in {seeded:.1f} s ({connection.vendor})")
    return framework


def refresh_all() -> None:
    """Every unit's stored score cards, as ``manage.py refresh_scores`` does; prints the time."""
    from pramern.assessments.models import Assessment
    from pramern.reports.scorecards import refresh

    started = time.perf_counter()
    count = 0
    for assessment in Assessment.objects.with_unit().iterator():
        refresh(assessment)
        count += 1
    refreshed = time.perf_counter() - started
    print(
        f"score cards: {count} assessments refreshed in {refreshed:.1f} s ({refreshed / max(count, 1) * 1000:.1f} ms each)"
    )
