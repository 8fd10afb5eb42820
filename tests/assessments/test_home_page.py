"""The unit home answers "what must I do now?": a card per open round with its deadline, days
left, points claimed of those possible, the records the Centre rejected (with its reason), the
items claiming points without evidence and the director's submit step; a chip per item that
says its state by colour and by words."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.home_page import FULL, NO_EVIDENCE, NONE, PARTIAL, REJECTED, chip_state, home_page
from pramern.assessments.models import UnitRound
from pramern.assessments.services import add_file_evidence, assign_item
from pramern.review.services import set_verdict, transition
from pramern.ui.text import bedate
from tests.factories import record

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def returned(world):
    """R6 submitted, reviewed and returned with one record rejected; R12 still open."""
    early = record(world.a, "1.2.2", "followups", "2024-02-10", title="ติดตามครั้งที่ 1", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(early, "rejected", reason="ไม่พบหลักฐานการเสนอผู้อำนวยการ", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไขการติดตาม", user=world.eve)
    return early


def card(page, code):
    return next(c for c in page.cards if c.status.round.code == code)


# --------------------------------------------------------------------------- the read model


def test_a_card_per_open_round_with_its_deadline_days_left_and_points(world):
    record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    page = home_page(world.a, world.alice)
    assert [c.status.round.code for c in page.cards] == ["R6", "R12"]
    r6, r12 = page.cards
    assert (r6.status.days_left, r12.status.days_left) == (10, 40)
    assert r6.status.deadline == dt.date.today() + dt.timedelta(days=10)
    assert r6.claimed == page.ws.scores.by_round["R6"].total and r6.claimed > 0
    assert r6.possible == page.ws.scores.by_round["R6"].potential and r6.possible > r6.claimed
    assert r12.possible == page.ws.scores.by_round["R12"].potential


def test_a_submitted_round_leaves_the_top(world):
    transition(world.a, "R6", "submit", user=world.dan)
    assert [c.status.round.code for c in home_page(world.a, world.alice).cards] == ["R12"]
    transition(world.a, "R12", "submit", user=world.dan)
    (only,) = home_page(world.a, world.alice).cards  # nothing open: the last round, as it stands
    assert only.status.round.code == "R12" and only.label.tone == "waiting"
    assert not only.can_submit and not only.can_resubmit


def test_rejected_records_are_listed_with_the_centres_reason(world, returned):
    page = home_page(world.a, world.alice)
    r6 = card(page, "R6")
    assert [entry.item.code for entry in r6.refused] == ["1.2.2"]
    (row,) = r6.refused[0].records
    assert row.record == returned and row.verdict.reason == "ไม่พบหลักฐานการเสนอผู้อำนวยการ"
    assert r6.can_resubmit and not r6.can_submit
    assert page.chips["1.2.2"].state == REJECTED


def test_a_rejection_the_unit_can_no_longer_fix_is_not_a_task(world):
    rec = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(rec, "rejected", reason="ไม่ผ่าน", user=world.eve)
    r12 = card(home_page(world.a, world.alice), "R12")
    assert r12.refused == []  # the record belongs to the submitted R6: R12's card does not ask to fix it


def test_items_claiming_points_without_evidence_are_listed(world):
    rec = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    page = home_page(world.a, world.alice)
    assert [i.code for i in card(page, "R6").unsupported] == ["1.2.2"]
    assert page.chips["1.2.2"].state == NO_EVIDENCE
    add_file_evidence(world.a, SimpleUploadedFile("a.pdf", PDF), user=world.alice, records=[rec])
    page = home_page(world.a, world.alice)
    assert card(page, "R6").unsupported == []
    assert page.chips["1.2.2"].state == PARTIAL  # one follow-up of the two the item scores


def result(points, max_points):
    return SimpleNamespace(points=Decimal(points), max_points=Decimal(max_points))


@pytest.mark.parametrize(
    ("points", "evidence", "rejected", "state"),
    [
        ("2", True, False, FULL),
        ("1", True, False, PARTIAL),
        ("0", False, False, NONE),
        ("0", True, False, NONE),
        ("2", False, False, NO_EVIDENCE),
        ("2", True, True, REJECTED),
        ("0", False, True, REJECTED),
    ],
)
def test_the_chip_rule(points, evidence, rejected, state):
    assert chip_state(result(points, "2"), has_evidence=evidence, rejected=rejected) == state


def test_every_chip_state_has_its_own_class_icon_and_words():
    states = [FULL, PARTIAL, NONE, REJECTED, NO_EVIDENCE]
    assert len({s.css for s in states}) == len({s.icon for s in states}) == len({s.text for s in states}) == 5


# --------------------------------------------------------------------------- the page


def test_the_card_is_at_the_top_of_the_page(client, world):
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    assert page.index('id="round-card-R6"') < page.index('id="score-R6"') < page.index('id="items"')
    r6 = page[page.index('id="round-card-R6"') : page.index('id="round-card-R12"')]
    assert bedate(dt.date.today() + dt.timedelta(days=10)) in r6 and "เหลืออีก 10 วัน" in r6


def test_officers_see_the_rejected_item_in_red_with_the_reason(client, world, returned):
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    r6 = page[page.index('id="round-card-R6"') : page.index('id="round-card-R12"')]
    refused = r6[r6.index('class="round-alert refused"') :]
    assert "1 ข้อมีบันทึกที่ศูนย์ประเมินผลไม่รับรอง" in refused
    assert f'href="/a/{world.a.pk}/items/1.2.2/#record-{returned.pk}"' in refused
    assert 'ไม่รับรอง</strong> — <span class="reason">ไม่พบหลักฐานการเสนอผู้อำนวยการ</span>' in refused
    assert re.search(r'class="chip chip-rejected" data-item="1\.2\.2" data-state="rejected">.*ศูนย์ประเมินผลไม่รับรอง', page)


def test_executives_do_not_see_verdicts_of_unpublished_rounds(client, world, returned):
    assert card(home_page(world.a, world.xena), "R6").refused == []
    assert home_page(world.a, world.eve).chips["1.2.2"].state == REJECTED


def test_points_without_evidence_are_amber_on_the_card(client, world):
    record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    r6 = page[page.index('id="round-card-R6"') : page.index('id="round-card-R12"')]
    assert '<div class="round-alert unsupported">' in r6 and "1 ข้อได้คะแนนแต่ยังไม่มีหลักฐาน" in r6
    assert 'data-item="1.2.2" data-state="no-evidence"' in page


def test_no_points_and_full_points_never_share_a_chip(client, world):
    first = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    record(world.a, "1.2.2", "followups", "2024-05-10", presented_to_director=True)
    add_file_evidence(world.a, SimpleUploadedFile("a.pdf", PDF), user=world.alice, records=[first])
    chips = home_page(world.a, world.alice).chips
    assert (chips["1.2.2"].points, chips["1.2.2"].max_points, chips["1.2.2"].state) == (2, 2, FULL)
    assert (chips["1.2.1"].points, chips["1.2.1"].state) == (0, NONE)
    client.force_login(world.alice)
    html = client.get(f"/a/{world.a.pk}/").content.decode()
    full = re.search(r'<span class="chip chip-full" data-item="1\.2\.2" data-state="full">(.*?)</span></li>', html)
    none = re.search(r'<span class="chip chip-none" data-item="1\.2\.1" data-state="none">(.*?)</span></li>', html)
    assert full and "✓" in full.group(1) and "2 / 2" in full.group(1) and "ได้คะแนนเต็ม" in full.group(1)
    assert none and "○" in none.group(1) and "0 / " in none.group(1) and "ยังไม่ได้คะแนน" in none.group(1)


def test_the_director_submits_from_the_card_through_the_confirmation(client, world):
    client.force_login(world.dan)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    r6 = page[page.index('id="round-card-R6"') : page.index('id="round-card-R12"')]
    assert f'<a class="button primary submit-round" href="/a/{world.a.pk}/submit/R6/">ตรวจทานและส่งรอบ 6 เดือน' in r6
    confirm = client.get(f"/a/{world.a.pk}/submit/R6/").content.decode()
    assert 'name="confirm"' in confirm
    assert not UnitRound.objects.exclude(state="draft").exists()  # opening the page submits nothing


def test_officers_see_who_submits(client, world):
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    assert "submit-round" not in page
    assert "ผู้อำนวยการของหน่วยงานเป็นผู้ส่งรอบนี้: แดน ผู้อำนวยการ (dan)" in page


def test_a_unit_without_a_director_is_told_to_ask_the_administrator(client, world):
    world.dan.roles.all().delete()
    client.force_login(world.alice)
    assert "หน่วยงานนี้ยังไม่มีผู้อำนวยการในระบบ" in client.get(f"/a/{world.a.pk}/").content.decode()


# --------------------------------------------------------------------------- access and queries


def test_anonymous_goes_to_login(client, world):
    response = client.get(f"/a/{world.a.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_another_units_officer_gets_a_404(client, world):
    client.force_login(world.bob)
    assert client.get(f"/a/{world.a.pk}/").status_code == 404
    assert client.get(f"/a/{world.a.pk}/?mine=1").status_code == 404


def test_the_units_people_and_the_office_wide_roles_see_the_home(client, world):
    for user in (world.alice, world.dan, world.eve, world.xena, world.adam):
        client.force_login(user)
        assert client.get(f"/a/{world.a.pk}/").status_code == 200


def test_the_home_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    recs = []
    for n in range(12):
        rec = record(world.a, "1.2.2", "followups", f"2024-01-{n + 1:02d}", presented_to_director=True)
        add_file_evidence(world.a, SimpleUploadedFile(f"{n}.pdf", PDF), user=world.alice, records=[rec])
        recs.append(rec)
    for code in ("1.1.1", "1.1.2", "1.2.1", "7.6"):
        assign_item(world.a, code, world.alice.pk, user=world.dan)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    for n, rec in enumerate(recs):
        set_verdict(rec, "rejected", reason=f"เหตุผล {n}", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไข", user=world.eve)
    client.force_login(world.alice)
    client.get(f"/a/{world.a.pk}/")  # the compiled framework, once per process
    # 1 session, 2 user, 3 roles, 4 assessment+unit+framework, 5 records, 6 sections, 7 unit
    # rounds, 8 round schedules, 9 deadline extensions, 10 evidence counts, 11 verdicts,
    # 12 overrides, 13 the unit's people, 14 assignments, 15 evidence supporting no record,
    # 16 the bell's unread count (the header)
    with django_assert_max_num_queries(16):
        page = client.get(f"/a/{world.a.pk}/?mine=1").content.decode()
    assert page.count("เหตุผล ") == 12
    assert page.count('data-state="none"') == 4  # only the four items given to alice are listed


def test_english_readers_get_the_card_in_english(client, world):
    client.force_login(world.dan)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    r6 = page[page.index('id="round-card-R6"') : page.index('id="round-card-R12"')]
    assert "open: 10 days left" in r6 and "Points claimed / possible" in r6
    assert "Review and submit the 6-month round" in r6
    assert "เปิดรับ" not in page and "ตรวจทานและส่ง" not in page
