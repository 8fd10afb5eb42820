"""Irreversible steps go through a confirmation page saying what will happen, to which unit's
round and who is told: submit (the unit's director), return, verify, publish (the Centre) and
reopen (an administrator). Nothing happens without the page's confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from pramern.assessments.models import UnitRound
from pramern.audit.models import AuditEntry
from pramern.review.models import Verdict
from pramern.review.services import ReviewError, set_verdict, transition
from tests.factories import record

State = UnitRound.State


def state(world, round_code="R12"):
    return UnitRound.objects.get(assessment=world.a, round_code=round_code).state


def step_url(world, action, round_code="R12"):
    return f"/review/a/{world.a.pk}/{round_code}/step/{action}/"


@pytest.fixture
def emails(world):
    """E-mail addresses for the unit's officer, the evaluator and the executive."""
    for user, address in ((world.alice, "alice@oae.go.th"), (world.eve, "eve@oae.go.th"), (world.xena, "x@oae.go.th")):
        user.email = address
        user.save()


@pytest.fixture
def in_review(world):
    followup = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    return followup


@pytest.fixture
def published(world, in_review):
    set_verdict(in_review, "accepted", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)
    transition(world.a, "R12", "publish", user=world.eve)
    return in_review


# --------------------------------------------------------------------------- who may open them


def test_anonymous_people_are_sent_to_log_in(client, world, in_review):
    for action in ("return", "verify", "publish", "reopen"):
        assert client.get(step_url(world, action))["Location"].startswith("/login/"), action
        assert client.post(step_url(world, action), {"confirm": "yes"})["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", ["alice", "dan", "bob", "xena"])
def test_units_and_executives_are_refused(client, world, in_review, persona):
    client.force_login(getattr(world, persona))
    for action in ("return", "verify", "publish", "reopen"):
        assert client.get(step_url(world, action)).status_code == 403, action
        assert client.post(step_url(world, action), {"confirm": "yes", "reason": "x"}).status_code == 403
    assert state(world) == State.IN_REVIEW


def test_an_evaluator_may_not_reopen(client, world, published):
    client.force_login(world.eve)
    assert client.get(step_url(world, "reopen")).status_code == 403
    assert client.post(step_url(world, "reopen"), {"confirm": "yes", "reason": "ผิดพลาด"}).status_code == 403
    assert state(world) == State.PUBLISHED
    assert 'data-action="reopen"' not in client.get(f"/review/a/{world.a.pk}/R12/").content.decode()


def test_an_unknown_step_or_round_is_a_404(client, world, in_review):
    client.force_login(world.eve)
    assert client.get(step_url(world, "start_review")).status_code == 404
    assert client.get(step_url(world, "return", "R99")).status_code == 404


# --------------------------------------------------------------------------- the Centre's steps


def test_returning_says_what_happens_and_acts_only_when_confirmed(client, world, in_review, emails):
    client.force_login(world.eve)
    unit_page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    assert f'class="button irreversible" data-action="return" href="{step_url(world, "return")}"' in unit_page
    assert 'class="primary" data-action="start_review"' not in unit_page  # already started
    page = client.get(step_url(world, "return")).content.decode()
    assert '<dd id="step-unit">สำนักวิจัยเศรษฐกิจการเกษตร</dd>' in page
    assert "รอบ 12 เดือน" in page.split('<dd id="step-round">')[1].split("</dd>")[0]
    assert "จะกลับไปให้หน่วยงานแก้ไข" in page
    assert "อลิส ใจดี (alice)" in page.split('id="step-notified"')[1].split("</ul>")[0]
    assert 'class="irreversible" data-action="return"' in page
    unconfirmed = client.post(step_url(world, "return"), {"reason": "แนบบันทึกเสนอ ผอ."})
    assert unconfirmed.status_code == 400 and "ยังไม่ได้เปลี่ยนแปลงอะไร" in unconfirmed.content.decode()
    assert "แนบบันทึกเสนอ ผอ.</textarea>" in unconfirmed.content.decode()
    assert state(world) == State.IN_REVIEW and not mail.outbox
    response = client.post(step_url(world, "return"), {"reason": "แนบบันทึกเสนอ ผอ.", "confirm": "yes"})
    assert response.status_code == 302 and state(world) == State.RETURNED
    assert AuditEntry.objects.get(action="pramern.round.return").data["reason"] == "แนบบันทึกเสนอ ผอ."


