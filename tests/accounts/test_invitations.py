"""People created by the organisation import are invited to set their password through a link that
works once and expires after PRAMERN_INVITATION_DAYS."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pramern.accounts.tokens import InvitationTokenGenerator
from pramern.audit.models import AuditEntry
from tests.organizations.test_import import standard

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/organizations/unit/import/"
DONE_URL = "/admin/organizations/unit/import/invitations/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW_PASSWORD = "ข้าวหอมมะลิ-2567-ใหม่"


def upload(client):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile("org.xlsx", standard().getvalue(), content_type=XLSX)})


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<\"]+/invitation/[^\s<\"]+/", text)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def set_password(client, link: str, password: str = NEW_PASSWORD):
    form = client.get(path_of(link), follow=True)
    if "new_password1" not in form.content.decode():
        return form
    return client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def import_from_command(tmp_path: Path, capsys, *args) -> str:
    target = tmp_path / "org.xlsx"
    target.write_bytes(standard().getvalue())
    call_command("import_organization", str(target), *args)
    return capsys.readouterr().out


# --- the command --------------------------------------------------------------------------------


def test_the_command_prints_an_invitation_link_for_each_new_person(tmp_path, capsys, settings):
    settings.SITE_URL = "https://pramern.oae.go.th"
    out = import_from_command(tmp_path, capsys)
    links = links_in(out)
    assert len(links) == 2  # somchai and pranee (pranee has two roles)
    assert all(link.startswith("https://pramern.oae.go.th/invitation/") for link in links)
    assert "somchai" in out and "somchai@oae.go.th" in out
    assert not get_user_model().objects.get(username="somchai").has_usable_password()
    assert mail.outbox == []


def test_the_command_can_email_the_invitations(tmp_path, capsys):
    out = import_from_command(tmp_path, capsys, "--send-invitations")
    assert sorted(m.to[0] for m in mail.outbox) == ["pranee@oae.go.th", "somchai@oae.go.th"]
    message = next(m for m in mail.outbox if m.to == ["somchai@oae.go.th"])
    assert "ตั้งรหัสผ่าน" in message.subject and "สมชาย ใจดี" in message.body and "somchai" in message.body
    assert "ส่งอีเมลเชิญแล้ว 2 คน" in out
    assert AuditEntry.objects.filter(action="pramern.person.invited").count() == 2


def test_a_dry_run_prints_no_links(tmp_path, capsys):
    out = import_from_command(tmp_path, capsys, "--dry-run")
    assert links_in(out) == []


def test_people_who_already_existed_get_no_invitation(tmp_path, capsys):
    import_from_command(tmp_path, capsys)
    assert links_in(import_from_command(tmp_path, capsys)) == []


# --- the link -----------------------------------------------------------------------------------


def test_an_invitation_link_sets_the_password_once_and_then_logs_in(client, tmp_path, capsys):
    out = import_from_command(tmp_path, capsys)
    link = next(line for line in out.splitlines() if "somchai" in line).split()[-1]
    page = client.get(path_of(link), follow=True).content.decode()
    assert "ตั้งรหัสผ่าน" in page and "somchai" in page
    response = set_password(client, link)
    assert response.status_code == 302 and response["Location"] == "/reset/done/"
    assert client.post("/login/", {"username": "somchai", "password": NEW_PASSWORD}).status_code == 302
    client.logout()
    again = client.get(path_of(link), follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in again and "new_password1" not in again
    assert AuditEntry.objects.filter(action="pramern.password.set_from_invitation").count() == 1


def test_an_invitation_expires_after_the_configured_days(client, tmp_path, capsys, settings, monkeypatch):
    settings.INVITATION_DAYS = 3
    out = import_from_command(tmp_path, capsys)
    link = links_in(out)[0]
    real_now = InvitationTokenGenerator._now
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: real_now(self) + dt.timedelta(days=2, hours=23))
    assert "new_password1" in client.get(path_of(link), follow=True).content.decode()
    client.cookies.clear()
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: real_now(self) + dt.timedelta(days=3, hours=1))
    page = client.get(path_of(link), follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in page and "new_password1" not in page


def test_an_invitation_outlives_the_password_reset_timeout(client, tmp_path, capsys, settings, monkeypatch):
    settings.INVITATION_DAYS = 14
    settings.PASSWORD_RESET_TIMEOUT = 3600
    link = links_in(import_from_command(tmp_path, capsys))[0]
    real_now = InvitationTokenGenerator._now
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: real_now(self) + dt.timedelta(days=10))
    assert "new_password1" in client.get(path_of(link), follow=True).content.decode()


def test_a_password_reset_token_is_not_an_invitation(client, tmp_path, capsys):
    from django.contrib.auth.tokens import default_token_generator

    link = links_in(import_from_command(tmp_path, capsys))[0]
    somchai = get_user_model().objects.get(username="somchai")
    uid = path_of(link).split("/")[2]
    forged = f"/invitation/{uid}/{default_token_generator.make_token(somchai)}/"
    assert "new_password1" not in client.get(forged, follow=True).content.decode()


def test_an_invited_person_whose_link_expired_can_use_forgot_password(client, tmp_path, capsys):
    import_from_command(tmp_path, capsys)
    client.post("/password_reset/", {"email": "somchai@oae.go.th"})
    assert len(mail.outbox) == 1


# --- the admin import page ----------------------------------------------------------------------


def test_the_import_page_no_longer_says_to_send_reset_links(admin_client):
    page = admin_client.get(IMPORT_URL).content.decode()
    assert "ลิงก์รีเซ็ตรหัสผ่าน" not in page
    assert "ลิงก์เชิญ" in page


def test_after_an_import_the_admin_sees_each_new_person_with_a_link(admin_client, settings):
    settings.SITE_URL = "https://pramern.oae.go.th"
    response = upload(admin_client)
    assert response.status_code == 302 and response["Location"] == DONE_URL
    page = admin_client.get(DONE_URL).content.decode()
    assert "หน่วยงาน: เพิ่ม 2" in page  # the summary message
    assert "somchai" in page and "pranee" in page and "somchai@oae.go.th" in page
    assert len(links_in(page)) == 2
    assert "ส่งอีเมลเชิญ" in page
    assert "<script" not in page.split('id="content"')[1] and " onclick=" not in page


def test_the_admin_can_email_the_new_people_and_their_links_work(admin_client, client):
    upload(admin_client)
    page = admin_client.get(DONE_URL).content.decode()
    ids = re.findall(r'name="person" value="(\d+)"', page)
    response = admin_client.post(DONE_URL, {"person": ids})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["pranee@oae.go.th", "somchai@oae.go.th"]
    link = links_in(next(m for m in mail.outbox if m.to == ["pranee@oae.go.th"]).body)[0]
    assert set_password(client, link)["Location"] == "/reset/done/"
    assert get_user_model().objects.get(username="pranee").check_password(NEW_PASSWORD)


def test_the_admin_cannot_send_invitations_to_people_who_have_a_password(admin_client, django_user_model):
    upload(admin_client)
    alice = django_user_model.objects.create_user("alice", email="alice@oae.go.th", password="a-real-one")
    admin_client.post(DONE_URL, {"person": [alice.pk]})
    assert mail.outbox == []


def test_an_import_that_creates_nobody_goes_back_to_the_unit_list(admin_client):
    upload(admin_client)
    assert upload(admin_client)["Location"] == "/admin/organizations/unit/"


def test_people_without_the_import_rights_cannot_see_or_send_invitations(client, django_user_model):
    assert client.get(DONE_URL)["Location"].startswith("/admin/login/")
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(DONE_URL).status_code == 403
    assert client.post(DONE_URL, {"person": ["1"]}).status_code == 403
    assert mail.outbox == []


def test_only_people_of_the_last_import_can_be_sent_an_invitation(admin_client, django_user_model):
    upload(admin_client)
    outsider = django_user_model.objects.create_user("outsider", email="outsider@oae.go.th")  # no password yet
    response = admin_client.post(DONE_URL, {"person": [outsider.pk]}, follow=True)
    assert mail.outbox == []
    assert "outsider" not in [m.to for m in mail.outbox]
    assert response.status_code == 200


@pytest.mark.parametrize("junk", ["\x00", "abc", "²", "99999999999999999999", ""])
def test_a_junk_person_is_a_message_not_a_server_error(admin_client, junk):
    upload(admin_client)
    response = admin_client.post(DONE_URL, {"person": [junk]}, follow=True)
    assert response.status_code == 200
    assert mail.outbox == []
