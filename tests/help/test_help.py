"""Help: the calendar of rounds (Buddhist-era dates), the Centre's contacts, the guides, the glossary."""

from __future__ import annotations

import pytest

from pramern.frameworks.models import RoundSchedule
from pramern.help.models import Contact
from pramern.thaidates import thai_date


def test_the_help_page_shows_the_rounds_with_buddhist_era_deadlines(client, world):
    client.force_login(world.alice)
    page = client.get("/help/").content.decode()
    assert "ปฏิทินรอบการประเมินและกำหนดส่ง" in page
    for schedule in RoundSchedule.objects.filter(framework=world.framework):
        assert thai_date(schedule.submission_deadline) in page  # e.g. "12 ธ.ค. 2569"
    assert "รอบ 6 เดือน" in page and "รอบ 12 เดือน" in page
    assert "เหลือ 10 วัน" in page  # tests.factories.open_rounds: R6 closes in 10 days
    assert f'href="{world.framework.get_absolute_url()}"' in page


def test_the_centres_contacts_come_from_the_admin(client, world):
    client.force_login(world.bob)
    assert "ศูนย์ประเมินผลยังไม่ได้ระบุผู้ติดต่อ" in client.get("/help/").content.decode()
    Contact.objects.create(
        name_th="นางสาวประเมิน ตรวจดี", responsibility_th="การส่งผลการประเมิน", email="eval@oae.go.th", phone="0 2579 0000"
    )
    page = client.get("/help/").content.decode()
    assert "นางสาวประเมิน ตรวจดี" in page and "การส่งผลการประเมิน" in page
    assert 'href="mailto:eval@oae.go.th"' in page


def test_an_administrator_edits_the_contacts_in_the_admin(client, world):
    world.adam.is_staff = world.adam.is_superuser = True
    world.adam.save()
    client.force_login(world.adam)
    response = client.post(
        "/admin/help/contact/add/", {"name_th": "ศูนย์ประเมินผล", "email": "eval@oae.go.th", "position": "0"}
    )
    assert response.status_code == 302
    assert Contact.objects.get().name_th == "ศูนย์ประเมินผล"


def test_the_glossary_gives_thai_terms_with_english(client, world):
    client.force_login(world.alice)
    page = client.get("/help/glossary/").content.decode()
    for th, en in [
        ("ข้อสมมติ", "Assumption"),
        ("รอบ", "Round"),
        ("คะแนนที่รับรอง", "Verified score"),
        ("คะแนนประเมินตนเอง", "Self-assessed score"),
        ("หลักฐาน", "Evidence"),
        ("ส่งผลการประเมิน", "Submit"),
        ("ตีกลับ", "Return for revision"),
        ("รับรอง", "Verify"),
        ("เผยแพร่", "Publish"),
    ]:
        assert f'<span lang="th">{th}</span> · <span lang="en">{en}</span>' in page
    assert "ศูนย์ประเมินผลส่งรอบกลับพร้อมเหตุผล หน่วยงานแก้ไขผลงานแล้วส่งใหม่" in page


@pytest.mark.parametrize("url", ["/help/", "/help/glossary/"])
def test_help_needs_a_login_and_is_open_to_every_role(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for user in (world.alice, world.bob, world.eve, world.xena, world.adam):
        client.force_login(user)
        assert client.get(url).status_code == 200


def _item_with_assumptions(world):
    return next(item for item in world.framework.compiled().items if item.assumptions)


def _help_url(world, code):
    return f"/help/{world.framework.code}/{world.framework.version}/items/{code}/"


def test_the_workspace_item_page_links_to_the_items_help_in_one_click(client, world):
    item = _item_with_assumptions(world)
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/items/{item.code}/").content.decode()
    assert f'<a href="{_help_url(world, item.code)}">ความช่วยเหลือของข้อนี้' in page
    Contact.objects.create(name_th="คุณสมศรี ผู้ประสานงาน", email="eval@oae.go.th", position=1)
    help_page = client.get(_help_url(world, item.code)).content.decode()
    assert f"{item.code} {item.title.th}" in help_page
    assert item.guidance.th.strip().splitlines()[0] in help_page
    assert "คำถามที่พบบ่อย" in help_page and item.assumptions[0].text.th.strip().splitlines()[0] in help_page
    assert "คุณสมศรี ผู้ประสานงาน" in help_page and 'href="/help/glossary/"' in help_page


def test_an_items_help_says_when_the_framework_assumes_nothing(client, world):
    item = next(item for item in world.framework.compiled().items if not item.assumptions)
    client.force_login(world.bob)
    page = client.get(_help_url(world, item.code)).content.decode()
    assert "เกณฑ์ไม่ได้กำหนดข้อสมมติสำหรับข้อนี้" in page


def test_an_items_help_needs_a_login_and_a_real_item(client, world):
    url = _help_url(world, _item_with_assumptions(world).code)
    assert client.get(url)["Location"].startswith("/login/")
    for user in (world.alice, world.bob, world.eve, world.xena, world.adam):
        client.force_login(user)
        assert client.get(url).status_code == 200
    assert client.get(_help_url(world, "9.9.9")).status_code == 404
    assert client.get("/help/no-such/1/items/1.2.2/").status_code == 404
