from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pramern.reports.retention import expire_old_results


class Command(BaseCommand):
    help = (
        "Delete the files of reports finished more than PRAMERN_REPORT_RESULT_HOURS ago (and expire "
        "jobs asked for that long ago that never finished). For cron, hourly; safe to run any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = expire_old_results()
        if options["verbosity"]:
            self.stdout.write(f"{expired} report results expired (kept {settings.REPORT_RESULT_HOURS} hours)")
