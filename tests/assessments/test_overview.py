"""The office-wide first screen: every unit with its state per round, totals and deadline."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pramern.organizations.models import Role, Unit
from pramern.reports import caching
from pramern.reports.scorecards import refresh
from pramern.review.models import DeadlineExtension
from pramern.review.services import set_verdict, transition
from pramern.ui.text import bedate
from tests.factories import assessment, person, record, unit


def table(page: str) -> str:
    return page.split('id="table-units"')[1].split("</table>")[0]


def row_of(page: str, name: str) -> str:
    return table(page).split(name)[1].split("</tr>")[0]


def cell(row: str, label: str) -> str:
    return row.split(f'data-label="{label}">')[1].split("</td>")[0].strip()


def published_with_one_point(world):
    """Unit A: R12 self-assessed 2, verified 1 (one follow-up rejected), published."""
    first = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    second = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(first, "accepted", user=world.eve)
    set_verdict(second, "rejected", reason="ไม่มีรายงาน", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)


def test_anonymous_goes_to_login_and_a_units_people_to_their_own_unit(client, world):
    assert client.get("/")["Location"].startswith("/login/")
    client.force_login(world.bob)
    assert client.get("/")["Location"] == f"/a/{world.b.pk}/"


def test_a_person_of_two_units_sees_only_those(client, world):
    other = unit("oae-other", "หน่วยงานอื่น")
    assessment(other, world.framework)
    both = person("carol", "officer", world.unit_a)
    Role.objects.create(user=both, unit=world.unit_b, kind="officer")
    client.force_login(both)
    rows = table(client.get("/").content.decode())
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in rows and "ศูนย์สารสนเทศการเกษตร" in rows
    assert "หน่วยงานอื่น" not in rows


def test_every_unit_shows_its_state_totals_and_deadline(client, world):
    published_with_one_point(world)
    transition(world.a, "R12", "publish", user=world.eve)
    record(world.b, "2.1", "plan", "2023-10-01", sent_to_planning=True, signed_or_presented=True)  # R6 window
    refresh(world.a)
    refresh(world.b)
    for persona in ("xena", "adam"):
        client.force_login(getattr(world, persona))
        page = client.get("/?round=R12").content.decode()
        a = row_of(page, "สำนักวิจัยเศรษฐกิจการเกษตร")
        assert 'class="pill stage-published">ประกาศผลแล้ว<' in cell(a, "สถานะ")
        assert cell(a, "ประเมินตนเอง") == "2"  # settled: no "not verified" marker
        assert cell(a, "ผลการตรวจรับรอง") == "1"
        b = row_of(page, "ศูนย์สารสนเทศการเกษตร")
        assert "ยังไม่เริ่ม" in cell(b, "สถานะ")  # nothing dated in R12's own window
        assert cell(b, "ผลการตรวจรับรอง") == "–"
        assert 'class="unverified"' in cell(b, "ประเมินตนเอง")
        r12 = world.framework.schedules.get(round_code="R12").submission_deadline
        assert bedate(r12) in cell(b, "กำหนดส่ง")
        assert f"เหลืออีก {(r12 - timezone.localdate()).days} วัน" in cell(b, "กำหนดส่ง")
        # the other round in brief: B's R6 has a record, so it is in progress
        assert "รอบ 6 เดือน" in cell(b, "รอบอื่น") and "กำลังดำเนินการ" in cell(b, "รอบอื่น")
    assert "หน่วยงานตามสถานะ" in page
    assert "ยังไม่ผ่านการตรวจรับรองของศูนย์ประเมินผล" in page  # the legend of the marker


def test_executives_see_verified_totals_only_once_published(client, world):
    published_with_one_point(world)
    refresh(world.a)
    client.force_login(world.xena)
    a = row_of(client.get("/?round=R12").content.decode(), "สำนักวิจัยเศรษฐกิจการเกษตร")
    assert "ตรวจรับรองแล้ว" in cell(a, "สถานะ")
    assert cell(a, "ผลการตรวจรับรอง") == "–"
    assert 'class="unverified"' in cell(a, "ประเมินตนเอง")
    client.force_login(world.eve)  # the Centre sees it as it forms
    a = row_of(client.get("/?round=R12").content.decode(), "สำนักวิจัยเศรษฐกิจการเกษตร")
    assert cell(a, "ผลการตรวจรับรอง") == "1"


def test_submitted_in_review_and_returned_are_told_apart(client, world):
    record(world.a, "1.2.2", "followups", "2023-10-15", presented_to_director=True)
    record(world.b, "1.2.2", "followups", "2023-10-15", presented_to_director=True)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    bob_director = person("bobd", "director", world.unit_b)
    transition(world.b, "R6", "submit", user=bob_director)
    transition(world.b, "R6", "start_review", user=world.eve)
    transition(world.b, "R6", "return", user=world.eve, reason="แนบหลักฐานเพิ่ม")
    client.force_login(world.xena)
    page = client.get("/?round=R6").content.decode()
    a = cell(row_of(page, "สำนักวิจัยเศรษฐกิจการเกษตร"), "สถานะ")
    assert 'class="pill stage-submitted">ส่งแล้ว</span> <span class="muted">(กำลังตรวจ)</span>' in a
    assert "stage-returned" in cell(row_of(page, "ศูนย์สารสนเทศการเกษตร"), "สถานะ")
    returned = table(client.get("/?round=R6&stage=returned").content.decode())
    assert "ศูนย์สารสนเทศการเกษตร" in returned and "สำนักวิจัยเศรษฐกิจการเกษตร" not in returned


def test_an_extended_deadline_and_an_overdue_one(client, world):
    today = timezone.localdate()
    world.framework.schedules.filter(round_code="R6").update(submission_deadline=today - dt.timedelta(days=3))
    DeadlineExtension.objects.create(
        assessment=world.a,
        round_code="R6",
        deadline=today + dt.timedelta(days=5),
        reason="น้ำท่วม",
        granted_by=world.adam,
        granted_at=timezone.now(),
    )
    client.force_login(world.xena)
    page = client.get("/?round=R6").content.decode()
    a = cell(row_of(page, "สำนักวิจัยเศรษฐกิจการเกษตร"), "กำหนดส่ง")
    assert bedate(today + dt.timedelta(days=5)) in a and "ขยายเวลา" in a and "เหลืออีก 5 วัน" in a
    b = cell(row_of(page, "ศูนย์สารสนเทศการเกษตร"), "กำหนดส่ง")
    assert "เลยกำหนด 3 วัน" in b


def test_sorting_and_filtering(client, world):
    record(world.b, "2.1", "plan", "2023-10-01", sent_to_planning=True, signed_or_presented=True)
    rao = unit("oae-rao-03", "สำนักงานเศรษฐกิจการเกษตรที่ 3")
    Unit.objects.filter(pk=rao.pk).update(kind="regional", region=3)
    assessment(rao, world.framework)
    for a in (world.a, world.b):
        refresh(a)
    client.force_login(world.xena)
    by_code = table(client.get("/?round=R6").content.decode())
    assert by_code.index("สำนักวิจัยเศรษฐกิจการเกษตร") < by_code.index("ศูนย์สารสนเทศการเกษตร")  # oae-bapp, oae-cae
    by_self = table(client.get("/?round=R6&sort=self").content.decode())
    assert by_self.index("ศูนย์สารสนเทศการเกษตร") < by_self.index("สำนักวิจัยเศรษฐกิจการเกษตร")  # 2.1's points first
    by_stage = table(client.get("/?round=R6&sort=stage").content.decode())
    assert by_stage.index("สำนักวิจัยเศรษฐกิจการเกษตร") < by_stage.index("ศูนย์สารสนเทศการเกษตร")  # not started first
    regional = table(client.get("/?kind=regional").content.decode())
    assert "สำนักงานเศรษฐกิจการเกษตรที่ 3" in regional and "ศูนย์สารสนเทศการเกษตร" not in regional
    in_progress = client.get("/?round=R6&stage=in_progress").content.decode()
    assert "ศูนย์สารสนเทศการเกษตร" in table(in_progress) and "สำนักวิจัยเศรษฐกิจการเกษตร" not in table(in_progress)
    assert 'aria-current="true">กำลังดำเนินการ 1<' in in_progress
    # a kind no unit has: no row, but the filters stay (the rounds to choose from)
    divisions = client.get("/?kind=division").content.decode()
    assert "ไม่มีหน่วยงานตามเงื่อนไข" in table(divisions) and '<option value="R12"' in divisions
    # values the page does not offer fall back to its defaults
    assert client.get("/?round=R9&stage=x&sort=y&kind=z").status_code == 200


def test_the_query_count_does_not_grow_with_units(client, world):
    for a in (world.a, world.b):
        refresh(a)
    record(world.a, "1.2.2", "followups", "2023-10-15", presented_to_director=True)
    client.force_login(world.xena)
    client.get("/")
    caching.clear()  # the page computed (tests/reports/test_caching.py counts it cached)
    with CaptureQueriesContext(connection) as two_units:
        client.get("/")
    for n in range(8):
        extra = unit(f"oae-x{n}", f"หน่วยงานทดสอบ {n}")
        extra_assessment = assessment(extra, world.framework)
        record(extra_assessment, "1.2.2", "followups", "2023-10-15", presented_to_director=True)
        refresh(extra_assessment)
    caching.clear()  # the bell's count too, as before the first count
    with CaptureQueriesContext(connection) as ten_units:
        assert "หน่วยงานทดสอบ 7" in table(client.get("/").content.decode())
    # session, user, roles, frameworks (the years), the year's generation (the cache key),
    # assessments with units and frameworks, round schedules, unit rounds, deadline extensions,
    # score cards, records counted per round window, the bell's unread count (the header)
    assert len(ten_units) == len(two_units) == 12, [q["sql"][:80] for q in ten_units.captured_queries]
