from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pramern.accounts.invitations import awaiting_password, invitation_for, send_invitations
from pramern.organizations.importers import OrganizationImportError, import_organization
from pramern.ui.text import bedate


class Command(BaseCommand):
    help = (
        "Import units, sections and people from an .xlsx workbook (all or nothing); print a "
        "set-your-password invitation link for each new person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the workbook (.xlsx)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, but change nothing")
        parser.add_argument(
            "--send-invitations", action="store_true", help="also e-mail each new person their invitation link"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_organization(options["file"], dry_run=options["dry_run"])
        except OrganizationImportError as exc:
            problems = "\n".join(str(issue) for issue in exc.issues)
            raise CommandError(f"ไม่ได้นำเข้า: พบข้อผิดพลาด {len(exc.issues)} รายการ\n{problems}") from None
        prefix = "ตรวจแล้ว ไม่มีข้อผิดพลาด (--dry-run: ไม่ได้บันทึก) " if result.dry_run else "นำเข้าแล้ว "
        self.stdout.write(prefix + str(result))
        if result.dry_run or not result.new_people:
            return
        invitations = [invitation_for(user) for user in awaiting_password(result.new_people)]
        if not invitations:
            return
        self.stdout.write(
            f"\nลิงก์เชิญตั้งรหัสผ่าน (ใช้ได้ครั้งเดียว ภายใน {bedate(invitations[0].expires)}, {settings.INVITATION_DAYS} วัน):"
        )
        for invitation in invitations:
            self.stdout.write(f"{invitation.name}  {invitation.user.email}  {invitation.link}")
        if options["send_invitations"]:
            sent = send_invitations(invitations)
            self.stdout.write(f"ส่งอีเมลเชิญแล้ว {sent} คน")
