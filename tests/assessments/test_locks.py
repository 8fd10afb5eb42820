"""Sign-off and deadlines make data read-only, enforced on the server, with the reason shown."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.assessments.models import Record, UnitRound
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import save_record
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.frameworks.models import RoundSchedule
from pramern.review.services import ReviewError, transition
from tests.factories import record


def new_followup(client, world, date="15/03/2567"):
    return client.post(
        f"/a/{world.a.pk}/items/1.2.2/records/followups/new/", {"followups-date": date}, HTTP_HX_REQUEST="true"
    )


def test_the_director_submits_a_round_and_it_becomes_read_only(client, world):
    record(world.a, "1.2.2", "followups", "2023-10-01", presented_to_director=True)
    client.force_login(world.dan)
    summary = client.get(f"/a/{world.a.pk}/submit/R6/").content.decode()
    assert '<button type="submit" class="irreversible" data-action="submit">ส่งผลรอบนี้</button>' in summary
    response = client.post(f"/a/{world.a.pk}/submit/R6/", {"confirm": "yes"})
    assert response.status_code == 302
    submission = UnitRound.objects.get()
    assert (submission.round_code, submission.state, submission.self_total, submission.submitted_by) == (
        "R6",
        "submitted",
        1,
        world.dan,
    )
    assert AuditEntry.objects.filter(action="pramern.round.submit", assessment_id=world.a.pk).exists()

    client.force_login(world.alice)
    refused = new_followup(client, world, "01/02/2567").content.decode()  # inside R6's window
    assert Record.objects.count() == 1
    assert "รายการที่ลงวันที่ถึง 28 ก.พ. 2567 แก้ไขไม่ได้แล้ว (อ่านอย่างเดียว)" in refused
    assert new_followup(client, world, "15/03/2567").status_code == 200  # after R6's cut-off: R12 is open
    assert Record.objects.count() == 2


def test_after_the_final_round_everything_is_read_only(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert 'class="banner locked"' in page
    assert "records/followups/new/" not in page  # no add form
    assert f"records/{rec.pk}/delete/" not in page
    for url, data in [
        (f"/a/{world.a.pk}/items/1.2.2/records/followups/new/", {"followups-date": "20/05/2567"}),
        (f"/a/{world.a.pk}/records/{rec.pk}/edit/", {"followups-date": "21/05/2567"}),
        (f"/a/{world.a.pk}/records/{rec.pk}/delete/", {}),
        (f"/a/{world.a.pk}/records/{rec.pk}/evidence/link/", {"url": "https://example.go.th"}),
    ]:
        client.post(url, data)
    rec.refresh_from_db()
    assert rec.date == dt.date(2024, 3, 15)
    assert Record.objects.count() == 1
    assert not rec.evidence.exists()


def test_a_passed_deadline_closes_the_round(world):
    RoundSchedule.objects.filter(framework=world.framework, round_code="R12").update(
        submission_deadline=dt.date.today() - dt.timedelta(days=1)
    )
    locks = lock_state(world.a)
    assert locks.read_only
    assert str(locks.reason).startswith("เลยกำหนดส่งรอบ 12 เดือน (")
    with pytest.raises(WorkspaceError):
        save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 5, 1), data={}, user=world.alice)
    with pytest.raises(ReviewError):
        transition(world.a, "R12", "submit", user=world.dan)


def test_a_round_is_submitted_once(world):
    transition(world.a, "R6", "submit", user=world.dan)
    with pytest.raises(ReviewError):
        transition(world.a, "R6", "submit", user=world.dan)


def test_submitting_needs_the_confirmation(client, world):
    client.force_login(world.dan)
    response = client.post(f"/a/{world.a.pk}/submit/R6/", {})
    assert response.status_code == 400
    assert not UnitRound.objects.exclude(state="draft").exists()


def test_the_home_page_shows_the_deadline_and_days_left(client, world):
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    deadline = RoundSchedule.objects.get(framework=world.framework, round_code="R6").submission_deadline
    assert f"{deadline.day} " in page and str(deadline.year + 543) in page
    assert "เหลืออีก 10 วัน" in page


def test_an_earlier_round_cannot_be_submitted_after_a_later_one(world):
    transition(world.a, "R12", "submit", user=world.dan)
    with pytest.raises(ReviewError):
        transition(world.a, "R6", "submit", user=world.dan)


def test_a_refused_change_leaves_the_record_object_as_it_was(world):
    rec = record(world.a, "5.1", "respondents", "2024-06-30", value=30)
    later = record(world.a, "5.1", "respondents", "2024-07-15", value=35)
    with pytest.raises(WorkspaceError):
        save_record(
            world.a, "5.1", "respondents", date=dt.date(2024, 7, 20), data={"value": 10}, user=world.alice, record=later
        )
    assert later.data == {"value": 35} and later.date == dt.date(2024, 7, 15)
    assert rec.data == {"value": 30}


def test_the_reason_is_in_english_for_english_readers(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    assert "12-month round was submitted on" in page


def test_the_submit_page_warns_of_points_claimed_without_evidence(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pramern.assessments.services import add_file_evidence

    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    client.force_login(world.dan)
    page = client.get(f"/a/{world.a.pk}/submit/R12/").content.decode()
    assert "1 ข้อได้คะแนนแต่ยังไม่มีหลักฐาน" in page and f'href="/a/{world.a.pk}/items/1.2.2/"' in page
    add_file_evidence(world.a, SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n"), user=world.alice, records=[rec])
    assert "ยังไม่มีหลักฐาน" not in client.get(f"/a/{world.a.pk}/submit/R12/").content.decode()


def test_units_are_named_in_english_for_english_readers(client, world):
    world.unit_a.name_en = "Bureau of Agricultural Economic Research"
    world.unit_a.save()
    client.force_login(world.alice)
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in client.get(f"/a/{world.a.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    assert "Bureau of Agricultural Economic Research" in page


def test_lock_banners_are_for_the_units_people(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    for persona, shown in (("alice", True), ("dan", True), ("xena", False), ("eve", False)):
        client.force_login(getattr(world, persona))
        page = client.get(f"/a/{world.a.pk}/").content.decode()
        assert ('class="banner locked"' in page) is shown, persona
