"""The unit-round state machine, exhaustively: every step from every state, by every role."""

from __future__ import annotations

import itertools

import pytest
from django.core import mail

from pramern.assessments.models import UnitRound
from pramern.audit.models import AuditEntry
from pramern.review.services import TRANSITIONS, ReviewError, transition

State = UnitRound.State
# Who may take each step (the personas of tests/factories.py: alice officer, dan director of
# the unit; bob officer of another unit; eve evaluator; xena executive; adam administrator).
MAY = {  # the Centre's steps: an evaluator or an administrator who is not a member of the unit
    "submit": {"dan"},
    "start_review": {"eve", "adam"},
    "return": {"eve", "adam"},
    "resubmit": {"alice", "dan"},
    "verify": {"eve", "adam"},
    "publish": {"eve", "adam"},
    "reopen": {"adam"},
}
LEGAL = {
    "submit": {State.DRAFT: State.SUBMITTED},
    "start_review": {State.SUBMITTED: State.IN_REVIEW, State.RESUBMITTED: State.IN_REVIEW},
    "return": {State.IN_REVIEW: State.RETURNED},
    "resubmit": {State.RETURNED: State.RESUBMITTED},
    "verify": {State.IN_REVIEW: State.VERIFIED},
    "publish": {State.VERIFIED: State.PUBLISHED},
    "reopen": {State.PUBLISHED: State.IN_REVIEW},
}
PERSONAS = ("alice", "dan", "bob", "eve", "xena", "adam")


def test_the_table_is_the_services_table():
    assert set(TRANSITIONS) == set(LEGAL)
    for action, step in TRANSITIONS.items():
        assert dict.fromkeys(step.sources, step.target) == LEGAL[action]


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State.values, LEGAL)))
def test_every_step_from_every_state_by_every_role(world, state, action):
    unit_round = UnitRound.objects.create(assessment=world.a, round_code="R6", state=state)
    for persona in PERSONAS:
        user = getattr(world, persona)
        allowed = state in LEGAL[action] and persona in MAY[action]
        if allowed:
            moved = transition(world.a, "R6", action, user=user, reason="เหตุผล")
            assert moved.state == LEGAL[action][state]
            entry = AuditEntry.objects.get(action=f"pramern.round.{action}")
            assert (entry.actor, entry.data["before"], entry.data["after"]) == (user, state, LEGAL[action][state])
            return  # the round has moved on; the other personas were refused before it did
        with pytest.raises(ReviewError) as refused:
            transition(world.a, "R6", action, user=user, reason="เหตุผล")
        assert refused.value.message
        unit_round.refresh_from_db()
        assert unit_round.state == state


def test_the_whole_path_and_its_emails(world, django_capture_on_commit_callbacks):
    world.eve.email, world.alice.email, world.xena.email = "eve@oae.go.th", "alice@oae.go.th", "xena@oae.go.th"
    for u in (world.eve, world.alice, world.xena):
        u.save()
    steps = [
        ("submit", world.dan, "submitted", ["eve@oae.go.th"]),
        ("start_review", world.eve, "in_review", []),
        ("return", world.eve, "returned", ["alice@oae.go.th"]),
        ("resubmit", world.alice, "resubmitted", ["eve@oae.go.th"]),
        ("start_review", world.eve, "in_review", []),
        ("verify", world.eve, "verified", []),
        ("publish", world.eve, "published", ["alice@oae.go.th", "xena@oae.go.th"]),
        ("reopen", world.adam, "in_review", ["alice@oae.go.th", "eve@oae.go.th", "xena@oae.go.th"]),
    ]
    for action, user, state, emailed in steps:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):  # emails go once the change is committed
            moved = transition(world.a, "R12", action, user=user, reason="ยังไม่แนบหลักฐานข้อ 1.2.2")
        assert moved.state == state
        assert sorted(to for m in mail.outbox for to in m.to) == emailed, action
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in mail.outbox[0].subject


def test_returning_needs_a_reason(world):
    UnitRound.objects.create(assessment=world.a, round_code="R6", state=State.IN_REVIEW)
    with pytest.raises(ReviewError, match="กรุณาระบุเหตุผล"):
        transition(world.a, "R6", "return", user=world.eve, reason="  ")


def test_refusals_say_why_in_thai(world):
    with pytest.raises(ReviewError) as refused:
        transition(world.a, "R6", "verify", user=world.eve)
    assert 'อยู่ในสถานะ "ร่าง"' in refused.value.message
