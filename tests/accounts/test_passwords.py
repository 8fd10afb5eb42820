"""Changing one's password, and setting a new one through a link e-mailed to the account's address."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from pramern.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ข้าวหอมมะลิ-2567-ใหม่"


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user(
        "alice", email="alice@oae.go.th", password=PASSWORD, first_name="อลิส", last_name="ใจดี"
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- the links to the pages ---------------------------------------------------------------------


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get("/login/").content.decode()
    assert 'href="/password_reset/"' in page and "ลืมรหัสผ่าน?" in page


def test_the_header_links_to_the_change_page_for_people_logged_in(client, alice):
    client.force_login(alice)
    page = client.get("/frameworks/").content.decode()
    assert 'href="/password_change/"' in page and "เปลี่ยนรหัสผ่าน" in page


def test_the_admin_login_offers_the_reset_page(client):
    page = client.get("/admin/login/").content.decode()
    assert 'href="/admin/password_reset/"' in page
    assert client.get("/admin/password_reset/")["Location"] == "/password_reset/"


# --- reset by e-mail ----------------------------------------------------------------------------


def test_a_reset_link_sets_a_new_password_that_logs_in(client, alice, settings):
    settings.SITE_URL = "https://pramern.oae.go.th"
    response = client.post("/password_reset/", {"email": "ALICE@oae.go.th"})
    assert response.status_code == 302 and response["Location"] == "/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@oae.go.th"]
    assert "ตั้งรหัสผ่านใหม่" in message.subject
    assert "อลิส ใจดี" in message.body and "alice" in message.body
    link = link_in(message)
    assert link.startswith("https://pramern.oae.go.th/reset/")

    form = client.get(path_of(link), follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/reset/done/"
    assert "เข้าสู่ระบบ" in client.get("/reset/done/").content.decode()

    assert client.post("/login/", {"username": "alice", "password": NEW_PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="pramern.password.reset", object_id=str(alice.pk)).count() == 1


def test_a_reset_link_works_once(client, alice):
    client.post("/password_reset/", {"email": "alice@oae.go.th"})
    link = path_of(link_in(mail.outbox[0]))
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in again and "new_password1" not in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice):
    known = client.post("/password_reset/", {"email": "alice@oae.go.th"})
    unknown = client.post("/password_reset/", {"email": "nobody@oae.go.th"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    page = client.get("/password_reset/done/").content.decode()
    assert "หากอีเมลนี้เป็นของบัญชีในระบบ" in page


def test_the_reset_pages_are_in_thai_in_the_sites_look(client):
    page = client.get("/password_reset/").content.decode()
    assert "ลืมรหัสผ่าน" in page and 'class="site"' in page and 'name="email"' in page


def test_the_reset_email_is_in_english_when_english_is_chosen(client, alice):
    client.cookies["django_language"] = "en"
    client.post("/password_reset/", {"email": "alice@oae.go.th"})
    assert "Set a new password" in mail.outbox[0].subject


def test_a_forged_reset_link_is_refused(client, alice):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    page = client.get(f"/reset/{uid}/abc-123456/", follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in page and "new_password1" not in page


# --- change while logged in ---------------------------------------------------------------------


def test_changing_the_password_needs_the_old_one(client, alice):
    client.force_login(alice)
    response = client.post(
        "/password_change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_changing_the_password_keeps_one_logged_in_and_the_new_one_works(client, alice):
    client.force_login(alice)
    assert "รหัสผ่านเดิม" in client.get("/password_change/").content.decode()
    response = client.post(
        "/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/password_change/done/"
    assert client.get("/password_change/done/").status_code == 200  # still logged in
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="pramern.password.changed", object_id=str(alice.pk)).count() == 1


def test_anonymous_visitors_are_sent_to_log_in_to_change_a_password(client):
    for url in ("/password_change/", "/password_change/done/"):
        assert client.get(url)["Location"].startswith("/login/?next="), url


def test_the_admins_password_change_is_the_sites_audited_one(admin_client):
    assert admin_client.get("/admin/password_change/")["Location"] == "/password_change/"


def test_one_persons_reset_token_does_not_open_another_persons_account(client, alice):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    bob = get_user_model().objects.create_user("bob", email="bob@oae.go.th", password=PASSWORD)
    client.post("/password_reset/", {"email": "alice@oae.go.th"})
    token = path_of(link_in(mail.outbox[0])).rstrip("/").split("/")[-1]
    bobs_uid = urlsafe_base64_encode(force_bytes(bob.pk))
    page = client.get(f"/reset/{bobs_uid}/{token}/", follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in page and "new_password1" not in page