def test_posting_a_step_to_the_round_page_only_leads_to_its_confirmation(client, world, in_review):
    client.force_login(world.eve)
    for action in ("return", "verify"):
        response = client.post(f"/review/a/{world.a.pk}/R12/", {"action": action, "reason": "x"})
        assert response["Location"] == step_url(world, action)
    assert state(world) == State.IN_REVIEW


def test_verifying_says_which_records_count_for_nothing(client, world, in_review):
    client.force_login(world.eve)
    page = client.get(step_url(world, "verify")).content.decode()
    assert "ยังไม่มีผลการตรวจ 1 รายการ ซึ่งจะไม่นับในคะแนนที่รับรอง" in page
    assert "อลิส ใจดี (alice)" in page.split('id="step-notified"')[1].split("</ul>")[0]  # the unit is told
    assert client.post(step_url(world, "verify"), {"confirm": "no"}).status_code == 400
    assert state(world) == State.IN_REVIEW
    client.post(step_url(world, "verify"), {"confirm": "yes"})
    assert state(world) == State.VERIFIED
    assert AuditEntry.objects.get(action="pramern.round.verify").data["records_without_verdict"] == 1


def test_publishing_names_the_unit_and_the_executives_told(client, world, in_review, emails):
    set_verdict(in_review, "accepted", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)
    client.force_login(world.eve)
    page = client.get(step_url(world, "publish")).content.decode()
    told = page.split('id="step-notified"')[1].split("</ul>")[0]
    assert "อลิส ใจดี (alice)" in told and "xena" in told and "eve" not in told
    assert "จะแสดงแก่หน่วยงานและผู้บริหาร" in page
    assert client.post(step_url(world, "publish"), {}).status_code == 400 and state(world) == State.VERIFIED
    client.post(step_url(world, "publish"), {"confirm": "yes"})
    assert state(world) == State.PUBLISHED


def test_a_step_the_round_does_not_allow_says_why_and_offers_no_button(client, world, in_review):
    client.force_login(world.eve)
    page = client.get(step_url(world, "publish")).content.decode()
    assert 'id="step-refused"' in page and 'data-action="publish"' not in page
    assert "ประกาศผลตอนนี้ไม่ได้" in page
    refused = client.post(step_url(world, "publish"), {"confirm": "yes"})
    assert refused.status_code == 400 and state(world) == State.IN_REVIEW


# --------------------------------------------------------------------------- reopening


def test_an_administrator_reopens_a_published_round_with_a_reason(
    client, world, published, emails, django_capture_on_commit_callbacks
):
    client.force_login(world.adam)
    unit_page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    assert 'class="button irreversible" data-action="reopen"' in unit_page
    page = client.get(step_url(world, "reopen")).content.decode()
    assert "ผลการตรวจที่ประกาศแล้วจะถูกถอนออก" in page and 'name="reason"' in page
    told = page.split('id="step-notified"')[1].split("</ul>")[0]
    assert "อลิส ใจดี (alice)" in told and "eve" in told and "xena" in told
    no_reason = client.post(step_url(world, "reopen"), {"reason": "  ", "confirm": "yes"})
    assert no_reason.status_code == 400 and "กรุณาระบุเหตุผลที่เปิดให้ตรวจใหม่" in no_reason.content.decode()
    unconfirmed = client.post(step_url(world, "reopen"), {"reason": "คะแนนข้อ 1.2.2 ผิด"})
    assert unconfirmed.status_code == 400 and "คะแนนข้อ 1.2.2 ผิด</textarea>" in unconfirmed.content.decode()
    assert state(world) == State.PUBLISHED and not AuditEntry.objects.filter(action="pramern.round.reopen")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(world, "reopen"), {"reason": "คะแนนข้อ 1.2.2 ผิด", "confirm": "yes"})
    assert response.status_code == 302 and state(world) == State.IN_REVIEW
    entry = AuditEntry.objects.get(action="pramern.round.reopen")
    assert (entry.actor, entry.data["before"], entry.data["after"]) == (world.adam, "published", "in_review")
    assert entry.data["reason"] == "คะแนนข้อ 1.2.2 ผิด"
    assert sorted(to for m in mail.outbox for to in m.to) == ["alice@oae.go.th", "eve@oae.go.th", "x@oae.go.th"]
    assert "เปิดให้ตรวจใหม่" in mail.outbox[0].subject and "คะแนนข้อ 1.2.2 ผิด" in mail.outbox[0].body


