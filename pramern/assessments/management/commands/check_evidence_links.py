from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pramern.assessments.links import check_link
from pramern.assessments.models import Evidence


class Command(BaseCommand):
    help = "Check evidence links (meant for cron); a link that answers gets today's date as last checked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        for evidence in Evidence.objects.filter(kind=Evidence.Kind.LINK).select_related("assessment__unit"):
            result = check_link(evidence, timeout=options["timeout"])
            if not result.ok:
                failures += 1
                self.stdout.write(f"{evidence.assessment.unit.code}: {evidence.url}: {result.detail}")
        self.stdout.write(f"checked links; {failures} did not answer")
