"""The assigned evaluator on a unit's round page (changed there by an administrator, as on the
queue), and an assignment refused for bad input: the form that posted it shows the person chosen
again, with the reason beside it."""

from __future__ import annotations

import re

import pytest

from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.review.models import Assignment
from pramern.review.services import assign_evaluator, transition
from tests.factories import person


@pytest.fixture
def carol(world):
    """An evaluator who is also an officer of unit A: of the Centre, but in conflict for A."""
    carol = person("carol", "evaluator")
    Role.objects.create(user=carol, kind=Role.Kind.OFFICER, unit=world.unit_a)
    return carol


def unit_url(world):
    return f"/review/a/{world.a.pk}/R12/"


def evaluator_card(page: str) -> str:
    return page.split('id="evaluator"')[1].split('</div>\n  <div class="card">')[0]


def selected(html: str, select_id: str) -> list[str]:
    select = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r'<option value="(\d*)" selected>', select)


def test_the_round_page_shows_the_assigned_evaluator_to_the_centre(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.eve)
    assert "ยังไม่มอบหมาย" in evaluator_card(client.get(unit_url(world)).content.decode())
    assign_evaluator(world.a, world.eve, user=world.adam)
    card = evaluator_card(client.get(unit_url(world)).content.decode())
    assert '<span class="assignee">eve</span>' in card
    assert "assign-form" not in card  # an evaluator does not assign, here as on the queue


def test_an_administrator_changes_the_evaluator_on_the_round_page(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    assign_evaluator(world.a, world.eve, user=world.adam)
    client.force_login(world.adam)
    card = evaluator_card(client.get(unit_url(world)).content.decode())
    assert f'action="/review/a/{world.a.pk}/assign/"' in card and "เปลี่ยนผู้ประเมิน" in card
    assert selected(card, f"assign-{world.a.pk}") == [str(world.eve.pk)]
    response = client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": world.adam.pk, "next": unit_url(world)})
    assert response.status_code == 302 and response["Location"] == unit_url(world)
    assert Assignment.objects.get(assessment=world.a).evaluator == world.adam
    entry = AuditEntry.objects.filter(action="pramern.review.assigned").latest("pk")
    assert entry.data == {"before": "eve", "after": "adam"}
    page = client.get(unit_url(world)).content.decode()
    assert "มอบหมาย สำนักวิจัยเศรษฐกิจการเกษตร ให้" in page
    assert '<span class="assignee">adam</span>' in evaluator_card(page)


def test_an_administrator_of_the_unit_is_not_offered_the_form(client, world):
    Role.objects.create(user=world.adam, kind=Role.Kind.OFFICER, unit=world.unit_a)
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.adam)
    assert "assign-form" not in evaluator_card(client.get(unit_url(world)).content.decode())


def test_a_refused_assignment_on_the_queue_keeps_the_choice_and_says_why(client, world, carol):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.adam)
    back = "/review/?state=all&round=R12"
    response = client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": carol.pk, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert not Assignment.objects.exists()
    page = client.get(back).content.decode()
    form_id = f"assign-{world.a.pk}-R12"
    assert selected(page, form_id) == [str(carol.pk)]  # carol, not "nobody" as stored
    assert f'aria-invalid="true" aria-describedby="{form_id}-error"' in page
    error = page.split(f'id="{form_id}-error">')[1].split("</p>")[0]
    assert error.startswith("มอบหมายไม่ได้:") and "ผลประโยชน์ทับซ้อน" in error
    other_row = f"assign-{world.b.pk}-R12"
    assert f"{other_row}-error" not in page  # only the unit's own form
    again = client.get(back).content.decode()  # shown once: a reload shows what is stored
    assert f"{form_id}-error" not in again and selected(again, form_id) == []


def test_a_refused_assignment_on_the_round_page_keeps_the_choice_and_says_why(client, world, carol):
    transition(world.a, "R12", "submit", user=world.dan)
    assign_evaluator(world.a, world.eve, user=world.adam)
    client.force_login(world.adam)
    client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": carol.pk, "next": unit_url(world)})
    assert Assignment.objects.get(assessment=world.a).evaluator == world.eve  # unchanged
    card = evaluator_card(client.get(unit_url(world)).content.decode())
    assert selected(card, f"assign-{world.a.pk}") == [str(carol.pk)]
    assert "ผลประโยชน์ทับซ้อน" in card.split(f'id="assign-{world.a.pk}-error">')[1]
    assert '<span class="assignee">eve</span>' in card  # what is stored, beside the refused choice


def test_a_refusal_of_another_units_assignment_is_not_shown_here(client, world, carol):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.adam)
    client.post(f"/review/a/{world.a.pk}/assign/", {"evaluator": carol.pk, "next": unit_url(world)})
    other = client.get(f"/review/a/{world.b.pk}/R12/").content.decode()
    assert "assign-error" not in other and "aria-invalid" not in evaluator_card(other)
