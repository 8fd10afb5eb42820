"""The review queue across years and rounds: days waiting, records without a verdict, the assigned
evaluator, assignments (who may make them, who may receive them, the audit) and "my queue"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pramern.assessments.models import UnitRound
from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.review.models import Assignment
from pramern.review.services import ReviewError, assign_evaluator, set_verdict, transition
from tests.factories import assessment, page_queries, person, record, unit
from tests.years import TwoYears


def row(page: str, a, round_code: str) -> str:
    """The queue row of assessment ``a``'s round (its HTML up to the end of the row)."""
    marker = f'id="row-{a.pk}-{round_code}"'
    assert marker in page, f"no row for {a} {round_code}"
    return page.split(marker, 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def ivy(world):
    return person("ivy", "evaluator", first_name="ไอวี่", last_name="ผู้ตรวจ")


def test_it_shows_r6_and_r12_of_several_years_by_default(client, world):
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)  # before FY2568 opens
    two = TwoYears(world)
    transition(two.a2, "R6", "submit", user=world.dan)
    client.force_login(world.eve)
    page = client.get("/review/").content.decode()
    for a, code in ((world.a, "R6"), (world.a, "R12"), (two.a2, "R6")):
        row(page, a, code)
    assert "<td>2567</td>" in row(page, world.a, "R12") and "<td>2568</td>" in row(page, two.a2, "R6")
    only_r12 = client.get("/review/?round=R12").content.decode()
    assert f'id="row-{world.a.pk}-R12"' in only_r12 and f'id="row-{world.a.pk}-R6"' not in only_r12
    only_2568 = client.get("/review/?year=2568").content.decode()
    assert f'id="row-{two.a2.pk}-R6"' in only_2568 and f'id="row-{world.a.pk}-R6"' not in only_2568


def test_days_waiting_count_from_the_last_submission(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    UnitRound.objects.filter(assessment=world.a).update(waiting_since=timezone.now() - dt.timedelta(days=5))
    client.force_login(world.eve)
    assert '<td class="num waiting">5 วัน</td>' in row(client.get("/review/").content.decode(), world.a, "R12")
    transition(world.a, "R12", "start_review", user=world.eve)
    transition(world.a, "R12", "return", user=world.eve, reason="แนบหลักฐาน")
    returned = client.get("/review/?state=all&round=R12").content.decode()
    assert '<td class="num waiting">–</td>' in row(returned, world.a, "R12")  # the unit has it now
    transition(world.a, "R12", "resubmit", user=world.dan)
    assert '<td class="num waiting">0 วัน</td>' in row(client.get("/review/").content.decode(), world.a, "R12")


def test_records_without_a_verdict_are_counted_per_round(client, world):
    early = record(world.a, "1.2.2", "followups", "2024-01-15")  # inside R6 (and R12)
    record(world.a, "1.2.2", "followups", "2024-06-15")  # R12 only
    record(world.a, "6.1", "flowcharts", "2024-06-20", section="s1", task="งาน")
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.eve)
    page = client.get("/review/").content.decode()
    assert '<td class="num unverdicted">1 <span class="muted">(1 ข้อ)</span></td>' in row(page, world.a, "R6")
    assert '<td class="num unverdicted">3 <span class="muted">(2 ข้อ)</span></td>' in row(page, world.a, "R12")
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(early, "accepted", user=world.eve)
    page = client.get("/review/").content.decode()
    assert '<td class="num unverdicted">0</td>' in row(page, world.a, "R6")
    assert '<td class="num unverdicted">2 <span class="muted">(2 ข้อ)</span></td>' in row(page, world.a, "R12")


def test_an_administrator_assigns_a_unit_and_it_is_audited(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.adam)
    page = client.get("/review/").content.decode()
    assert 'class="row assign-form"' in row(page, world.a, "R12")
    back = "/review/?round=R12"
    response = client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": world.eve.pk, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assignment = Assignment.objects.get(assessment=world.a)
    assert (assignment.evaluator, assignment.assigned_by) == (world.eve, world.adam)
    entry = AuditEntry.objects.get(action="pramern.review.assigned")
    assert (entry.actor, entry.data, entry.assessment_id) == (world.adam, {"before": None, "after": "eve"}, world.a.pk)
    page = client.get(back).content.decode()
    assert "มอบหมาย สำนักวิจัยเศรษฐกิจการเกษตร ให้ eve แล้ว" in page
    assert '<span class="assignee">eve</span>' in row(page, world.a, "R12")
    client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": "", "next": back})
    assert not Assignment.objects.exists()
    undone = AuditEntry.objects.filter(action="pramern.review.assigned").latest("pk")
    assert undone.data == {"before": "eve", "after": None}


