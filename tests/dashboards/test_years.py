"""The dashboard with two fiscal years: the current one by default, the other when chosen, and
the office-wide year-over-year view by dimension."""

from __future__ import annotations

import re
from decimal import Decimal

from pramern.organizations.models import Unit
from pramern.reports.models import ScoreCard
from pramern.reports.scorecards import refresh
from tests.factories import assessment, cold_page_queries, page_queries, record, unit
from tests.years import TwoYears


def scored(world):
    two = TwoYears(world)
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.b, "2.1", "plan", "2023-10-01", sent_to_planning=True, signed_or_presented=True)
    record(two.a2, "1.2.2", "followups", "2025-03-15", presented_to_director=True)
    record(two.a2, "1.2.2", "followups", "2025-05-20", presented_to_director=True)
    for a in (world.a, world.b, two.a2, two.b2):
        refresh(a)
    return two


def ranking_links(page: str) -> set[str]:
    table = page.split('id="table-ranking"')[1].split("</table>")[0]
    return set(re.findall(r'href="/a/(\d+)/scorecard/"', table))


def test_the_dashboard_shows_the_current_year_unless_another_is_chosen(client, world):
    two = scored(world)
    client.force_login(world.xena)
    page = client.get("/dashboard/").content.decode()
    assert "ปี 2568" in page.split("</h1>")[0]
    assert ranking_links(page) == {str(two.a2.pk), str(two.b2.pk)}
    assert 'name="year" value="2568"' in page  # the filters keep the year
    assert 'href="/reports/scores.xlsx?year=2568&amp;round=R12"' in page
    last_year = client.get("/dashboard/?year=2567").content.decode()
    assert "ปี 2567" in last_year.split("</h1>")[0]
    assert ranking_links(last_year) == {str(world.a.pk), str(world.b.pk)}
    assert 'href="/reports/scores.csv?year=2567"' in last_year
    assert client.get("/dashboard/?year=2599").status_code == 404


def test_the_year_links_keep_the_kind_and_region_but_not_the_round(client, world):
    scored(world)
    client.force_login(world.eve)
    page = client.get("/dashboard/?year=2568&round=R6&kind=bureau&region=").content.decode()
    assert 'href="?kind=bureau&amp;region=&amp;year=2567"' in page


def test_who_may_open_the_year_over_year_view(client, world):
    scored(world)
    assert client.get("/dashboard/years/")["Location"].startswith("/login/")
    for persona in ("alice", "dan", "bob"):
        client.force_login(getattr(world, persona))
        assert client.get("/dashboard/years/").status_code == 403
    for persona in ("eve", "xena", "adam"):
        client.force_login(getattr(world, persona))
        assert client.get("/dashboard/years/").status_code == 200
    assert client.get("/dashboard/years/?year=2599").status_code == 404


def cells(row: str) -> list[str]:
    return [c.strip() for c in re.findall(r'<td class="num[^"]*">([^<]*)', row)]


def test_the_year_over_year_view_compares_dimensions_and_units_from_the_cards(client, world):
    two = scored(world)
    client.force_login(world.xena)
    page = client.get("/dashboard/years/").content.decode()
    cards = {a.pk: ScoreCard.objects.get(assessment=a, round_code="R12") for a in (world.a, world.b, two.a2, two.b2)}
    table = page.split('id="table-yoy"')[1].split("</table>")[0]
    for code in ("1", "2"):
        this = (Decimal(cards[two.a2.pk].self_dimensions[code]) + Decimal(cards[two.b2.pk].self_dimensions[code])) / 2
        last = (Decimal(cards[world.a.pk].self_dimensions[code]) + Decimal(cards[world.b.pk].self_dimensions[code])) / 2
        row = table.split(f'data-dimension="{code}"')[1].split("</tr>")[0]
        change = this - last
        assert cells(row) == [
            f"{last.normalize():f}",
            f"{this.normalize():f}",
            ("+" if change > 0 else "") + f"{change.normalize():f}",
        ]
    assert cells(table.split('data-dimension="2"')[1].split("</tr>")[0]) == ["1", "0", "-1"]  # B's plan: 2/2
    units = page.split('id="table-units"')[1].split("</table>")[0]
    row_a = units.split(f'data-unit="{world.unit_a.code}"')[1].split("</tr>")[0]
    assert cells(row_a)[:3] == [
        f"{cards[world.a.pk].self_total.normalize():f}",
        f"{cards[two.a2.pk].self_total.normalize():f}",
        "+1",
    ]
    assert cells(row_a)[3] == "+1"  # dimension 1
    # the biggest gain first
    assert units.index(f'data-unit="{world.unit_a.code}"') < units.index(f'data-unit="{world.unit_b.code}"')
    oldest = client.get("/dashboard/years/?year=2567").content.decode()
    assert 'id="table-yoy"' not in oldest and "ปีแรกสุดไม่มีปีก่อนหน้า" in oldest


def test_a_unit_scored_in_one_year_only_is_counted_apart(client, world):
    two = scored(world)
    newcomer = unit("oae-new", "หน่วยงานใหม่")
    Unit.objects.filter(pk=newcomer.pk).update(kind="centre")
    refresh(assessment(newcomer, two.new))
    client.force_login(world.xena)
    page = client.get("/dashboard/years/").content.decode()
    assert 'data-unit="oae-new"' not in page
    assert "มีคะแนนเฉพาะในปีงบประมาณ 2568: 1 หน่วยงาน" in page


def test_the_query_counts_do_not_grow_with_units(client, world):
    two = scored(world)
    client.force_login(world.xena)
    for url in ("/dashboard/", "/dashboard/?year=2567", "/dashboard/years/"):
        page_queries(client, url)
    before = {
        url: cold_page_queries(client, url) for url in ("/dashboard/", "/dashboard/?year=2567", "/dashboard/years/")
    }
    for n in range(8):
        extra = unit(f"oae-x{n}", f"หน่วยงานทดสอบ {n}")
        refresh(assessment(extra, world.framework))
        refresh(assessment(extra, two.new))
    after = {url: cold_page_queries(client, url) for url in before}
    assert after == before
    # session, user, roles, the frameworks with whether each has assessments, the year's generation
    # (the cache key), assessments with units, score cards, the bell's unread count (the header)
    assert before["/dashboard/"] == before["/dashboard/?year=2567"] == 8
    # session, user, roles, the frameworks, then per year: assessments with units and score cards; the bell
    assert before["/dashboard/years/"] == 9
