"""The page comparing two installed frameworks: public like the framework pages, words marked."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from pramern.frameworks.services import install_framework, install_framework_file
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.thaitext import _libthai
from tests.conftest import FRAMEWORK_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def frameworks():
    """FY2567 and a next year's copy: 1.2.2's guidance reworded, its second line opened in R6,
    the first round's cut-off a month later."""
    old = install_framework_file(FRAMEWORK_FILE).framework
    document = copy.deepcopy(load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), "x"))
    document.update(code="oae-2570", title_th=document["title_th"].replace("2567", "2570"))
    item = document["dimensions"][0]["items"][1]["items"][1]
    assert item["code"] == "1.2.2"
    item["guidance_th"] = item["guidance_th"].replace("มีการติดตามผล", "มีการตรวจสอบผล", 1)
    item["lines"][1]["round"] = "R6"
    document["rounds"][0]["cutoff"] = "2024-03-31"
    new = install_framework(dump_framework(document), "oae-2570.yaml").framework
    return old, new


def compare_url(old, new):
    return reverse("frameworks:compare", args=[old.code, old.version, new.code, new.version])


def test_anyone_may_compare_published_frameworks_as_they_may_read_them(client, frameworks):
    response = client.get(compare_url(*frameworks))  # anonymous, as /frameworks/ is
    assert response.status_code == 200


def test_the_page_marks_changed_words_and_lines_in_thai(client, frameworks):
    page = client.get(compare_url(*frameworks)).content.decode()
    assert "<h1>เปรียบเทียบกรอบการประเมิน: oae-2567@1 → oae-2570@1</h1>" in page
    assert "<del>" in page.split("แนวทางการดำเนินการ (ไทย):", 1)[1].split("</li>", 1)[0]
    assert "รอบที่เริ่มให้คะแนน:" in page and "<del>R12</del> → <ins>R6</ins>" in page
    assert "คะแนนที่เป็นไปได้ในแต่ละรอบ" in page and "+0.5" in page
    assert "ปี <del>2567</del><ins>2570</ins>" in page
    assert "รอบการประเมิน R6: วันตัดรอบ:</span>\n<del>28 ก.พ. 2567</del> → <ins>31 มี.ค. 2567</ins>" in page
    assert 'id="diff-1.2.1"' not in page  # unchanged items are not listed


@pytest.mark.skipif(_libthai() is None, reason="libthai (Debian's libthai0) is not installed")
def test_thai_words_are_marked_whole(client, frameworks):
    page = client.get(compare_url(*frameworks)).content.decode()
    assert "มีการ<del>ติดตาม</del><ins>ตรวจสอบ</ins>ผล" in page


def test_comparing_a_framework_with_itself_says_nothing_differs(client, frameworks):
    old = frameworks[0]
    page = client.get(compare_url(old, old)).content.decode()
    assert "ไม่มีความแตกต่าง" in page
    assert "<del>" not in page


def test_an_unknown_framework_on_either_side_is_404(client, frameworks):
    old, new = frameworks
    assert client.get(f"/frameworks/{old.code}/{old.version}/compare/oae-2599/1/").status_code == 404
    assert client.get(f"/frameworks/oae-2599/1/compare/{new.code}/{new.version}/").status_code == 404


def test_the_framework_page_links_to_the_comparison_earlier_year_first(client, frameworks):
    old, new = frameworks
    page = client.get(old.get_absolute_url()).content.decode()
    assert f'href="{compare_url(old, new)}"' in page
    page = client.get(new.get_absolute_url()).content.decode()
    assert f'href="{compare_url(old, new)}"' in page


def test_the_page_in_english(client, frameworks):
    client.post(reverse("set_language"), "language=en&next=/", content_type="application/x-www-form-urlencoded")
    page = client.get(compare_url(*frameworks)).content.decode()
    assert "Guidance (Thai):" in page and "Points open in each round" in page


def test_the_comparison_takes_two_queries_once_compiled(client, frameworks, django_assert_num_queries):
    url = compare_url(*frameworks)
    client.get(url)  # both compiled, kept per content hash
    with django_assert_num_queries(2):  # the two framework rows (without their sources)
        assert client.get(url).status_code == 200
