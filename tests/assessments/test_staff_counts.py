"""Staff per round: changed by the unit's people (or the admin) through one service that keeps
submitted and closed rounds as they were, audits the change and refreshes the score cards."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.assessments.services import change_staff_counts
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.frameworks.models import RoundSchedule
from pramern.reports.models import ScoreCard
from pramern.review.services import transition


def url(world):
    return f"/a/{world.a.pk}/staff/"


def test_the_unit_changes_its_staff_counts_on_a_workspace_page(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    home = client.get(f"/a/{world.a.pk}/").content.decode()
    assert f'href="{url(world)}"' in home
    page = client.get(url(world)).content.decode()
    assert 'name="staff_R6"' in page and 'value="40"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world), {"staff_R6": "38", "staff_R12": ""})
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 38}  # R12 takes R6's count
    entry = AuditEntry.objects.get(action="pramern.assessment.staff_changed")
    assert entry.actor == world.alice and entry.data["before"] == {"R6": 40, "R12": 40}
    assert ScoreCard.objects.filter(assessment=world.a).count() == 2


def test_a_submitted_round_keeps_its_staff_count_and_says_why(client, world):
    transition(world.a, "R6", "submit", user=world.dan)
    client.force_login(world.dan)
    refused = client.post(url(world), {"staff_R6": "10", "staff_R12": "40"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "จำนวนบุคลากรของรอบ 6 เดือน เปลี่ยนไม่ได้" in page and "ส่งแล้วเมื่อ" in page
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}
    # the open round may still change
    assert client.post(url(world), {"staff_R6": "40", "staff_R12": "45"}).status_code == 302
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 45}


def test_a_count_carried_into_a_locked_round_cannot_change_through_the_earlier_round(world):
    world.a.staff_counts = {"R6": 40}
    world.a.save()
    RoundSchedule.objects.filter(round_code="R12").update(state=RoundSchedule.State.CLOSED)
    with pytest.raises(WorkspaceError) as refused:
        change_staff_counts(world.a, {"R6": 20}, user=world.alice)
    assert "R12" not in refused.value.message and "ปิด" in refused.value.message
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40}


def test_a_round_past_its_deadline_keeps_its_count(world):
    RoundSchedule.objects.filter(round_code="R6").update(submission_deadline=dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(WorkspaceError):
        change_staff_counts(world.a, {"R6": 20, "R12": 40}, user=world.alice)
    assert change_staff_counts(world.a, {"R6": 40, "R12": 41}, user=world.alice)


@pytest.mark.parametrize(
    "counts", [{"R6": 0}, {"R6": -3}, {"R6": 10**9}, {"R6": "40"}, {"R6": True}, {"R12": 40}, {"R24": 4, "R6": 4}]
)
def test_bad_counts_are_refused(world, counts):
    with pytest.raises(WorkspaceError):
        change_staff_counts(world.a, counts, user=world.alice)
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}


def test_the_form_refuses_bad_numbers_keeping_what_was_typed(client, world):
    client.force_login(world.alice)
    response = client.post(url(world), {"staff_R6": "0", "staff_R12": "41"})
    assert response.status_code == 400
    assert 'value="41"' in response.content.decode()


def test_readers_see_the_counts_but_cannot_change_them_and_other_units_get_404(client, world):
    client.force_login(world.eve)
    page = client.get(url(world))
    assert page.status_code == 200 and 'name="staff_R6"' not in page.content.decode()
    assert client.post(url(world), {"staff_R6": "1"}).status_code == 403
    client.force_login(world.bob)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), {"staff_R6": "1"}).status_code == 404
    client.logout()
    assert client.get(url(world)).status_code == 302
    world.a.refresh_from_db()
    assert world.a.staff_counts == {"R6": 40, "R12": 40}
