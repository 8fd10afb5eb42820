"""List stored records that no longer validate (meant for cron, and after changing a framework).

Such records are left out of every score and each page of their unit names them; this lists
them across all units. The command fails (status 1) when there are any, so a scheduled run
reports them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pramern.assessments.adapter import load_scoring_assessment
from pramern.assessments.models import Assessment


class Command(BaseCommand):
    help = "List stored records that no longer validate against their framework (exit status 1 if any)."

    def handle(self, *args: Any, **options: Any) -> None:
        found = assessments_with_problems = checked = 0
        for assessment in Assessment.objects.with_unit().order_by("unit__code", "framework__code"):
            checked += 1
            records = {r.pk: r for r in assessment.records.all()}
            _view, problems = load_scoring_assessment(assessment, records.values(), assessment.unit.sections.all())
            if not problems:
                continue
            assessments_with_problems += 1
            for problem in problems:
                record = records.get(problem.record_id)
                where = f"{assessment.unit.code} {assessment.framework}"
                if record is not None:
                    found += 1
                    where += f" record {record.pk} item {record.item_code} {record.fact} {record.date.isoformat()}"
                else:
                    where += f" item {problem.item_code} {problem.fact}".rstrip()
                self.stdout.write(f"{where}: {problem.message.split(': ', 1)[-1]}")
        if assessments_with_problems:
            raise CommandError(
                f"{found} records need attention in {assessments_with_problems} assessment"
                f"{'s' if assessments_with_problems != 1 else ''} (of {checked}).",
                returncode=1,
            )
        self.stdout.write(f"Every stored record validates ({checked} assessments).")
