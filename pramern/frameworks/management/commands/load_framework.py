from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pramern.frameworks.services import FrameworkConflict, install_framework_file
from pramern.scoring import FrameworkError


class Command(BaseCommand):
    help = "Validate framework files and install them (unchanged files are left alone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="framework YAML files (default: every file in frameworks-data/)")
        parser.add_argument("--replace", action="store_true", help="replace an installed version whose content changed")

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or sorted(str(p) for p in settings.FRAMEWORKS_DIR.glob("*.yaml"))
        if not files:
            raise CommandError(f"no framework files in {settings.FRAMEWORKS_DIR}")
        for name in files:
            try:
                result = install_framework_file(name, replace=options["replace"])
            except FrameworkError as exc:
                raise CommandError("\n".join(exc.problems)) from None
            except FrameworkConflict as exc:
                raise CommandError(f"{name}: {exc} (or use --replace)") from None
            state = "installed" if result.created else "replaced" if result.replaced else "unchanged"
            self.stdout.write(f"{result.framework}: {state} ({name})")