def test_an_assignment_goes_only_to_people_of_the_centre(client, world, ivy):
    carol = person("carol", "evaluator")
    Role.objects.create(user=carol, kind=Role.Kind.OFFICER, unit=world.unit_a)  # of the Centre and of unit A
    client.force_login(world.adam)
    for someone, why in ((world.xena, "ไม่ได้อยู่ในศูนย์ประเมินผล"), (world.alice, "ไม่ได้อยู่ในศูนย์ประเมินผล")):
        response = client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": someone.pk}, follow=True)
        assert why in response.content.decode()
    response = client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": carol.pk}, follow=True)
    assert "ผลประโยชน์ทับซ้อน" in response.content.decode()
    assert not Assignment.objects.exists()
    with pytest.raises(ReviewError, match="ไม่ได้อยู่ในศูนย์ประเมินผล"):
        assign_evaluator(world.a, world.bob, user=world.adam)
    assign_evaluator(world.a, ivy, user=world.adam)
    assert Assignment.objects.get().evaluator == ivy


def test_only_an_administrator_assigns(client, world):
    url = f"/review/a/{world.a.pk}/assign/"
    assert client.post(url, {"evaluator": world.eve.pk})["Location"].startswith("/login/")
    for persona in ("alice", "dan", "bob", "xena", "eve"):
        client.force_login(getattr(world, persona))
        assert client.post(url, {"evaluator": world.eve.pk}).status_code == 403, persona
    with pytest.raises(ReviewError, match="ผู้ดูแลระบบ"):
        assign_evaluator(world.a, world.eve, user=world.eve)
    assert not Assignment.objects.exists() and not AuditEntry.objects.filter(action="pramern.review.assigned")
    client.force_login(world.eve)
    assert 'class="row assign-form"' not in client.get("/review/?state=all").content.decode()


def test_my_queue_is_an_assigned_evaluators_default(client, world, ivy):
    director_b = person("dora", "director", world.unit_b)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.b, "R12", "submit", user=director_b)
    assign_evaluator(world.a, world.eve, user=world.adam)
    client.force_login(world.eve)
    mine = client.get("/review/").content.decode()
    assert "<h1>งานของฉัน</h1>" in mine and 'id="tab-mine" aria-current="page"' in mine
    assert f'id="row-{world.a.pk}-R12"' in mine and f'id="row-{world.b.pk}-R12"' not in mine
    everyone = client.get("/review/?evaluator=all").content.decode()
    assert f'id="row-{world.a.pk}-R12"' in everyone and f'id="row-{world.b.pk}-R12"' in everyone
    unassigned = client.get("/review/?evaluator=unassigned").content.decode()
    assert f'id="row-{world.a.pk}-R12"' not in unassigned and f'id="row-{world.b.pk}-R12"' in unassigned
    client.force_login(ivy)  # assigned nothing: every unit, and an empty "my queue" says so
    page = client.get("/review/").content.decode()
    assert "<h1>รายการรอตรวจ</h1>" in page and f'id="row-{world.b.pk}-R12"' in page
    assert "ไม่มีหน่วยงานที่มอบหมายให้ท่านรอตรวจ" in client.get("/review/?evaluator=mine").content.decode()
    by_eve = client.get(f"/review/?evaluator={world.eve.pk}").content.decode()
    assert f'id="row-{world.a.pk}-R12"' in by_eve and f'id="row-{world.b.pk}-R12"' not in by_eve


@pytest.mark.parametrize("query", ["evaluator=9999", "evaluator=%00", "round=R99", "state=nope"])
def test_filters_the_page_does_not_offer_are_a_400(client, world, query):
    client.force_login(world.eve)
    assert client.get(f"/review/?{query}").status_code == 400


def test_the_queue_query_count_does_not_grow_with_units_rounds_or_years(client, world, ivy):
    two = TwoYears(world)
    client.force_login(world.eve)
    url = "/review/?state=all"
    page_queries(client, url)  # warm the compiled-framework cache
    empty = page_queries(client, url)
    for i in range(8):
        for framework in (world.framework, two.new):
            other = assessment(unit(f"oae-q{i}-{framework.code}", f"หน่วยงานทดสอบ {i}"), framework)
            record(other, "1.2.2", "followups", "2024-03-15")
            UnitRound.objects.create(assessment=other, round_code="R6", state="submitted")
            Assignment.objects.create(
                assessment=other,
                evaluator=ivy if i % 2 else world.eve,
                assigned_by=world.adam,
                assigned_at=timezone.now(),
            )
    assert page_queries(client, url) == empty
    assert page_queries(client, "/review/") == empty  # my queue
    # 1 session, 2 user, 3 roles, 4 frameworks (the years), 5 the Centre's people, 6 whether the
    # reader is assigned units, 7 assessments with units, years and assignees, 8 unit rounds,
    # 9 records without a verdict, 10 the bell's unread count (the header)
    assert empty == 10
