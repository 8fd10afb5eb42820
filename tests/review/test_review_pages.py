"""The review pages: who may open them, the queue's filters, the unit round page."""

from __future__ import annotations

import pytest

from pramern.review.services import set_verdict, transition
from tests.factories import person, record


@pytest.fixture
def submitted(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.a, "6.1", "flowcharts", "2024-03-15", section="s1", task="งาน")
    transition(world.a, "R12", "submit", user=world.dan)
    return rec


def urls(world):
    return [
        "/review/",
        "/review/?round=R6&state=all&dimension=1&unreviewed=1",
        f"/review/a/{world.a.pk}/R12/",
        f"/review/a/{world.a.pk}/R12/items/1.2.2/",
        f"/review/a/{world.a.pk}/history/",
        f"/review/a/{world.a.pk}/history/?format=csv",
    ]


def test_anonymous_people_are_sent_to_log_in(client, world, submitted):
    for url in urls(world):
        assert client.get(url)["Location"].startswith("/login/"), url


@pytest.mark.parametrize("persona", ["alice", "dan", "bob", "xena"])
def test_units_and_executives_cannot_open_the_review_pages(client, world, submitted, persona):
    client.force_login(getattr(world, persona))
    for url in urls(world):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["eve", "adam"])
def test_the_evaluation_centre_can(client, world, submitted, persona):
    client.force_login(getattr(world, persona))
    for url in urls(world):
        assert client.get(url).status_code == 200, url


def test_the_queue_lists_units_waiting_with_the_items_left(client, world, submitted):
    client.force_login(world.eve)
    page = client.get("/review/").content.decode()
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in page and "ศูนย์สารสนเทศการเกษตร" not in page  # B is a draft
    # 1.2.2 and 6.1 have records without a verdict
    assert '<td class="num unverdicted">2 <span class="muted">(2 ข้อ)</span></td>' in page
    dimension_one = client.get("/review/?dimension=1").content.decode()
    assert '<td class="num unverdicted">1 <span class="muted">(1 ข้อ)</span></td>' in dimension_one
    drafts = client.get("/review/?state=draft&round=R12").content.decode()
    assert "ศูนย์สารสนเทศการเกษตร" in drafts and "สำนักวิจัยเศรษฐกิจการเกษตร" not in drafts
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(submitted, "accepted", user=world.eve)
    assert (
        '<td class="num unverdicted">1 <span class="muted">(1 ข้อ)</span></td>'
        in client.get("/review/").content.decode()
    )


def test_items_left_counts_items_not_records(client, world, submitted):
    for day in ("2024-04-01", "2024-04-02", "2024-04-03"):  # three more records of 1.2.2: still one item
        record(world.a, "1.2.2", "followups", day)
    client.force_login(world.eve)  # five records in two items
    assert (
        '<td class="num unverdicted">5 <span class="muted">(2 ข้อ)</span></td>'
        in client.get("/review/").content.decode()
    )


def test_the_evaluator_moves_the_round_from_its_page(client, world, submitted):
    client.force_login(world.eve)
    assert client.post(f"/review/a/{world.a.pk}/R12/", {"action": "start_review"}).status_code == 302
    refused = client.post(f"/review/a/{world.a.pk}/R12/step/return/", {"reason": "", "confirm": "yes"})
    assert refused.status_code == 400
    client.post(f"/review/a/{world.a.pk}/R12/step/return/", {"reason": "แนบหลักฐานข้อ 1.2.2", "confirm": "yes"})
    page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    assert '<div class="big">ส่งกลับให้แก้ไข</div>' in page


def test_closing_a_round_in_the_admin_is_audited_and_locks_every_unit(client, world):
    from pramern.assessments.rounds import lock_state
    from pramern.audit.models import AuditEntry
    from pramern.frameworks.models import RoundSchedule

    schedule = RoundSchedule.objects.get(framework=world.framework, round_code="R12")
    client.force_login(world.adam)
    world.adam.is_staff = world.adam.is_superuser = True
    world.adam.save()
    response = client.post(
        f"/admin/frameworks/roundschedule/{schedule.pk}/change/",
        {
            "opens_on": "01/08/2023",
            "submission_deadline": schedule.submission_deadline.strftime("%d/%m/%Y"),
            "state": "closed",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = AuditEntry.objects.get(action="pramern.round.schedule_changed")
    assert (entry.data["before"]["state"], entry.data["after"]["state"]) == ("open", "closed")
    assert lock_state(world.a).read_only and lock_state(world.b).read_only


def test_review_pages_show_no_verified_score_before_the_review_starts(client, world, submitted):
    client.force_login(world.eve)
    for url in (f"/review/a/{world.a.pk}/R12/", f"/review/a/{world.a.pk}/R12/items/1.2.2/"):
        page = client.get(url).content.decode()
        assert "ยังไม่เริ่มตรวจรอบนี้" in page and ">–</div>" in page, url
    transition(world.a, "R12", "start_review", user=world.eve)
    assert "ยังไม่เริ่มตรวจรอบนี้" not in client.get(f"/review/a/{world.a.pk}/R12/").content.decode()


def test_the_queue_shows_every_round_waiting_not_only_the_earliest(client, world):
    director_b = person("dora", "director", world.unit_b)
    transition(world.b, "R6", "submit", user=director_b)
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.eve)
    page = client.get("/review/").content.decode()
    assert f'id="row-{world.b.pk}-R6"' in page and f'id="row-{world.a.pk}-R12"' in page
