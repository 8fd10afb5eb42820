"""List evidence that supports no record; with --purge, remove those older than --older-than days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pramern.assessments.models import Evidence
from pramern.assessments.services import purge_evidence


class Command(BaseCommand):
    help = (
        "List evidence attached to no record (orphans). With --purge --older-than N, remove the orphans "
        "added more than N days ago: files leave storage, the audit log keeps name, size and SHA-256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, metavar="DAYS", help="only orphans added more than DAYS ago")
        parser.add_argument("--purge", action="store_true", help="remove them (needs --older-than)")
        parser.add_argument("--reason", default="orphan evidence, attached to no record", help="kept in the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than"]
        if options["purge"] and days is None:
            raise CommandError("--purge needs --older-than DAYS (an orphan may be waiting to be attached)")
        if days is not None and days < 0:
            raise CommandError("--older-than is a number of days, 0 or more")
        orphans = Evidence.objects.orphans().select_related("assessment__unit").order_by("created_at", "id")
        if days is not None:
            orphans = orphans.filter(created_at__lt=timezone.now() - dt.timedelta(days=days))
        count = size = 0
        for evidence in orphans:
            added = timezone.localtime(evidence.created_at).date().isoformat()
            line = f"{evidence.pk}\t{evidence.assessment.unit.code}\t{added}\t{evidence.size}\t{evidence}"
            # Checked again under the assessment's lock: it may have been attached since listed.
            if options["purge"] and not purge_evidence(
                evidence, reason=options["reason"], user=None, only_if_orphan=True
            ):
                self.stdout.write(f"{line}\tkept (attached to a record meanwhile)")
                continue
            count += 1
            size += evidence.size
            if options["purge"]:
                line += "\tremoved"
            self.stdout.write(line)
        verb = "removed" if options["purge"] else "found"
        self.stdout.write(f"{count} orphan evidence {verb} ({size} bytes)")
