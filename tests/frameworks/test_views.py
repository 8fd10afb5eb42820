"""The read-only framework pages: Thai by default, English on request, every rule visible."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from pramern.frameworks.services import install_framework_file
from tests.conftest import FRAMEWORK_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return install_framework_file(FRAMEWORK_FILE).framework


def test_the_list_without_a_framework_says_how_to_install_one(client):
    page = client.get("/frameworks/").content.decode()
    assert "ยังไม่ได้ติดตั้งกรอบการประเมิน" in page
    assert "manage.py load_framework" in page


def test_the_home_page_asks_anonymous_people_to_log_in(client, framework):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_the_framework_page_shows_everything_in_thai(client, framework, fw2567):
    response = client.get(framework.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in page
    assert "ด้านที่ 1 การป้องกันการทุจริต" in page
    assert "1 ส.ค. 2566 – 28 ก.พ. 2567" in page  # Buddhist-era dates
    assert "คะแนนที่เป็นไปได้ถึงรอบนี้: 66.5" in page
    for item in fw2567.items:
        assert f'id="item-{item.code}"' in page
        assert escape(item.title.th) in page
        for line in item.lines:
            assert escape(line.text.th) in page
        for assumption in item.assumptions:
            assert escape(assumption.text.th) in page
    # guidance, evidence examples, points, the rule and the assumed badge
    assert "ผอ. สำนัก/ศูนย์/กองมีการติดตามผลการดำเนินงานตามมาตรการฯ" in page
    assert "บันทึกข้อความที่แจ้งให้ผอ.สำนัก/ศูนย์/กอง ทราบผลการติดตาม" in page
    assert "count(followups" not in page  # the rule language is for framework editors (issue 11)
    assert '<span class="pill assumed">ข้อสมมติ</span>' in page
    assert "รางวัลเลิศรัฐ/รางวัลระดับนานาชาติ: 10" in page


def test_the_framework_page_in_english(client, framework, fw2567):
    # as the browser's form sends it (the test client's default, multipart, is refused to anonymous posts)
    client.post(reverse("set_language"), "language=en&next=/", content_type="application/x-www-form-urlencoded")
    page = client.get(framework.get_absolute_url()).content.decode()
    assert '<html lang="en">' in page
    assert "Dimension 1 Anti-corruption" in page
    assert "1 Aug 2023 – 28 Feb 2024" in page
    assert fw2567.items_by_code["4.2.4"].lines[2].text.en in page


def test_thai_even_when_the_browser_asks_for_english(client, framework):
    page = client.get(framework.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="th">' in page
    assert "ด้านที่ 1" in page


def test_an_unknown_framework_is_404(client, framework):
    assert client.get("/frameworks/oae-2599/1/").status_code == 404


def test_the_list_page(client, framework):
    page = client.get("/frameworks/").content.decode()
    assert "ปี 2567 ฉบับที่ 1" in page and "120" in page
    assert "oae-2567@1" not in page  # people read the year and version, not the code


def test_framework_editors_see_the_rules_as_written(client, framework):
    from tests.factories import person

    client.force_login(person("fern", "framework_editor"))
    page = client.get(framework.get_absolute_url()).content.decode()
    assert "count(followups where presented_to_director) &gt;= 2" in page


def test_the_framework_page_takes_a_constant_number_of_queries(
    client, framework, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("pramern.frameworks.models._COMPILED", {})  # a process that has not compiled it yet
    # 3: the framework row; its source, read once to compile it; the others to compare it with
    with django_assert_num_queries(3):
        client.get(framework.get_absolute_url())
    # 2: the framework row (the compiled framework is cached per content hash); the others
    with django_assert_num_queries(2):
        client.get(framework.get_absolute_url())
