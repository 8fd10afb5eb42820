"""The inbox behind the bell: every notification kind lands there for the right people, and a
person's email settings decide only whether it is emailed too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.assessments.models import UnitRound
from pramern.assessments.rounds import lock_state
from pramern.audit.models import AuditEntry
from pramern.notifications.models import Notification
from pramern.notifications.services import deliver
from pramern.review.notifications import send_deadline_reminders
from pramern.review.services import add_comment, transition
from tests.factories import page_queries

State = UnitRound.State


def _emails(world):
    for name in ("alice", "dan", "bob", "eve", "xena"):
        user = getattr(world, name)
        user.email = f"{name}@oae.go.th"
        user.save()


def _return_r6(world, capture):
    UnitRound.objects.create(assessment=world.a, round_code="R6", state=State.IN_REVIEW)
    with capture(execute=True):
        transition(world.a, "R6", "return", user=world.eve, reason="ยังไม่แนบหลักฐานข้อ 1.2.2")


def _inbox_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _login(client, user):
    client.force_login(user)


def test_a_returned_round_reaches_the_units_people_only(world, django_capture_on_commit_callbacks):
    _emails(world)
    _return_r6(world, django_capture_on_commit_callbacks)
    assert (_inbox_of(world.alice), _inbox_of(world.dan)) == (["return"], ["return"])
    assert _inbox_of(world.bob) == _inbox_of(world.eve) == _inbox_of(world.xena) == []
    entry = Notification.objects.get(recipient=world.alice)
    assert entry.subject_th == "รอบ 6 เดือน ของ สำนักวิจัยเศรษฐกิจการเกษตร ถูกส่งกลับให้แก้ไข"
    assert "ยังไม่แนบหลักฐานข้อ 1.2.2" in entry.body_th
    assert entry.subject_en.startswith("6-month round") and entry.link == f"/a/{world.a.pk}/"
    assert entry.emailed and entry.read_at is None
    assert sorted(to for m in mail.outbox for to in m.to) == ["alice@oae.go.th", "dan@oae.go.th"]


def test_a_person_without_an_email_address_still_gets_the_inbox_entry(world, django_capture_on_commit_callbacks):
    _return_r6(world, django_capture_on_commit_callbacks)  # nobody has an address
    assert mail.outbox == []
    assert _inbox_of(world.alice) == ["return"] and not Notification.objects.get(recipient=world.alice).emailed


def test_switching_an_email_off_keeps_the_inbox_entry(client, world, django_capture_on_commit_callbacks):
    _emails(world)
    _login(client, world.alice)
    page = client.get("/inbox/settings/").content.decode()
    assert "รอบถูกตีกลับให้แก้ไข" in page and "ส่งทางอีเมลด้วย" in page
    # every kind that emails today stays on except "return", which alice switches off
    response = client.post("/inbox/settings/", {"submit": "on", "resubmit": "on", "publish": "on", "deadline": "on"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="pramern.notifications.email_choices_changed", actor=world.alice).exists()
    _return_r6(world, django_capture_on_commit_callbacks)
    assert sorted(to for m in mail.outbox for to in m.to) == ["dan@oae.go.th"]
    assert _inbox_of(world.alice) == ["return"]
    assert not Notification.objects.get(recipient=world.alice).emailed


def test_verified_rounds_reach_the_inbox_without_email_by_default(world, django_capture_on_commit_callbacks):
    _emails(world)
    UnitRound.objects.create(assessment=world.a, round_code="R6", state=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        transition(world.a, "R6", "verify", user=world.eve, unreviewed_confirmed=True)
    assert _inbox_of(world.alice) == ["verify"] and _inbox_of(world.dan) == ["verify"]
    assert mail.outbox == []


def test_a_comment_reaches_the_other_side_of_the_thread(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(world.a, "1.2.2", "แนบรายงานการประชุมแล้ว", user=world.alice)
    assert _inbox_of(world.eve) == ["comment"]
    assert _inbox_of(world.alice) == _inbox_of(world.dan) == _inbox_of(world.bob) == []
    entry = Notification.objects.get(recipient=world.eve)
    assert entry.subject_th == "ความเห็นใหม่ในตัวชี้วัด 1.2.2 ของ สำนักวิจัยเศรษฐกิจการเกษตร"
    assert entry.link == f"/a/{world.a.pk}/items/1.2.2/#comments"
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(world.a, "1.2.2", "โปรดแนบรายชื่อผู้เข้าประชุม", user=world.eve)
    assert _inbox_of(world.alice) == _inbox_of(world.dan) == ["comment"]
    assert _inbox_of(world.bob) == []


def test_deadline_reminders_reach_the_inbox(world):
    deadline = lock_state(world.a).status("R6").deadline
    send_deadline_reminders(today=deadline - dt.timedelta(days=7))
    assert _inbox_of(world.alice) == ["deadline"] and _inbox_of(world.bob) == ["deadline"]
    entry = Notification.objects.get(recipient=world.alice, assessment=world.a)
    assert entry.subject_th.startswith("อีก 7 วันถึงกำหนดส่งรอบ 6 เดือน (") and entry.subject_th.endswith(
        f" {deadline.year + 543})"
    )


def test_a_kind_added_later_lands_in_the_inbox_and_emails_by_default(world):
    _emails(world)
    sent = deliver("reopen", [world.alice], lambda: ("เปิดรอบอีกครั้ง", "เหตุผล"), link="/")
    assert sent == 1 and _inbox_of(world.alice) == ["reopen"]


def _bell(page):
    """The header's bell link (outside the site menu)."""
    header = page.split('<header class="site">')[1].split("</header>")[0]
    assert header.index('class="bell"') < header.index("<details")  # shown on phones too, not in the menu
    return header.split('<a class="bell"')[1].split("</a>")[0]