def test_reopening_withdraws_the_published_figures_and_keeps_the_verdicts(client, world, published):
    client.force_login(world.xena)
    assert 'class="verified-total" data-round="R12"' in client.get(f"/a/{world.a.pk}/").content.decode()
    transition(world.a, "R12", "reopen", user=world.adam, reason="ทบทวน")
    assert Verdict.objects.get(record=published).status == "accepted"  # kept as it was
    for persona in ("xena", "alice"):  # nobody outside the Centre sees a verified score being changed
        client.force_login(getattr(world, persona))
        assert 'class="verified-total" data-round="R12"' not in client.get(f"/a/{world.a.pk}/").content.decode(), (
            persona
        )
    set_verdict(published, "rejected", reason="ไม่มีบันทึก", user=world.eve)  # open to review again
    transition(world.a, "R12", "verify", user=world.eve)
    transition(world.a, "R12", "publish", user=world.eve)
    assert state(world) == State.PUBLISHED


def test_a_reopened_round_waits_for_the_centre_from_the_reopening(world, published):
    unit_round = UnitRound.objects.get(assessment=world.a, round_code="R12")
    UnitRound.objects.filter(pk=unit_round.pk).update(waiting_since=unit_round.waiting_since - dt.timedelta(days=90))
    transition(world.a, "R12", "reopen", user=world.adam, reason="ทบทวน")
    unit_round.refresh_from_db()
    assert timezone.now() - unit_round.waiting_since < dt.timedelta(minutes=5)  # not the first submission's date


def test_a_round_is_not_reopened_while_a_later_round_is_settled(client, world):
    record(world.a, "1.2.2", "followups", "2024-02-10")
    for code in ("R6", "R12"):
        transition(world.a, code, "submit", user=world.dan)
    for code in ("R6", "R12"):
        transition(world.a, code, "start_review", user=world.eve)
        transition(world.a, code, "verify", user=world.eve, unreviewed_confirmed=True)
        transition(world.a, code, "publish", user=world.eve)
    with pytest.raises(ReviewError, match="ต้องเปิดรอบ 12 เดือนให้ตรวจใหม่ก่อน"):
        transition(world.a, "R6", "reopen", user=world.adam, reason="ทบทวน")
    client.force_login(world.adam)
    page = client.get(step_url(world, "reopen", "R6")).content.decode()
    assert 'id="step-refused"' in page and "ต้องเปิดรอบ 12 เดือนให้ตรวจใหม่ก่อน" in page
    transition(world.a, "R12", "reopen", user=world.adam, reason="ทบทวน")
    transition(world.a, "R6", "reopen", user=world.adam, reason="ทบทวน")
    assert state(world, "R6") == State.IN_REVIEW


# --------------------------------------------------------------------------- the unit's submission


def test_the_submit_page_says_what_happens_and_who_is_told(client, world, emails):
    client.force_login(world.dan)
    url = f"/a/{world.a.pk}/submit/R12/"
    page = client.get(url).content.decode()
    assert '<dd id="step-unit">สำนักวิจัยเศรษฐกิจการเกษตร</dd>' in page
    assert "จะส่งให้ศูนย์ประเมินผลตรวจ" in page and "31 ก.ค. 2567" in page  # the round's cut-off
    assert "eve" in page.split('id="step-notified"')[1].split("</ul>")[0]
    assert 'class="irreversible" data-action="submit"' in page
    unconfirmed = client.post(url, {"action": "submit"})
    assert unconfirmed.status_code == 400 and "ทำเครื่องหมายในช่องเพื่อยืนยันการส่ง" in unconfirmed.content.decode()
    assert not UnitRound.objects.filter(assessment=world.a, round_code="R12").exclude(state=State.DRAFT).exists()
    assert client.post(url, {"action": "submit", "confirm": "yes"}).status_code == 302
    assert state(world) == State.SUBMITTED


def test_an_officer_sees_the_submit_page_without_the_consequence_or_the_button(client, world):
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/submit/R12/").content.decode()
    assert 'id="consequence"' not in page and 'data-action="submit"' not in page
    assert client.post(f"/a/{world.a.pk}/submit/R12/", {"action": "submit", "confirm": "yes"}).status_code == 403
