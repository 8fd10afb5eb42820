"""A returned round is never a dead end: returning a round reopens exactly the records it covers
(dated after the last earlier closed round, up to its cut-off), even when a later round has
been submitted or has passed its deadline; its resubmission closes them again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from pramern.assessments.models import UnitRound
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import save_record
from pramern.assessments.workspace import load_workspace
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.frameworks.models import RoundSchedule
from pramern.review.models import Verdict
from pramern.review.services import ReviewError, set_verdict, transition
from tests.factories import record

State = UnitRound.State
R6_CUTOFF = dt.date(2024, 2, 28)


@pytest.fixture
def returned(world):
    """The director submitted R6 and then R12; the Centre rejected an R6 record and returned R6."""
    early = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    late = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(early, "rejected", reason="ไม่ได้เสนอ ผอ.", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไขการติดตามครั้งที่ 1", user=world.eve)
    return early, late


def fix(world, rec, **data):
    return save_record(
        world.a, rec.item_code, rec.fact, date=rec.date, data={"presented_to_director": True, **data}, record=rec,
        user=world.alice,
    )  # fmt: skip


def test_the_returned_rounds_records_can_be_corrected_although_r12_was_submitted(world, returned):
    early, late = returned
    locks = lock_state(world.a)
    assert not locks.read_only
    assert not locks.date_locked(early.date) and locks.date_locked(late.date)
    fixed = fix(world, early)
    assert fixed.data == {"presented_to_director": True}
    assert not Verdict.objects.filter(record=early).exists()  # the rejection no longer applies
    with pytest.raises(WorkspaceError, match="2567"):  # R12's own records stay as submitted
        fix(world, late, presented_to_director=False)
    save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 2, 20), data={}, user=world.alice)
    with pytest.raises(WorkspaceError):
        save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 3, 20), data={}, user=world.alice)
    workspace = load_workspace(world.a)
    assert workspace.can_change(early) and not workspace.can_change(late)


def test_resubmitting_closes_them_again_and_the_centre_accepts_the_correction(world, returned):
    early, _late = returned
    fix(world, early)
    transition(world.a, "R6", "resubmit", user=world.alice)
    assert lock_state(world.a).read_only
    with pytest.raises(WorkspaceError):
        fix(world, early, note="x")
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(early, "accepted", user=world.eve)
    transition(world.a, "R6", "verify", user=world.eve)
    r6 = load_workspace(world.a, with_verified=True).verified["R6"]
    assert r6.items["1.2.2"].points == 1


def test_resubmitting_refreshes_the_later_rounds_submitted_total(world, returned):
    early, _late = returned
    r12 = UnitRound.objects.get(assessment=world.a, round_code="R12")
    before = r12.self_total
    fix(world, early)
    transition(world.a, "R6", "resubmit", user=world.alice)
    r12.refresh_from_db()
    assert (before, r12.self_total) == (Decimal("1.5"), 2)  # 1.2.2: one of two presented, then both
    entry = AuditEntry.objects.filter(action="pramern.round.resubmit").get()
    change = entry.data["later_totals"]["R12"]
    assert (Decimal(change["before"]), Decimal(change["after"])) == (before, r12.self_total)


def test_the_return_is_audited_with_the_records_it_reopens(world, returned):
    entry = AuditEntry.objects.get(action="pramern.round.return")
    assert entry.data["reopens"] == {"from": None, "until": R6_CUTOFF.isoformat(), "despite": ["R12"]}


def test_the_return_email_tells_the_unit_what_it_may_change(world, django_capture_on_commit_callbacks):
    world.alice.email = "alice@oae.go.th"
    world.alice.save()
    record(world.a, "1.2.2", "followups", "2024-02-10")
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    with django_capture_on_commit_callbacks(execute=True):
        transition(world.a, "R6", "return", reason="แก้ไข", user=world.eve)
    [email] = mail.outbox
    assert "28 ก.พ. 2567" in email.body and "รอบ 12 เดือน" in email.body


def test_the_workspace_says_which_records_are_open_again(client, world, returned):
    early, late = returned
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert 'class="banner returned"' in page and "แก้ไขการติดตามครั้งที่ 1" in page
    assert "28 ก.พ. 2567" in page.split('class="banner partly"', 1)[1].split("</div>", 1)[0]
    assert f"/records/{early.pk}/edit/" in page and f"/records/{late.pk}/edit/" not in page
    assert 'class="banner locked"' not in page
    response = client.post(
        f"/a/{world.a.pk}/records/{early.pk}/edit/",
        {"followups-date": "10/02/2567", "followups-presented_to_director": "on"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]


def test_a_later_round_past_its_deadline_does_not_lock_them_either(world):
    early = record(world.a, "1.2.2", "followups", "2024-02-10")
    transition(world.a, "R6", "submit", user=world.dan)
    RoundSchedule.objects.filter(framework=world.framework, round_code="R12").update(
        submission_deadline=dt.date.today() - dt.timedelta(days=1)
    )
    transition(world.a, "R6", "start_review", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไข", user=world.eve)
    assert not lock_state(world.a).date_locked(early.date)
    fix(world, early)


def test_a_round_cannot_be_returned_once_a_later_round_is_verified(world):
    record(world.a, "1.2.2", "followups", "2024-02-10")
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    transition(world.a, "R6", "start_review", user=world.eve)
    with pytest.raises(ReviewError, match="รอบ 12 เดือน"):
        transition(world.a, "R6", "return", reason="แก้ไข", user=world.eve)
    assert UnitRound.objects.get(assessment=world.a, round_code="R6").state == State.IN_REVIEW


def test_a_round_closed_by_the_centre_stays_closed(world, returned):
    early, _late = returned
    RoundSchedule.objects.filter(framework=world.framework, round_code="R6").update(state=RoundSchedule.State.CLOSED)
    assert lock_state(world.a).date_locked(early.date)
    with pytest.raises(WorkspaceError):
        fix(world, early)


def test_the_evaluator_is_told_before_returning(client, world):
    record(world.a, "1.2.2", "followups", "2024-02-10")
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R6/").content.decode()
    assert "ส่งกลับแล้วหน่วยงานจะแก้ไขรายการที่ลงวันที่ถึง 28 ก.พ. 2567 ได้อีกครั้ง" in page
