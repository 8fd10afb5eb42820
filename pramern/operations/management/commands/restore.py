from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pramern.operations.backup import restore_backup
from pramern.operations.databases import BackupError


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` (a path or s3://bucket/key) into an empty installation: "
        "every member is checked against the manifest before anything changes (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive: a path, or s3://bucket/key")
        parser.add_argument(
            "--replace-existing-data",
            action="store_true",
            help="restore even into a database that holds data: everything in it is deleted first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            result = restore_backup(options["archive"], replace=options["replace_existing_data"], progress=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"]:
            self.stdout.write(
                f"Restored the {result.vendor} database and {result.objects_written} objects "
                f"({result.objects_present} already in storage) from the archive of {result.created} "
                f"(Pramern {result.pramern_version})"
            )
        for name in result.missing:
            self.stderr.write(f"warning: {name} was missing when the archive was made: its row has no file")
        if result.pending_migrations:
            self.stdout.write(
                f"The archive predates {len(result.pending_migrations)} migrations of this code: "
                "run `manage.py migrate` now."
            )