@pytest.mark.parametrize("kept", ["in the database", "in Redis"])
def test_the_bell_counts_unread_and_the_inbox_marks_read(
    client, world, django_capture_on_commit_callbacks, kept, request
):
    if kept == "in Redis":
        request.getfixturevalue("redis_cache")
    _return_r6(world, django_capture_on_commit_callbacks)
    deliver("deadline", [world.alice], lambda: ("ใกล้กำหนดส่ง", ""), link="/")
    _login(client, world.alice)
    bell = _bell(client.get("/help/").content.decode())
    assert 'aria-label="การแจ้งเตือน 2 รายการยังไม่อ่าน"' in bell and 'id="bell-count">2<' in bell
    page = client.get("/inbox/").content.decode()
    assert "ยังไม่อ่าน 2 รายการ" in page and "รอบ 6 เดือน ของ สำนักวิจัยเศรษฐกิจการเกษตร ถูกส่งกลับให้แก้ไข" in page
    assert 'id="bell-count">2<' in _bell(page)
    returned = Notification.objects.get(recipient=world.alice, kind="return")
    response = client.post(f"/inbox/{returned.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/"
    returned.refresh_from_db()
    assert returned.read_at is not None
    assert 'aria-label="การแจ้งเตือน 1 รายการยังไม่อ่าน"' in _bell(client.get("/help/").content.decode())
    client.post("/inbox/read-all/")
    assert Notification.objects.filter(recipient=world.alice, read_at__isnull=True).count() == 0
    bell = _bell(client.get("/help/").content.decode())
    assert 'aria-label="การแจ้งเตือน"' in bell and "bell-count" not in bell
    assert "ยังไม่อ่าน 0 รายการ" in client.get("/inbox/").content.decode()


def test_the_bell_is_counted_by_the_page_in_one_query_without_a_second_request(client, world, redis_cache):
    """With Redis (production) the count is kept until the person's notifications change."""
    deliver("deadline", [world.alice], lambda: ("ใกล้กำหนดส่ง", ""), link="/")
    _login(client, world.alice)
    page = client.get("/help/").content.decode()
    assert "hx-get" not in page.split("</header>")[0]  # no request of its own after the page
    assert client.get("/inbox/count/").status_code == 404
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/help/").content.decode()
    counts = [q["sql"] for q in captured if "notifications_notification" in q["sql"]]
    assert counts == [] and 'id="bell-count">1<' in _bell(page)  # counted by the first page, then kept
    deliver("deadline", [world.alice, world.bob], lambda: ("ใกล้กำหนดส่งอีกครั้ง", ""), link="/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/help/").content.decode()
    counts = [q["sql"] for q in captured if "notifications_notification" in q["sql"]]
    assert (
        len(counts) == 1 and "COUNT(" in counts[0] and 'id="bell-count">2<' in _bell(page)
    )  # a new one: counted again


def test_the_bell_is_counted_again_after_any_change_of_the_persons_notifications(client, world, redis_cache):
    for n in range(3):
        deliver("deadline", [world.alice], lambda n=n: (f"แจ้งเตือน {n}", ""), link="/")
    _login(client, world.alice)
    assert 'id="bell-count">3<' in _bell(client.get("/help/").content.decode())
    Notification.objects.filter(recipient=world.alice).first().delete()  # erasure deletes them one by one
    assert 'id="bell-count">2<' in _bell(client.get("/help/").content.decode())
    entry = Notification.objects.filter(recipient=world.alice).first()
    entry.read_at = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    entry.save()
    assert 'id="bell-count">1<' in _bell(client.get("/help/").content.decode())


def test_an_english_reader_hears_the_bell_in_english(client, world):
    deliver("deadline", [world.alice], lambda: ("ใกล้กำหนดส่ง", ""), link="/")
    _login(client, world.alice)
    client.cookies["django_language"] = "en"
    assert 'aria-label="Notifications: 1 unread"' in _bell(client.get("/help/").content.decode())


def test_a_signed_out_page_has_no_bell_and_counts_nothing(client, world):
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/login/").content.decode()
    assert 'class="bell"' not in page
    assert not [q for q in captured if "notifications_notification" in q["sql"]]


def test_nobody_reads_or_marks_another_persons_notifications(client, world, django_capture_on_commit_callbacks):
    _return_r6(world, django_capture_on_commit_callbacks)
    alices = Notification.objects.get(recipient=world.alice)
    _login(client, world.bob)
    assert client.post(f"/inbox/{alices.pk}/read/").status_code == 404
    assert "ถูกส่งกลับ" not in client.get("/inbox/").content.decode()
    client.post("/inbox/read-all/")
    alices.refresh_from_db()
    assert alices.read_at is None


@pytest.mark.parametrize("url", ["/inbox/", "/inbox/settings/"])
def test_anonymous_people_are_sent_to_log_in(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_marking_read_takes_a_post(client, world, django_capture_on_commit_callbacks):
    _return_r6(world, django_capture_on_commit_callbacks)
    _login(client, world.alice)
    entry = Notification.objects.get(recipient=world.alice)
    assert client.get(f"/inbox/{entry.pk}/read/").status_code == 405


def test_the_inbox_takes_a_fixed_number_of_queries(client, world):
    for n in range(5):
        deliver("deadline", [world.alice], lambda n=n: (f"แจ้งเตือน {n}", ""), link="/")
    _login(client, world.alice)
    few = page_queries(client, "/inbox/")
    for n in range(20):
        deliver("deadline", [world.alice], lambda n=n: (f"แจ้งเตือน {n}", ""), link="/")
    # session, user, roles (the header), the entries with their units, the unread count (the page's,
    # which the bell shows too), the total
    assert page_queries(client, "/inbox/") == few == 6


def test_an_english_reader_sees_the_english_subject(client, world, django_capture_on_commit_callbacks):
    _return_r6(world, django_capture_on_commit_callbacks)
    _login(client, world.alice)
    client.cookies["django_language"] = "en"
    page = client.get("/inbox/").content.decode()
    assert "6-month round of" in page and "was returned for revision" in page
    assert "ถูกส่งกลับ" not in page


def test_the_settings_offer_the_kinds_a_person_can_receive(client, world):
    client.force_login(world.alice)
    officers = client.get("/inbox/settings/").content.decode()
    assert "รอบถูกตีกลับให้แก้ไข" in officers and "ใกล้กำหนดส่งของรอบ" in officers
    assert "หน่วยงานส่งผลการประเมินของรอบ (ถึงศูนย์ประเมินผล)" not in officers
    client.force_login(world.eve)
    evaluators = client.get("/inbox/settings/").content.decode()
    assert "หน่วยงานส่งผลการประเมินของรอบ (ถึงศูนย์ประเมินผล)" in evaluators and "ความเห็นใหม่ในตัวชี้วัด" in evaluators
    assert "รอบถูกตีกลับให้แก้ไข" not in evaluators


def test_without_redis_every_page_counts_the_bell(client, world):
    """Each process's own memory (no PRAMERN_CACHE_URL) keeps no count: another worker may have
    marked the notifications read."""
    deliver("deadline", [world.alice], lambda: ("ใกล้กำหนดส่ง", ""), link="/")
    _login(client, world.alice)
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            client.get("/help/")
        assert len([q for q in captured if "notifications_notification" in q["sql"]]) == 1
