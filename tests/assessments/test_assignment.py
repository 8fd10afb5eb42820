"""Assignment inside a unit: the unit's officers and director give an item to one of the unit's
own people ("my items"); every change is audited; another unit's person can neither assign nor
be given an item."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from pramern.assessments.home_page import home_page
from pramern.assessments.models import ItemAssignment
from pramern.assessments.services import assign_item
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.review.services import transition
from tests.factories import person
from tests.years import TwoYears


@pytest.fixture(autouse=True)
def thai():
    """The services' messages in Thai, whatever language an earlier test's request left active."""
    with translation.override("th"):
        yield


def url(world, code="1.2.2"):
    return f"/a/{world.a.pk}/items/{code}/assign/"


def test_the_director_gives_an_item_to_an_officer_audited(world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assignment = ItemAssignment.objects.get(assessment=world.a, item_code="1.2.2")
    assert assignment.assignee == world.alice and assignment.assigned_by == world.dan
    entry = AuditEntry.objects.get(action="pramern.item.assigned")
    assert (entry.actor, entry.assessment_id, entry.item_code) == (world.dan, world.a.pk, "1.2.2")
    assert entry.data == {"before": None, "after": "alice"}


def test_an_officer_may_assign_too_and_reassigning_says_before_and_after(world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.alice)
    assign_item(world.a, "1.2.2", world.dan.pk, user=world.alice)
    assert ItemAssignment.objects.get(item_code="1.2.2").assignee == world.dan
    last = AuditEntry.objects.filter(action="pramern.item.assigned").order_by("-id").first()
    assert last.data == {"before": "alice", "after": "dan"}


def test_giving_the_same_person_again_changes_and_logs_nothing(world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assert AuditEntry.objects.filter(action="pramern.item.assigned").count() == 1


def test_clearing_an_assignment_is_audited(world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assert assign_item(world.a, "1.2.2", None, user=world.dan) is None
    assert not ItemAssignment.objects.exists()
    entry = AuditEntry.objects.get(action="pramern.item.unassigned")
    assert entry.data == {"before": "alice", "after": None} and entry.item_code == "1.2.2"
    assign_item(world.a, "1.2.2", None, user=world.dan)  # nothing to clear: nothing logged
    assert AuditEntry.objects.filter(action="pramern.item.unassigned").count() == 1


def test_another_units_person_cannot_be_given_an_item(world):
    with pytest.raises(WorkspaceError, match="เฉพาะเจ้าหน้าที่และผู้อำนวยการของหน่วยงานนี้"):
        assign_item(world.a, "1.2.2", world.bob.pk, user=world.dan)
    for outsider in (world.eve, world.xena, world.adam):  # office-wide roles are not the unit's people
        with pytest.raises(WorkspaceError):
            assign_item(world.a, "1.2.2", outsider.pk, user=world.dan)
    assert not ItemAssignment.objects.exists() and not AuditEntry.objects.filter(action__startswith="pramern.item.")


def test_an_inactive_account_cannot_be_given_an_item(world):
    gone = person("gone", "officer", world.unit_a, is_active=False)
    with pytest.raises(WorkspaceError):
        assign_item(world.a, "1.2.2", gone.pk, user=world.dan)


def test_only_the_units_people_assign(world):
    for outsider in (world.bob, world.eve, world.xena, world.adam):
        with pytest.raises(PermissionDenied):
            assign_item(world.a, "1.2.2", world.alice.pk, user=outsider)
    assert not ItemAssignment.objects.exists()


def test_an_unknown_item_is_refused(world):
    with pytest.raises(WorkspaceError):
        assign_item(world.a, "9.9.9", world.alice.pk, user=world.dan)


def test_a_read_only_assessment_takes_no_assignment(world):
    transition(world.a, "R6", "submit", user=world.dan)
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)  # R12 still open: fine
    transition(world.a, "R12", "submit", user=world.dan)
    with pytest.raises(WorkspaceError, match="อ่านอย่างเดียว"):
        assign_item(world.a, "1.2.2", world.dan.pk, user=world.dan)


def test_a_past_year_takes_no_assignment(world):
    TwoYears(world)
    with pytest.raises(WorkspaceError):
        assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)


# --------------------------------------------------------------------------- the pages


def test_anonymous_goes_to_login(client, world):
    response = client.post(url(world), {"assignee": world.alice.pk})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_another_units_officer_gets_a_404_and_the_office_wide_roles_a_403(client, world):
    client.force_login(world.bob)
    assert client.post(url(world), {"assignee": world.bob.pk}).status_code == 404
    for user in (world.eve, world.xena, world.adam):
        client.force_login(user)
        assert client.post(url(world), {"assignee": world.alice.pk}).status_code == 403
    assert not ItemAssignment.objects.exists()


def test_the_page_only_takes_posts(client, world):
    client.force_login(world.dan)
    assert client.get(url(world)).status_code == 405


def test_the_director_assigns_from_the_item_page(client, world):
    client.force_login(world.dan)
    item = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert f'action="{url(world)}"' in item and "ยังไม่มี" in item
    assert f'<option value="{world.alice.pk}">อลิส ใจดี (alice)</option>' in item
    assert f'value="{world.bob.pk}"' not in item  # only the unit's people are offered
    response = client.post(url(world), {"assignee": world.alice.pk})
    assert response.status_code == 302 and response["Location"] == f"/a/{world.a.pk}/items/1.2.2/"
    item = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert '<span class="assignee">อลิส ใจดี (alice)</span>' in item
    assert "มอบหมายข้อนี้ให้ผู้รับผิดชอบ" in item  # the item's history


def test_a_refused_assignment_says_why_on_the_item_page(client, world):
    client.force_login(world.dan)
    response = client.post(url(world), {"assignee": world.bob.pk})
    assert response.status_code == 400
    assert "มอบหมายข้อได้เฉพาะเจ้าหน้าที่และผู้อำนวยการของหน่วยงานนี้เท่านั้น" in response.content.decode()
    response = client.post(url(world), {"assignee": "x"})
    assert response.status_code == 400 and "เลือกบุคลากรของหน่วยงาน" in response.content.decode()


def test_an_unknown_item_is_a_404(client, world):
    client.force_login(world.dan)
    assert client.post(url(world, "9.9.9"), {"assignee": world.alice.pk}).status_code == 404


def test_readers_see_the_assignee_but_no_form(client, world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    client.force_login(world.xena)
    item = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert '<span class="assignee">อลิส ใจดี (alice)</span>' in item and "assign-form" not in item


def test_my_items_on_the_home_and_the_filter(client, world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assign_item(world.a, "7.6", world.dan.pk, user=world.dan)
    assert [c.item.code for c in home_page(world.a, world.alice).my_items] == ["1.2.2"]
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    mine = page[page.index('id="my-items"') : page.index('id="score-R6"')]
    assert "ข้อที่ฉันรับผิดชอบ" in mine and 'data-item="1.2.2"' in mine and 'data-item="7.6"' not in mine
    assert "ผู้รับผิดชอบ แดน ผู้อำนวยการ (dan)" in page  # every item says who looks after it
    filtered = client.get(f"/a/{world.a.pk}/?mine=1").content.decode()
    items = filtered[filtered.index('id="items"') :]
    assert 'data-item="1.2.2"' in items and 'data-item="7.6"' not in items and 'data-item="1.1.1"' not in items
    client.force_login(world.xena)
    nothing = client.get(f"/a/{world.a.pk}/?mine=1").content.decode()
    assert "ยังไม่มีข้อที่มอบหมายให้คุณ" in nothing and 'id="my-items"' not in nothing
