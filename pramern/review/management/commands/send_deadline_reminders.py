from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pramern.review.notifications import send_deadline_reminders


class Command(BaseCommand):
    help = "Email units 7 days and 1 day before a round's deadline (for cron; safe to run twice a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_deadline_reminders()
        self.stdout.write(f"{sent} reminder emails sent")
