from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pramern.operations.backup import make_backup
from pramern.operations.databases import BackupError


class Command(BaseCommand):
    help = (
        "Write one archive of this installation: a consistent copy of the database, every evidence and "
        "report file, and a manifest of SHA-256s (docs/backup.md). For cron, nightly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help=(
                "a folder or s3://bucket/prefix (the PRAMERN_S3_* endpoint and credentials): the archive gets a "
                "dated name inside it; or the archive's own name, ending in .tar, .tar.gz or .tgz; default var/backups"
            ),
        )
        parser.add_argument("--gzip", action="store_true", help="compress the archive (also when --output ends in .gz)")
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help=(
                "exit 0 even when files the database names are missing from storage (the archive is written "
                "either way, its manifest listing them); without it such a backup exits 1"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            result = make_backup(options["output"], compress=options["gzip"], now=dt.datetime.now(dt.UTC), progress=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name in result.missing:
            self.stderr.write(f"warning: {name} is named in the database but missing from storage: not in the archive")
        if options["verbosity"]:
            self.stdout.write(
                f"{result.location}: {result.vendor} database and {result.objects} objects, {result.bytes:,} bytes"
            )
        if result.missing and not options["allow_missing"]:
            first = ", ".join(result.missing[:3]) + (" …" if len(result.missing) > 3 else "")
            raise CommandError(
                f"{len(result.missing)} files named in the database are missing from storage ({first}): "
                f"{result.location} was written without them, its manifest lists them under missing_objects. "
                "Find out why they are gone; --allow-missing accepts such a backup."
            )
