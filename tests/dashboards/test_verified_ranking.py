"""The dashboard ranks by the verified total where a round is settled and shown, and marks
self-assessed figures as not verified, in the table and in the chart."""

from __future__ import annotations

import json

from pramern.reports.scorecards import refresh
from pramern.review.services import transition
from tests.factories import record, verified_below_its_claim

A = "สำนักวิจัยเศรษฐกิจการเกษตร"
B = "ศูนย์สารสนเทศการเกษตร"


def ranking_rows(page: str) -> dict[str, list[str]]:
    """unit name -> its cells (rank, ranked-by figure, self-assessed, verified, …) as HTML."""
    body = page.split('id="table-ranking"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for tr in body.split("<tr>")[1:]:
        cells = [c.split("</td>")[0] for c in tr.split("<td")[1:]]
        name = cells[1].split(">", 2)[2].split("</a>")[0]
        rows[name] = [c.split(">", 1)[1] for c in cells]
    return rows


def chart(page: str) -> dict:
    return json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])


def test_executives_rank_by_the_verified_total_once_published(client, world):
    verified_below_its_claim(world)
    client.force_login(world.xena)
    page = client.get("/dashboard/?round=R12").content.decode()
    rows = ranking_rows(page)
    # verified but not published: the executive sees only claims, both marked, tied
    assert rows[A][0] == rows[B][0] == "1"
    assert rows[A][2].startswith('2<span class="unverified" aria-hidden="true">*</span>')
    assert "(ยังไม่ผ่านการตรวจรับรอง)" in rows[A][2]
    assert "ยังไม่ผ่านการตรวจรับรองของศูนย์ประเมินผล" in page  # the legend
    transition(world.a, "R12", "publish", user=world.eve)
    refresh(world.a)
    page = client.get("/dashboard/?round=R12").content.decode()
    rows = ranking_rows(page)
    assert list(rows) == [B, A]  # A's verified 1 ranks below B's claimed 2
    assert (rows[A][0], rows[A][2]) == ("2", "1")
    assert rows[A][4] == "1"  # the verified column
    assert "unverified" in rows[B][2]
    series = chart(page)["ranking"]
    assert series == [["ศูนย์สารสนเทศการเกษตร", None, 2], ["สำนักวิจัยเศรษฐกิจการเกษตร", 1, None]]
    labels = chart(page)["labels"]
    assert (labels["verified"], labels["unverified"]) == ("ผลการตรวจรับรอง", "ประเมินตนเอง ยังไม่ผ่านการตรวจรับรอง")


def test_the_centre_ranks_by_a_verified_total_before_publication(client, world):
    verified_below_its_claim(world)
    client.force_login(world.eve)
    rows = ranking_rows(client.get("/dashboard/?round=R12").content.decode())
    assert list(rows) == [B, A] and rows[A][2] == "1"


def test_a_round_in_review_ranks_by_the_claim_even_for_the_centre(client, world):
    """A verified total still forming is not final: the ranking keeps the claim, marked."""
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.eve)
    rows = ranking_rows(client.get("/dashboard/?round=R12").content.decode())
    assert rows[A][2].startswith('1<span class="unverified"') and rows[A][4] == "0"


def test_the_chart_script_draws_the_verified_series_apart():
    """charts.js draws two series in the ranking: the verified totals and the unverified claims."""
    from tests.conftest import ROOT

    script = (ROOT / "static" / "pramern" / "charts.js").read_text()
    ranking = script.split('draw("chart-ranking"')[1].split("draw(")[0]
    assert "charts.labels.verified" in ranking and "charts.labels.unverified" in ranking
    assert "r[1]" in ranking and "r[2]" in ranking and "stacked: true" in ranking


def heatmap_rows(page: str) -> dict[str, str]:
    """unit name -> its heat map row (HTML after the name)."""
    body = page.split('id="table-heatmap"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return {tr.split("<td>")[1].split("<")[0]: tr for tr in body.split("<tr>")[1:]}


def test_the_change_chart_draws_each_rounds_verified_total_once_published(client, world):
    verified_below_its_claim(world, publish=True)
    client.force_login(world.xena)
    page = client.get("/dashboard/?round=R12").content.decode()
    # [name, R6 verified, R6 unverified, R12 verified, R12 unverified]: A's R12 bar is its verified 1,
    # not its claimed 2; B's is its claim, in the unverified series; R6 was never verified
    assert chart(page)["change"] == [[B, None, 0, None, 2], [A, None, 0, 1, None]]
    rows = ranking_rows(page)
    assert rows[A][6] == "+1"  # the change, from R6's 0 to the verified 1 (not the claimed 2)
    assert rows[A][5].startswith('0<span class="unverified"')  # R6's figure: a claim, marked


def test_the_change_chart_keeps_claims_from_those_who_may_not_see_the_verified_total(client, world):
    verified_below_its_claim(world)  # verified, not published: the executive may not see it yet
    client.force_login(world.xena)
    page = client.get("/dashboard/?round=R12").content.decode()
    assert chart(page)["change"] == [[A, None, 0, None, 2], [B, None, 0, None, 2]]
    client.force_login(world.eve)  # the Centre sees its verified total
    assert [A, None, 0, 1, None] in chart(client.get("/dashboard/?round=R12").content.decode())["change"]


def test_the_heat_map_shows_verified_points_once_published_and_marks_claims(client, world):
    verified_below_its_claim(world)
    client.force_login(world.xena)
    before = heatmap_rows(client.get("/dashboard/?round=R12").content.decode())
    assert '<td class="num heat s1 unverified-cell">2</td>' in before[A]  # dimension 1: the claim, 2 of 26 ≈ 7 %
    assert "(ยังไม่ผ่านการตรวจรับรอง)" in before[A]
    transition(world.a, "R12", "publish", user=world.eve)
    refresh(world.a)
    page = client.get("/dashboard/?round=R12").content.decode()
    after = heatmap_rows(page)
    assert '<td class="num heat s1">1</td>' in after[A]  # the verified 1 of 26, unmarked
    assert "unverified" not in after[A]
    assert "unverified-cell" in after[B] and "(ยังไม่ผ่านการตรวจรับรอง)" in after[B]
    assert "คะแนนรายด้าน (ประเมินตนเอง)" not in page  # the heading no longer calls it all self-assessed


def test_the_change_chart_script_draws_verified_and_unverified_apart():
    from tests.conftest import ROOT

    script = (ROOT / "static" / "pramern" / "charts.js").read_text()
    change = script.split("if (charts.change)")[1].split("if (charts.dimensions)")[0]
    assert "charts.labels.verified" in change and "charts.labels.unverified" in change
    assert all(f"series({n}," in change for n in (1, 2, 3, 4)) and "stack: round" in change
