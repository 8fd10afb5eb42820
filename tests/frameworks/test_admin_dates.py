"""Dates typed in the admin and on the review page: Buddhist era, and near the framework's rounds."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.audit.models import AuditEntry
from pramern.frameworks.models import RoundSchedule
from pramern.review.models import DeadlineExtension

FAR = "อยู่ห่างจากรอบของกรอบการประเมินนี้เกินไป"


@pytest.fixture
def r6(world) -> RoundSchedule:
    return RoundSchedule.objects.get(framework=world.framework, round_code="R6")


def change(admin_client, schedule, deadline, opens_on=""):
    url = f"/admin/frameworks/roundschedule/{schedule.pk}/change/"
    return admin_client.post(url, {"opens_on": opens_on, "submission_deadline": deadline, "state": "open"})


def test_the_round_deadline_is_typed_in_the_buddhist_era(admin_client, r6):
    response = change(admin_client, r6, "15/01/2568", opens_on="1/8/2566")
    assert response.status_code == 302
    r6.refresh_from_db()
    assert (r6.opens_on, r6.submission_deadline) == (dt.date(2023, 8, 1), dt.date(2025, 1, 15))
    entry = AuditEntry.objects.get(action="pramern.round.schedule_changed")
    assert entry.data["after"]["submission_deadline"] == "2025-01-15"


def test_the_form_shows_the_deadline_in_the_buddhist_era(admin_client, r6):
    r6.submission_deadline = dt.date(2024, 3, 15)
    r6.save()
    page = admin_client.get(f"/admin/frameworks/roundschedule/{r6.pk}/change/").content.decode()
    assert 'value="15/03/2567"' in page


def test_a_year_far_from_the_frameworks_rounds_is_refused_in_thai(admin_client, r6):
    before = r6.submission_deadline
    response = change(admin_client, r6, "15/01/2570")
    assert response.status_code == 200
    page = response.content.decode()
    assert FAR in page and "15 ม.ค. 2570" in page
    r6.refresh_from_db()
    assert r6.submission_deadline == before
    assert not AuditEntry.objects.filter(action="pramern.round.schedule_changed").exists()


def test_a_christian_era_year_typed_as_such_is_read_as_one(admin_client, r6):
    assert change(admin_client, r6, "2024-09-30").status_code == 302
    r6.refresh_from_db()
    assert r6.submission_deadline == dt.date(2024, 9, 30)


def test_a_round_cannot_open_after_its_deadline(admin_client, r6):
    response = change(admin_client, r6, "15/01/2567", opens_on="1/2/2567")
    assert response.status_code == 200 and "หลังกำหนดส่ง" in response.content.decode()


def test_the_editable_list_checks_dates_the_same_way(admin_client, world, r6):
    r12 = RoundSchedule.objects.get(framework=world.framework, round_code="R12")
    form = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "_save": "save",
    }
    for n, schedule in enumerate([r6, r12]):
        form |= {
            f"form-{n}-id": str(schedule.pk),
            f"form-{n}-opens_on": "",
            f"form-{n}-submission_deadline": "15/01/2570" if schedule == r6 else "30/09/2567",
            f"form-{n}-state": "open",
        }
    before = r6.submission_deadline
    response = admin_client.post("/admin/frameworks/roundschedule/", form)
    assert response.status_code == 200 and FAR in response.content.decode()
    r6.refresh_from_db()
    assert r6.submission_deadline == before
    form["form-0-submission_deadline"] = "15/01/2568"
    assert admin_client.post("/admin/frameworks/roundschedule/", form).status_code == 302
    r6.refresh_from_db()
    r12.refresh_from_db()
    assert (r6.submission_deadline, r12.submission_deadline) == (dt.date(2025, 1, 15), dt.date(2024, 9, 30))


def test_a_deadline_extension_far_from_the_rounds_is_refused(client, world):
    RoundSchedule.objects.filter(round_code="R6").update(submission_deadline=dt.date(2024, 2, 28))
    client.force_login(world.eve)
    url = f"/review/a/{world.a.pk}/R6/"
    response = client.post(url, {"extend_to": "15/01/2570", "reason": "น้ำท่วม"})
    assert FAR in response.content.decode()
    assert not DeadlineExtension.objects.exists()
    assert client.post(url, {"extend_to": "15/03/2567", "reason": "น้ำท่วม"}).status_code == 302
    assert DeadlineExtension.objects.get().deadline == dt.date(2024, 3, 15)
