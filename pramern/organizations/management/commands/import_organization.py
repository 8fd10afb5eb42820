from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pramern.organizations.importers import OrganizationImportError, import_organization


class Command(BaseCommand):
    help = "Import units, sections and people from an .xlsx workbook (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the workbook (.xlsx)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, but change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_organization(options["file"], dry_run=options["dry_run"])
        except OrganizationImportError as exc:
            problems = "\n".join(str(issue) for issue in exc.issues)
            raise CommandError(f"ไม่ได้นำเข้า: พบข้อผิดพลาด {len(exc.issues)} รายการ\n{problems}") from None
        prefix = "ตรวจแล้ว ไม่มีข้อผิดพลาด (--dry-run: ไม่ได้บันทึก) " if result.dry_run else "นำเข้าแล้ว "
        self.stdout.write(prefix + str(result))
