"""The dashboard's first screen is the round's summary; the ranking and the heat map show a page
of units at a time (every unit on request), with links that keep the filters, and a search by a
unit's name or code."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from pramern.dashboards import summary
from pramern.reports.scorecards import refresh
from tests.factories import assessment, record, unit

#: Unit A has 2 points, B 1, the three others none: the ranking is A, B, then C1, C2, C3 (by code).
A = "สำนักวิจัยเศรษฐกิจการเกษตร"
B = "ศูนย์สารสนเทศการเกษตร"


@pytest.fixture
def five_units(world, monkeypatch):
    """Five ranked units, two a page."""
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    record(world.b, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    for a in (world.a, world.b):
        refresh(a)
    for n in range(1, 4):
        refresh(assessment(unit(f"oae-z{n}", f"กองทดสอบที่ {n}"), world.framework))
    monkeypatch.setattr(summary, "UNITS_PER_PAGE", 2)
    return world


def table(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"')[1].split("</table>")[0]


def ranked_names(page: str) -> list[str]:
    return re.findall(r'<a href="/a/\d+/scorecard/">([^<]*)</a>', table(page, "table-ranking"))


def heatmap_names(page: str) -> list[str]:
    return re.findall(r"<tr><td>([^<]*)<", table(page, "table-heatmap").split("<tbody>")[1])


def pagers(page: str) -> list[str]:
    return re.findall(r'<nav class="pager".*?</nav>', page, re.S)


def test_the_first_screen_is_the_summary_then_the_first_page_of_units(client, five_units):
    client.force_login(five_units.xena)
    page = client.get("/dashboard/").content.decode()
    assert page.index('id="summary"') < page.index('id="table-progress"') < page.index('id="table-ranking"')
    figures = page.split('id="summary"')[1].split("</section>")[0]
    assert "5 หน่วยงาน คะแนนประเมินตนเองเฉลี่ย 0.6 จาก 120 คะแนน จัดลำดับตามคะแนนตรวจรับรอง 0 หน่วยงาน" in figures
    assert ranked_names(page) == heatmap_names(page) == [A, B]
    ranking, heatmap = pagers(page)
    assert 'aria-label="หน้าของตารางอันดับ"' in ranking and 'aria-label="หน้าของตารางคะแนนรายด้าน"' in heatmap
    assert "หน่วยงานที่ 1–2 จาก 5 หน่วยงาน" in ranking
    current = re.findall(r'<a href="[^"]*"[^>]*aria-current="page"[^>]*>(.*?)</a>', ranking)
    assert current == ['<span class="visually-hidden">หน้า </span>1']
    assert 'rel="next">หน้าถัดไป →</a>' in ranking and 'rel="prev"' not in ranking
    assert "แสดงทั้งหมด 5 หน่วยงาน" in ranking


def test_each_page_shows_the_next_units_with_their_overall_rank(client, five_units):
    client.force_login(five_units.xena)
    second = client.get("/dashboard/?page=2").content.decode()
    assert ranked_names(second) == heatmap_names(second) == ["กองทดสอบที่ 1", "กองทดสอบที่ 2"]
    assert re.findall(r'<tr><td class="num">(\d+)</td>', table(second, "table-ranking")) == ["3", "3"]
    third = client.get("/dashboard/?page=3").content.decode()
    assert ranked_names(third) == ["กองทดสอบที่ 3"]
    past = client.get("/dashboard/?page=99").content.decode()  # past the last: the last
    assert ranked_names(past) == ["กองทดสอบที่ 3"] and pagers(past) == pagers(third)
    everything = client.get("/dashboard/?page=all").content.decode()
    assert len(ranked_names(everything)) == len(heatmap_names(everything)) == 5
    assert "แสดงครบทั้ง 5 หน่วยงานในหน้าเดียว" in everything and "แสดงทีละหน้า" in everything
    # the summary is the whole round's, whatever the page
    assert (
        second.split('id="summary"')[1].split("</section>")[0]
        == everything.split('id="summary"')[1].split("</section>")[0]
    )


@pytest.mark.parametrize("page", ["0", "x", "²", "-1", "1.5"])
def test_a_page_the_dashboard_does_not_offer_is_a_400(client, five_units, page):
    client.force_login(five_units.xena)
    assert client.get(f"/dashboard/?page={page}").status_code == 400


def test_the_page_links_keep_the_year_round_and_filters(client, five_units):
    client.force_login(five_units.xena)
    page = client.get("/dashboard/?year=2567&round=R6&kind=bureau&page=2").content.decode()
    ranking = pagers(page)[0]
    link = r'<a href="([^"]*)"[^>]*>(?:<span class="visually-hidden">หน้า </span>)?([^<]+)</a>'
    links = {text: parse_qs(urlsplit(href.replace("&amp;", "&")).query) for href, text in re.findall(link, ranking)}
    for query in links.values():
        assert query["year"] == ["2567"] and query["round"] == ["R6"] and query["kind"] == ["bureau"]
    assert "page" not in links["1"] and links["3"]["page"] == ["3"]
    assert links["แสดงทั้งหมด 5 หน่วยงาน"]["page"] == ["all"]
    # another year: its own first page, the page number left behind
    years = page.split('class="years"')[1].split("</nav>")[0]
    assert "page=" not in years


def test_search_finds_units_by_name_or_code_keeping_their_rank(client, five_units):
    client.force_login(five_units.xena)
    page = client.get("/dashboard/?q=ทดสอบที่ 2").content.decode()
    assert ranked_names(page) == heatmap_names(page) == ["กองทดสอบที่ 2"]
    assert re.findall(r'<tr><td class="num">(\d+)</td>', table(page, "table-ranking")) == ["3"]
    assert "พบ 1 หน่วยงานที่ตรงกับ “ทดสอบที่ 2”" in page
    assert 'value="ทดสอบที่ 2"' in page  # the search box keeps the words
    assert 'href="?#ranking"' not in page and '<a href="?">แสดงทุกหน่วยงาน</a>' in page
    assert ranked_names(client.get("/dashboard/?q=OAE-Z3").content.decode()) == ["กองทดสอบที่ 3"]  # a code
    three = client.get("/dashboard/?q=กองทดสอบ&page=2").content.decode()
    assert ranked_names(three) == ["กองทดสอบที่ 3"] and "หน่วยงานที่ 3–3 จาก 3 หน่วยงาน" in three
    assert "q=%E0%B8%81" in pagers(three)[0]  # the pages of a search stay in it
    none = client.get("/dashboard/?q=ไม่มีหน่วยงานนี้").content.decode()
    assert ranked_names(none) == [] and "ไม่มีหน่วยงานตามเงื่อนไข" in table(none, "table-ranking")
    assert client.get(f"/dashboard/?q={'ก' * 101}").status_code == 400


def test_the_summary_names_the_highest_and_the_lowest_ranked(client, five_units, monkeypatch):
    monkeypatch.setattr(summary, "SUMMARY_UNITS", 2)
    client.force_login(five_units.xena)
    page = client.get("/dashboard/").content.decode()
    highest = page.split('id="summary-highest"')[1].split("</ol>")[0]
    lowest = page.split('id="summary-lowest"')[1].split("</ol>")[0]
    assert re.findall(r'<li value="(\d+)"><a href="/a/\d+/scorecard/">([^<]*)</a>', highest) == [("1", A), ("2", B)]
    assert re.findall(r'<li value="(\d+)"><a href="/a/\d+/scorecard/">([^<]*)</a>', lowest) == [
        ("3", "กองทดสอบที่ 2"),
        ("3", "กองทดสอบที่ 3"),
    ]
    assert '2<span class="unverified" aria-hidden="true">*</span>' in highest  # a claim, marked


def test_a_round_with_few_units_lists_each_once_in_the_summary(client, world):
    for a in (world.a, world.b):
        refresh(a)
    client.force_login(world.xena)
    page = client.get("/dashboard/").content.decode()
    assert 'id="summary-highest"' in page and 'id="summary-lowest"' not in page
    assert '<nav class="pager"' not in page  # one page: no pagination


def test_the_page_is_a_few_tens_of_kilobytes_whatever_the_units(client, world, monkeypatch):
    """Every unit's rows would make the page grow with the units; a page of them does not."""
    for n in range(60):
        refresh(assessment(unit(f"oae-y{n:02d}", f"หน่วยงานทดสอบขนาดหน้า {n}"), world.framework))
    client.force_login(world.xena)
    page = client.get("/dashboard/").content.decode()
    assert len(ranked_names(page)) == summary.UNITS_PER_PAGE == 25
    everything = client.get("/dashboard/?page=all").content.decode()
    assert len(ranked_names(everything)) == 60
    assert len(page.encode()) < len(everything.encode()) - 8 * 1000  # the 35 rows left to later pages
