"""The CSV of item scores reports each round's verified points where the round is settled and the
reader may see them, and marks self-assessed points as not verified, as the ranking does."""

from __future__ import annotations

import csv
import io

from pramern.reports.scorecards import refresh
from pramern.review.services import transition
from tests.factories import verified_below_its_claim

VERIFIED = "ตรวจรับรองแล้ว"
UNVERIFIED = "* ประเมินตนเอง ยังไม่ผ่านการตรวจรับรอง"


def csv_rows(client) -> dict[str, dict[str, str]]:
    """unit code -> its row of item 1.2.2, from the download the dashboard links to."""
    response = client.get("/reports/scores.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {r["รหัสหน่วยงาน"]: r for r in rows if r["ข้อ"] == "1.2.2"}


def test_the_csv_reports_verified_points_once_published_and_marks_claims(client, world):
    verified_below_its_claim(world)
    client.force_login(world.xena)
    before = csv_rows(client)["oae-bapp"]  # verified, not published: the executive has the claim
    assert (before["คะแนน รอบ 12 เดือน"], before["ที่มาของคะแนน รอบ 12 เดือน"]) == ("2.00", UNVERIFIED)
    assert before["คำอธิบายคะแนน รอบ 12 เดือน"].split("\n")[1] == "✓ ติดตามผล 2 ครั้ง"
    transition(world.a, "R12", "publish", user=world.eve)
    refresh(world.a)
    rows = csv_rows(client)
    a, b = rows["oae-bapp"], rows["oae-cae"]
    assert (a["คะแนน รอบ 12 เดือน"], a["ที่มาของคะแนน รอบ 12 เดือน"]) == ("1.00", VERIFIED)
    assert (a["รอบ 12 เดือน ประเมินตนเอง"], a["รอบ 12 เดือน ตรวจรับรอง"]) == ("2.00", "1.00")  # both kept
    # the explanation reads the verified lines: the rejected second follow-up is missing
    assert a["คำอธิบายคะแนน รอบ 12 เดือน"].split("\n")[:2] == ["✓ ติดตามผลอย่างน้อย 1 ครั้ง", "✗ ต้องติดตามผลครั้งที่ 2"]
    assert (b["คะแนน รอบ 12 เดือน"], b["ที่มาของคะแนน รอบ 12 เดือน"]) == ("2.00", UNVERIFIED)
    assert a["ที่มาของคะแนน รอบ 6 เดือน"] == UNVERIFIED  # R6 was never verified


def test_the_centre_has_the_verified_points_before_publication(client, world):
    verified_below_its_claim(world)
    client.force_login(world.eve)
    a = csv_rows(client)["oae-bapp"]
    assert (a["คะแนน รอบ 12 เดือน"], a["ที่มาของคะแนน รอบ 12 เดือน"]) == ("1.00", VERIFIED)
