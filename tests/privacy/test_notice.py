"""The privacy notice: in Thai, open to everyone, linked from every page's footer and the login page."""

from __future__ import annotations

import pytest

from pramern.help.models import Contact

pytestmark = pytest.mark.identity


def test_the_login_page_links_the_notice_in_thai(client, db):
    page = client.get("/login/").content.decode()
    assert 'href="/privacy/"' in page
    assert "ประกาศความเป็นส่วนตัว" in page


def test_every_page_footer_links_the_notice(client, world):
    client.force_login(world.alice)
    for url in ("/help/", f"/a/{world.a.pk}/", "/inbox/"):
        page = client.get(url).content.decode()
        footer = page[page.index('<footer class="site">') :]
        assert 'href="/privacy/"' in footer, url
        assert 'href="/privacy/my-data/"' in footer, url
        assert 'href="/privacy/retention/"' not in footer, url  # a unit's officer does not purge


def test_the_admin_footer_links_the_notice(client, world):
    world.adam.is_staff = True
    world.adam.save()
    client.force_login(world.adam)
    assert 'href="/privacy/"' in client.get("/admin/").content.decode()


def test_the_notice_says_what_why_how_long_who_rights_and_whom_to_ask(client, db, settings):
    settings.EVIDENCE_RETENTION_YEARS = 7
    Contact.objects.create(name_th="ศูนย์ประเมินผล ฝ่ายคุ้มครองข้อมูล", email="dpo@oae.go.th", phone="02-940-0000")
    response = client.get("/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    for thai in (
        "ประกาศความเป็นส่วนตัว",
        "ข้อมูลที่เก็บ",  # what
        "ฐานทางกฎหมาย",  # legal basis
        "เก็บไว้นานเท่าใด",  # how long
        "7 ปีงบประมาณ",
        "ใครเห็นข้อมูล",  # who sees it
        "สิทธิของท่าน",
        "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562",
        "ศูนย์ประเมินผล ฝ่ายคุ้มครองข้อมูล",
        "dpo@oae.go.th",
    ):
        assert thai in page, thai


def test_the_notice_is_in_english_when_chosen(client, db):
    client.cookies["django_language"] = "en"
    page = client.get("/privacy/").content.decode()
    assert "Privacy notice" in page and "Personal Data Protection Act B.E. 2562" in page
