"""The order of rounds: a later round is verified or published only when no earlier round is
returned (its verified score would otherwise hold records the unit may still change), a round
is not returned once a later round is settled, the unit page offers only the steps these rules
allow (and says why not), and the records a return reopens are named the same way everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import save_record
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.frameworks.models import RoundSchedule
from pramern.frameworks.services import install_framework
from pramern.review.services import ReviewError, available_actions, transition
from tests.conftest import FRAMEWORK_FILE
from tests.factories import record

State = UnitRound.State


@pytest.fixture
def r6_returned_r12_in_review(world):
    """R6 and R12 submitted; R12 in review; R6 returned to the unit."""
    early = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    transition(world.a, "R6", "start_review", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไข", user=world.eve)
    return early


def state(world, code):
    return UnitRound.objects.get(assessment=world.a, round_code=code).state


def test_a_later_round_cannot_be_verified_while_an_earlier_round_is_returned(world, r6_returned_r12_in_review):
    with pytest.raises(ReviewError, match="รอบ 6 เดือน") as refused:
        transition(world.a, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    assert "ส่งใหม่" in refused.value.message
    assert state(world, "R12") == State.IN_REVIEW
    assert not lock_state(world.a).date_locked(r6_returned_r12_in_review.date)  # R6's records stay open
    transition(world.a, "R6", "resubmit", user=world.alice)
    transition(world.a, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    assert state(world, "R12") == State.VERIFIED


def test_a_later_round_cannot_be_published_while_an_earlier_round_is_returned(world, r6_returned_r12_in_review):
    UnitRound.objects.filter(assessment=world.a, round_code="R12").update(state=State.VERIFIED)  # older data
    with pytest.raises(ReviewError, match="รอบ 6 เดือน"):
        transition(world.a, "R12", "publish", user=world.eve)
    assert state(world, "R12") == State.VERIFIED


def test_a_settled_later_round_keeps_the_returned_rounds_records_closed(world, r6_returned_r12_in_review):
    early = r6_returned_r12_in_review
    UnitRound.objects.filter(assessment=world.a, round_code="R12").update(state=State.VERIFIED)  # older data
    locks = lock_state(world.a)
    assert locks.reopened == () and locks.read_only and locks.date_locked(early.date)
    with pytest.raises(WorkspaceError):
        save_record(world.a, "1.2.2", "followups", date=early.date, data={}, record=early, user=world.alice)


def test_the_page_offers_no_return_once_a_later_round_is_settled(client, world):
    record(world.a, "1.2.2", "followups", "2024-02-10")
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    transition(world.a, "R6", "start_review", user=world.eve)
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R6/").content.decode()
    assert 'data-action="return"' not in page and 'data-action="verify"' in page
    assert "ตรวจรับรองแล้ว" in page and "กลับให้แก้ไขไม่ได้อีก" in page  # why not
    assert "ส่งกลับแล้วหน่วยงานจะแก้ไข" not in page
    locks = lock_state(world.a)
    offered = [t.action for t in available_actions(State.IN_REVIEW, world.eve, world.a.unit_id, locks, "R6")]
    assert offered == ["verify"]


def test_the_page_offers_no_verify_while_an_earlier_round_is_returned(client, world, r6_returned_r12_in_review):
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    assert 'data-action="verify"' not in page and 'data-action="return"' in page
    assert "ส่งใหม่" in page and "รอบ 6 เดือน" in page
    locks = lock_state(world.a)
    offered = [t.action for t in available_actions(State.IN_REVIEW, world.eve, world.a.unit_id, locks, "R12")]
    assert offered == ["return"]


# --------------------------------------------------------------------------- three rounds


@pytest.fixture
def three_rounds(world):
    """Unit A on a framework with a 9-month round between R6 and R12, all three submitted
    (one follow-up in each) and R9 in review."""
    text = FRAMEWORK_FILE.read_text(encoding="utf-8").replace("code: oae-2567", "code: oae-2567-r9", 1)
    text = text.replace(
        "- code: R12\n",
        "- code: R9\n  title_th: รอบ 9 เดือน\n  title_en: 9-month round\n  starts: '2023-08-01'\n"
        "  cutoff: '2024-05-31'\n- code: R12\n",
        1,
    )
    framework = install_framework(text, "oae-2567-r9.yaml").framework
    for n, code in enumerate(("R6", "R9", "R12"), start=1):
        RoundSchedule.objects.filter(framework=framework, round_code=code).update(
            submission_deadline=dt.date.today() + dt.timedelta(days=10 * n)
        )
    Assessment.objects.filter(pk=world.a.pk).update(framework=framework)
    world.a.refresh_from_db()
    for day in ("2024-02-10", "2024-04-10", "2024-06-10"):
        record(world.a, "1.2.2", "followups", day, presented_to_director=True)
    for code in ("R6", "R9", "R12"):
        transition(world.a, code, "submit", user=world.dan)
    transition(world.a, "R9", "start_review", user=world.eve)
    return world.a


WINDOW = "29 ก.พ. 2567 ถึง 31 พ.ค. 2567"  # after R6's cut-off, up to R9's


def test_returning_the_middle_round_reopens_only_its_own_records(world, three_rounds):
    reopening = lock_state(three_rounds).reopened_by_return("R9")
    assert (reopening.start, reopening.end) == (dt.date(2024, 2, 29), dt.date(2024, 5, 31))
    assert [s.round.code for s in reopening.closed_later] == ["R12"]
    transition(three_rounds, "R9", "return", reason="แก้ไข", user=world.eve)
    locks = lock_state(three_rounds)
    assert [locks.date_locked(dt.date(2024, m, 10)) for m in (2, 4, 6)] == [True, False, True]


def test_the_page_the_audit_and_the_email_name_the_same_records(client, world, three_rounds, django_capture_on_commit_callbacks):  # fmt: skip
    world.alice.email = "alice@oae.go.th"
    world.alice.save()
    client.force_login(world.eve)
    page = client.get(f"/review/a/{three_rounds.pk}/R9/").content.decode()
    assert f"ส่งกลับแล้วหน่วยงานจะแก้ไขรายการที่ลงวันที่ {WINDOW} ได้อีกครั้ง แม้รอบ 12 เดือนจะปิดรับแล้ว" in page
    with django_capture_on_commit_callbacks(execute=True):
        transition(three_rounds, "R9", "return", reason="แก้ไข", user=world.eve)
    entry = AuditEntry.objects.get(action="pramern.round.return")
    assert entry.data["reopens"] == {"from": "2024-02-29", "until": "2024-05-31", "despite": ["R12"]}
    [email] = mail.outbox
    assert f"รายการที่ลงวันที่ {WINDOW} แก้ไขได้อีกครั้ง แม้รอบ 12 เดือนจะปิดรับแล้ว" in email.body
    assert WINDOW in lock_state(three_rounds).reopened_note
