"""The executive dashboard and the unit scorecard: who sees them, what they show, how fast."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.organizations.models import Unit
from pramern.reports import caching
from pramern.reports.scorecards import refresh
from pramern.review.services import set_verdict, transition
from tests.factories import assessment, record, unit


def cards(world):
    for a in (world.a, world.b):
        refresh(a)


def test_who_may_open_the_dashboard(client, world):
    cards(world)
    assert client.get("/dashboard/")["Location"].startswith("/login/")
    for persona in ("alice", "dan", "bob"):
        client.force_login(getattr(world, persona))
        assert client.get("/dashboard/").status_code == 403
    for persona in ("eve", "xena", "adam"):
        client.force_login(getattr(world, persona))
        assert client.get("/dashboard/").status_code == 200


def test_ranking_heat_map_distribution_and_progress(client, world):
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    record(world.b, "2.1", "plan", "2023-10-01", sent_to_planning=True, signed_or_presented=True)
    record(world.b, "1.2.1", "measure", "2023-10-01", not_duplicate=True, signed_or_presented=True, published=True)
    transition(world.a, "R12", "submit", user=world.dan)
    cards(world)
    client.force_login(world.xena)
    page = client.get("/dashboard/").content.decode()
    ranking = page.split('id="table-ranking"')[1].split("</table>")[0]
    assert ranking.index("ศูนย์สารสนเทศการเกษตร") < ranking.index("สำนักวิจัยเศรษฐกิจการเกษตร")  # 6 before 2
    assert '<td class="num">6</td>' in ranking and '<td class="num">2</td>' in ranking
    heatmap = page.split('id="table-heatmap"')[1].split("</table>")[0]
    unit_b = heatmap.split("ศูนย์สารสนเทศการเกษตร")[1].split("</tr>")[0]
    # 4/26 ≈ 15 %, 2/6 ≈ 35 %; not verified: marked (the "*" is drawn by the class)
    assert 'class="num heat s3 unverified-cell">4</td><td class="num heat s7 unverified-cell">2</td>' in unit_b
    distribution = page.split('id="table-distribution"')[1].split("</table>")[0]
    assert '<td>0–10</td><td class="num">2</td>' in distribution
    progress = page.split('id="table-progress"')[1].split("</table>")[0]
    assert '<td>ส่งแล้ว</td><td class="num">1</td>' in progress


def test_filters_by_kind_and_region(client, world):
    rao = unit("oae-rao-03", "สำนักงานเศรษฐกิจการเกษตรที่ 3")
    Unit.objects.filter(pk=rao.pk).update(kind="regional", region=3)
    refresh(assessment(rao, world.framework))
    cards(world)
    client.force_login(world.xena)
    regional = client.get("/dashboard/?kind=regional").content.decode()
    assert "สำนักงานเศรษฐกิจการเกษตรที่ 3" in regional and "ศูนย์สารสนเทศการเกษตร" not in regional
    region_3 = client.get("/dashboard/?region=3").content.decode()
    assert "สำนักงานเศรษฐกิจการเกษตรที่ 3" in region_3 and "สำนักวิจัยเศรษฐกิจการเกษตร" not in region_3


def test_executives_see_verified_scores_once_published(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(rec, "accepted", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)
    cards(world)

    def verified_cell(persona):
        client.force_login(getattr(world, persona))
        ranking = client.get("/dashboard/").content.decode().split('id="table-ranking"')[1]
        row = ranking.split("สำนักวิจัยเศรษฐกิจการเกษตร")[1].split("</tr>")[0]
        return row.split('<td class="num">')[2].split("</td>")[0]

    assert verified_cell("eve") == "1"
    assert verified_cell("xena") == "–"
    transition(world.a, "R12", "publish", user=world.eve)
    refresh(world.a)
    assert verified_cell("xena") == "1"


def test_no_verified_score_shows_before_its_review_begins(client, world):
    """A draft or a round just submitted has no verified score: "–", not a 0 that reads as a
    verdict, and the distribution's verified column counts only units being verified."""
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    cards(world)
    client.force_login(world.eve)
    page = client.get("/dashboard/").content.decode()
    ranking = page.split('id="table-ranking"')[1].split("</table>")[0]
    for name in ("สำนักวิจัยเศรษฐกิจการเกษตร", "ศูนย์สารสนเทศการเกษตร"):
        assert ranking.split(name)[1].split("</tr>")[0].split('<td class="num">')[2].startswith("–")
    distribution = page.split('id="table-distribution"')[1].split("</table>")[0]
    assert '<td>0–10</td><td class="num">2</td><td class="num">0</td>' in distribution
    transition(world.a, "R12", "start_review", user=world.eve)
    refresh(world.a)
    ranking = client.get("/dashboard/").content.decode().split('id="table-ranking"')[1]
    assert ranking.split("สำนักวิจัยเศรษฐกิจการเกษตร")[1].split("</tr>")[0].split('<td class="num">')[2].startswith("0")


