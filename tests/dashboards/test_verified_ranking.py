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
