"""How many score-card refreshes ``load_demo`` runs, and how long it takes, on a fresh database.

    .venv/bin/python bench/demo_bench.py

Migrates a temporary SQLite file, installs FY2567, loads the demo (22 assessments filled through
the real services) and prints the seconds and the number of refreshes. Before score cards were
refreshed once per assessment per transaction: 210 refreshes, 4.5 s; after: 22, 1.6–1.9 s.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'demo.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pramern.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from pramern.reports import scorecards

        call_command("migrate", verbosity=0)
        call_command("load_framework", stdout=io.StringIO())
        refreshes = 0
        store = scorecards._store

        def counted(assessment):  # type: ignore[no-untyped-def]
            nonlocal refreshes
            refreshes += 1
            return store(assessment)

        scorecards._store = counted
        start = time.perf_counter()
        call_command("load_demo", stdout=io.StringIO())
        print(f"load_demo: {time.perf_counter() - start:.2f} s, {refreshes} score-card refreshes")


if __name__ == "__main__":
    main()