def test_the_dashboard_query_count_does_not_grow_with_units(client, world):
    cards(world)
    client.force_login(world.xena)
    client.get("/dashboard/")
    caching.clear()  # the page computed (tests/reports/test_caching.py counts it cached)
    with CaptureQueriesContext(connection) as two_units:
        client.get("/dashboard/")
    for n in range(8):
        extra = unit(f"oae-x{n}", f"หน่วยงานทดสอบ {n}")
        refresh(assessment(extra, world.framework))
    caching.clear()  # the bell's count too, as before the first count
    with CaptureQueriesContext(connection) as ten_units:
        assert "หน่วยงานทดสอบ 7" in client.get("/dashboard/").content.decode()
    # session, user, roles, framework, the year's generation (the cache key), assessments with
    # units, score cards, the bell's unread count (the header)
    assert len(ten_units) == len(two_units) == 8


def test_the_scorecard_shows_dimensions_rounds_and_open_lines(client, world):
    record(world.a, "1.2.2", "followups", "2023-10-01", presented_to_director=True)
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/scorecard/").content.decode()
    table = page.split('id="table-dimensions"')[1].split("</table>")[0]
    assert "การป้องกันการทุจริต" in table
    assert '<td class="num">26</td><td class="num">1</td><td class="num">1</td>' in table  # R6 1, R12 1
    assert "ต้องติดตามผลครั้งที่ 2" in page
    client.force_login(world.bob)
    assert client.get(f"/a/{world.a.pk}/scorecard/").status_code == 404


def test_unit_names_are_escaped_in_the_fast_tables(client, world):
    Unit.objects.filter(pk=world.unit_b.pk).update(name_th="<script>alert(1)</script>", short_name="<b>x</b>")
    cards(world)
    client.force_login(world.xena)
    page = client.get("/dashboard/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page.split('id="table-heatmap"')[1]


def test_the_charts_show_every_unit_or_say_which_they_show(client, world, monkeypatch):
    import json

    from pramern.dashboards import summary

    cards(world)
    client.force_login(world.xena)

    def chart(page):
        return json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])

    page = client.get("/dashboard/").content.decode()
    assert len(chart(page)["ranking"]) == 2 and "ตารางมีครบทุกหน่วยงาน" not in page
    assert chart(page)["labels"]["last"] == "รอบ 12 เดือน" and chart(page)["labels"]["self"] == "ประเมินตนเอง"
    monkeypatch.setattr(summary, "CHARTED_UNITS", 1)
    caching.clear()  # the same data: the page would come from the cache
    page = client.get("/dashboard/").content.decode()
    assert len(chart(page)["ranking"]) == 1 and len(chart(page)["change"]) == 1
    assert "แผนภูมิแสดง 1 หน่วยงานแรกจากทั้งหมด 2 หน่วยงาน ตารางมีครบทุกหน่วยงาน" in page


def test_the_first_round_has_no_change_from_itself(client, world):
    record(world.a, "1.2.2", "followups", "2024-01-15", presented_to_director=True)
    record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    cards(world)
    client.force_login(world.xena)
    r12 = client.get("/dashboard/?round=R12").content.decode()
    row = r12.split('id="table-ranking"')[1].split("สำนักวิจัยเศรษฐกิจการเกษตร")[1].split("</tr>")[0]
    assert '<td class="num">+1</td>' in row and 'id="chart-change"' in r12 and "จากรอบ 6 เดือนถึงรอบ 12 เดือน" in r12
    r6 = client.get("/dashboard/?round=R6").content.decode()
    row = r6.split('id="table-ranking"')[1].split("สำนักวิจัยเศรษฐกิจการเกษตร")[1].split("</tr>")[0]
    assert "+" not in row and 'id="chart-change"' not in r6


def test_the_scorecard_shows_verified_columns_to_those_who_may_see_them(client, world):
    rec = record(world.a, "1.2.2", "followups", "2023-10-01", presented_to_director=True)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(rec, "accepted", user=world.eve)

    def header(persona):
        client.force_login(getattr(world, persona))
        page = client.get(f"/a/{world.a.pk}/scorecard/").content.decode()
        return page.split('id="table-dimensions"')[1].split("</thead>")[0]

    assert "รอบ 6 เดือน (ตรวจรับรองแล้ว)" in header("eve")
    assert "ตรวจรับรอง" not in header("alice") and "ตรวจรับรอง" not in header("xena")  # not verified yet
    transition(world.a, "R6", "verify", user=world.eve)
    assert "ตรวจรับรอง" in header("alice")
    transition(world.a, "R6", "publish", user=world.eve)
    assert "ตรวจรับรอง" in header("xena")
