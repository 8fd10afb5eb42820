from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pramern.assessments.models import Assessment
from pramern.reports.scorecards import refresh


class Command(BaseCommand):
    help = "Recompute every unit's stored score cards (after a framework change, or nightly)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for assessment in Assessment.objects.with_unit().iterator():
            refresh(assessment)
            count += 1
        self.stdout.write(f"refreshed {count} assessments")
