"""Nobody reviews their own unit: a person of the Evaluation Centre (evaluator or administrator)
who is also a member of the unit under review is refused every review write, the refusal is
audited, the review pages say why and offer no action, and someone else reviews the unit —
the Centre's own assessment included (ศูนย์ประเมินผล is itself an assessed unit)."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.assessments.models import UnitRound
from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.review.models import Comment, DeadlineExtension, Override, Verdict
from pramern.review.services import (
    ConflictOfInterest,
    add_comment,
    available_actions,
    clear_override,
    grant_extension,
    set_override,
    set_verdict,
    set_verified_value,
    transition,
)
from tests.factories import assessment, person, record, unit

State = UnitRound.State
REFUSED = "pramern.review.conflict_refused"


@pytest.fixture
def centre(world):
    """The Evaluation Centre as an assessed unit: carol is one of its evaluators and also its
    officer, cory its director; its R12 is submitted with a follow-up and a 6.3 manual."""
    centre_unit = unit("oae-eval", "ศูนย์ประเมินผล")
    centre_assessment = assessment(centre_unit, world.framework)
    carol = person("carol", "evaluator", first_name="แครอล", last_name="ผู้ประเมิน")
    Role.objects.create(user=carol, kind=Role.Kind.OFFICER, unit=centre_unit)
    cory = person("cory", "director", centre_unit)
    followup = record(centre_assessment, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    manual = record(centre_assessment, "6.3", "manual", "2024-02-01", claimed=4)
    transition(centre_assessment, "R12", "submit", user=cory)
    return centre_assessment, carol, followup, manual


def refusals():
    return list(AuditEntry.objects.filter(action=REFUSED).order_by("id"))


def test_an_evaluator_cannot_start_reviewing_their_own_unit(world, centre):
    centre_assessment, carol, _followup, _manual = centre
    with pytest.raises(ConflictOfInterest) as refused:
        transition(centre_assessment, "R12", "start_review", user=carol)
    assert "ศูนย์ประเมินผล" in refused.value.message and "ผลประโยชน์ทับซ้อน" in refused.value.message
    assert UnitRound.objects.get(assessment=centre_assessment, round_code="R12").state == State.SUBMITTED
    [entry] = refusals()
    assert (entry.actor, entry.assessment_id) == (carol, centre_assessment.pk)
    assert entry.data == {"step": "round.start_review", "round": "R12"}
    assert available_actions(State.SUBMITTED, carol, centre_assessment.unit_id) == []


def test_every_review_write_by_a_member_is_refused_and_audited(world, centre):
    centre_assessment, carol, followup, manual = centre
    transition(centre_assessment, "R12", "start_review", user=world.eve)  # someone else reviews
    set_override(centre_assessment, "R12", "1.2.2", "1", reason="ตรวจโดยผู้อื่น", user=world.eve)
    later = dt.date.today() + dt.timedelta(days=90)
    attempts = {
        "verdict": lambda: set_verdict(followup, "accepted", user=carol),
        "verified_value": lambda: set_verified_value(manual, "4", user=carol),
        "override": lambda: set_override(centre_assessment, "R12", "1.2.2", "2", reason="x", user=carol),
        "override_cleared": lambda: clear_override(centre_assessment, "R12", "1.2.2", user=carol),
        "round.return": lambda: transition(centre_assessment, "R12", "return", reason="x", user=carol),
        "round.verify": lambda: transition(centre_assessment, "R12", "verify", user=carol, unreviewed_confirmed=True),
        "deadline_extension": lambda: grant_extension(centre_assessment, "R12", later, reason="x", user=carol),
    }
    for step, attempt in attempts.items():
        with pytest.raises(ConflictOfInterest):
            attempt()
        assert refusals()[-1].data["step"] == step, step
    assert len(refusals()) == len(attempts)
    assert not Verdict.objects.exists()
    assert Override.objects.get().points == 1
    assert not DeadlineExtension.objects.exists()
    manual.refresh_from_db()
    assert "verified" not in manual.data
    assert UnitRound.objects.get(assessment=centre_assessment, round_code="R12").state == State.IN_REVIEW


def test_publishing_ones_own_unit_is_refused_too(world, centre):
    centre_assessment, carol, _followup, _manual = centre
    transition(centre_assessment, "R12", "start_review", user=world.eve)
    transition(centre_assessment, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    with pytest.raises(ConflictOfInterest):
        transition(centre_assessment, "R12", "publish", user=carol)
    assert UnitRound.objects.get(assessment=centre_assessment, round_code="R12").state == State.VERIFIED


def test_the_member_still_works_for_their_unit_and_reviews_other_units(world, centre):
    centre_assessment, carol, _followup, _manual = centre
    add_comment(centre_assessment, "1.2.2", "แนบบันทึกแล้ว", user=carol)  # as the unit's officer
    assert Comment.objects.get().author == carol
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=carol)  # unit A is not hers
    set_verdict(rec, "accepted", user=carol)
    assert not refusals()


def test_an_administrator_who_is_not_a_member_reviews_the_centre(world, centre):
    centre_assessment, _carol, followup, manual = centre
    adam = world.adam
    transition(centre_assessment, "R12", "start_review", user=adam)
    set_verdict(followup, "accepted", user=adam)
    set_verified_value(manual, "3.5", user=adam)
    set_override(centre_assessment, "R12", "1.2.2", "1.5", reason="หลักฐานไม่ครบ", user=adam)
    add_comment(centre_assessment, "1.2.2", "ขอบันทึกเสนอ ผอ.", user=adam)
    transition(centre_assessment, "R12", "return", reason="แนบบันทึก", user=adam)
    transition(centre_assessment, "R12", "resubmit", user=centre_assessment.unit.roles.get(kind="director").user)
    transition(centre_assessment, "R12", "start_review", user=adam)
    transition(centre_assessment, "R12", "verify", user=adam)
    transition(centre_assessment, "R12", "publish", user=adam)
    assert UnitRound.objects.get(assessment=centre_assessment, round_code="R12").state == State.PUBLISHED
    assert not refusals()


def test_an_administrator_who_is_a_member_is_refused(world, centre):
    centre_assessment, _carol, followup, _manual = centre
    Role.objects.create(user=world.adam, kind=Role.Kind.OFFICER, unit=centre_assessment.unit)
    with pytest.raises(ConflictOfInterest):
        transition(centre_assessment, "R12", "start_review", user=world.adam)
    transition(centre_assessment, "R12", "start_review", user=world.eve)
    with pytest.raises(ConflictOfInterest):
        set_verdict(followup, "accepted", user=world.adam)
    assert [e.actor for e in refusals()] == [world.adam, world.adam]


# --------------------------------------------------------------------------- the pages


def test_the_review_pages_show_the_conflict_and_offer_no_action(client, world, centre):
    centre_assessment, carol, followup, _manual = centre
    transition(centre_assessment, "R12", "start_review", user=world.eve)
    client.force_login(carol)
    unit_url = f"/review/a/{centre_assessment.pk}/R12/"
    item_url = f"{unit_url}items/1.2.2/"
    for url in (unit_url, item_url):
        page = client.get(url).content.decode()
        assert 'class="banner conflict"' in page and "ผลประโยชน์ทับซ้อน" in page, url
        assert "data-action=" not in page and 'name="extend_to"' not in page, url
        assert 'value="verdict"' not in page and 'value="override"' not in page, url
    refused = client.post(item_url, {"kind": "verdict", "record": followup.pk, "status": "accepted"})
    assert refused.status_code == 400 and "ผลประโยชน์ทับซ้อน" in refused.content.decode()
    assert client.post(unit_url, {"action": "return", "reason": "x"})["Location"] == f"{unit_url}step/return/"
    refused = client.post(f"{unit_url}step/return/", {"reason": "x", "confirm": "yes"})
    assert refused.status_code == 400 and "ผลประโยชน์ทับซ้อน" in refused.content.decode()
    assert [e.data["step"] for e in refusals()] == ["verdict", "round.return"]
    assert not Verdict.objects.exists()
    client.force_login(world.eve)  # an evaluator who is not a member gets the forms
    page = client.get(item_url).content.decode()
    assert 'class="banner conflict"' not in page and 'value="verdict"' in page


def test_the_queue_marks_the_viewers_own_unit(client, world, centre):
    _centre_assessment, carol, _followup, _manual = centre
    record(world.a, "1.2.2", "followups", "2024-03-15")
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(carol)
    page = client.get("/review/?round=R12").content.decode().split("<tbody>", 1)[1]
    own = page.split("ศูนย์ประเมินผล", 1)[1].split("</tr>", 1)[0]
    other = page.split("สำนักวิจัยเศรษฐกิจการเกษตร", 1)[1].split("</tr>", 1)[0]
    assert 'class="pill conflict"' in own and 'class="pill conflict"' not in other
    client.force_login(world.eve)
    assert 'class="pill conflict"' not in client.get("/review/?round=R12").content.decode()


def test_the_queue_shows_every_round_waiting_with_the_viewers_own_unit_marked(client, world, centre):
    centre_assessment, carol, _followup, _manual = centre
    director_b = person("dora", "director", world.unit_b)
    UnitRound.objects.filter(assessment=centre_assessment).delete()
    transition(centre_assessment, "R6", "submit", user=centre_assessment.unit.roles.get(kind="director").user)
    transition(world.b, "R12", "submit", user=director_b)
    client.force_login(carol)
    page = client.get("/review/").content.decode()
    assert f'id="row-{centre_assessment.pk}-R6"' in page and f'id="row-{world.b.pk}-R12"' in page
    own = page.split(f'id="row-{centre_assessment.pk}-R6"', 1)[1].split("</tr>", 1)[0]
    assert 'class="pill conflict"' in own
