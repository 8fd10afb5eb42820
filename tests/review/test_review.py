"""Reviewing: verdicts, verified scores, judgement values, overrides, comments, extensions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Record, UnitRound
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import add_file_evidence, save_record
from pramern.assessments.workspace import load_workspace
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.review.models import Comment, Override, Verdict
from pramern.review.notifications import send_deadline_reminders
from pramern.review.services import (
    ReviewError,
    add_comment,
    grant_extension,
    set_override,
    set_verdict,
    set_verified_value,
    transition,
)
from tests.factories import record

State = UnitRound.State


@pytest.fixture
def in_review(world):
    """Unit A's R12 with two follow-ups of 1.2.2, submitted and under review."""
    first = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    second = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    return first, second


def verified_points(world, round_code="R12", code="1.2.2"):
    return load_workspace(world.a, with_verified=True).verified[round_code].items[code].points


def test_the_verified_score_counts_accepted_records_only(world, in_review):
    first, second = in_review
    assert verified_points(world) == 0  # nothing accepted yet
    set_verdict(first, "accepted", user=world.eve)
    set_verdict(second, "rejected", reason="ไม่มีหลักฐานการเสนอ ผอ.", user=world.eve)
    assert verified_points(world) == 1
    set_verdict(second, "accepted", user=world.eve)
    assert verified_points(world) == 2
    entries = AuditEntry.objects.filter(action="pramern.verdict.given", item_code="1.2.2").order_by("id")
    assert [e.data["after"]["status"] for e in entries] == ["accepted", "rejected", "accepted"]
    assert entries[2].data["before"] == {"status": "rejected", "reason": "ไม่มีหลักฐานการเสนอ ผอ."}


def test_rejections_and_revisions_need_a_reason(world, in_review):
    with pytest.raises(ReviewError):
        set_verdict(in_review[0], "rejected", user=world.eve)
    with pytest.raises(ReviewError):
        set_verdict(in_review[0], "needs_revision", reason=" ", user=world.eve)


def test_verdicts_are_given_by_evaluators_during_a_review(world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    with pytest.raises(ReviewError):  # not in review yet
        set_verdict(rec, "accepted", user=world.eve)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    for persona in ("alice", "dan", "xena", "bob"):
        with pytest.raises(ReviewError):
            set_verdict(rec, "accepted", user=getattr(world, persona))
    assert not Verdict.objects.exists()


def test_judgement_items_get_a_verified_value(world):
    manual = record(world.a, "6.3", "manual", "2024-02-01", claimed=4)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    assert verified_points(world, code="6.3") == 0
    with pytest.raises(ReviewError):
        set_verified_value(manual, "3.3", user=world.eve)
    set_verified_value(manual, "3.5", user=world.eve)
    assert verified_points(world, code="6.3") == Decimal("3.5")
    ws = load_workspace(world.a, with_verified=True)
    assert ws.scores.by_round["R12"].items["6.3"].points == 4  # the self-assessment keeps the claim


def test_an_override_needs_a_reason_and_is_shown_beside_the_computed_value(client, world, in_review):
    set_verdict(in_review[0], "accepted", user=world.eve)
    with pytest.raises(ReviewError):
        set_override(world.a, "R12", "1.2.2", "2", reason="", user=world.eve)
    with pytest.raises(ReviewError):
        set_override(world.a, "R12", "1.2.2", "3", reason="เกินคะแนนเต็ม", user=world.eve)
    set_override(world.a, "R12", "1.2.2", "1.5", reason="หลักฐานครั้งที่ 2 ไม่ครบ", user=world.eve)
    item = load_workspace(world.a, with_verified=True).verified["R12"].items["1.2.2"]
    assert (item.computed, item.points, item.override.reason) == (1, Decimal("1.5"), "หลักฐานครั้งที่ 2 ไม่ครบ")
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R12/items/1.2.2/").content.decode()
    assert 'id="verified-points">1.5<' in page and 'id="verified-computed">1<' in page
    assert "หลักฐานครั้งที่ 2 ไม่ครบ" in page
    with pytest.raises(ReviewError):
        set_override(world.a, "R12", "1.2.2", "1", reason="x", user=world.alice)
    assert Override.objects.get().points == Decimal("1.5")


def test_units_see_verdicts_but_cannot_change_them(client, world, in_review):
    first, _second = in_review
    set_verdict(first, "rejected", reason="ไฟล์ไม่ชัด", user=world.eve)
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert "ไฟล์ไม่ชัด" in page
    for url, data in [
        (f"/review/a/{world.a.pk}/R12/items/1.2.2/", {"kind": "verdict", "record": first.pk, "status": "accepted"}),
        (f"/review/a/{world.a.pk}/R12/items/1.2.2/", {"kind": "override", "points": "2", "reason": "x"}),
        (f"/review/a/{world.a.pk}/R12/", {"action": "verify"}),
        (f"/review/a/{world.a.pk}/R12/step/verify/", {"confirm": "yes"}),
        (f"/review/a/{world.a.pk}/R12/", {"extend_to": "01/01/2570", "reason": "x"}),
    ]:
        assert client.post(url, data).status_code == 403
    assert Verdict.objects.get().status == "rejected"
    assert not Override.objects.exists()


def test_evaluators_cannot_change_a_units_records(client, world, in_review):
    client.force_login(world.eve)
    url = f"/a/{world.a.pk}/items/1.2.2/records/followups/new/"
    assert client.post(url, {"followups-date": "01/06/2567"}).status_code == 403
    with pytest.raises(WorkspaceError):
        save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 6, 1), data={}, user=world.eve)
    assert Record.objects.count() == 2


def test_the_comment_thread_is_the_units_and_the_evaluators(client, world):
    add_comment(world.a, "1.2.2", "ขอหลักฐานการเสนอ ผอ. เพิ่มเติม", user=world.eve)
    client.force_login(world.alice)
    client.post(f"/a/{world.a.pk}/items/1.2.2/comments/", {"body": "แนบบันทึกเสนอ ผอ. แล้ว"})
    assert list(Comment.objects.values_list("author__username", "body")) == [
        ("eve", "ขอหลักฐานการเสนอ ผอ. เพิ่มเติม"),
        ("alice", "แนบบันทึกเสนอ ผอ. แล้ว"),
    ]
    assert "ขอหลักฐานการเสนอ ผอ. เพิ่มเติม" in client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    client.force_login(world.bob)  # another unit: neither the thread nor a way to write in it
    assert client.get(f"/a/{world.a.pk}/items/1.2.2/").status_code == 404
    assert client.post(f"/a/{world.a.pk}/items/1.2.2/comments/", {"body": "x"}).status_code == 404
    client.force_login(world.xena)  # an executive reads, but does not write
    assert client.post(f"/a/{world.a.pk}/items/1.2.2/comments/", {"body": "x"}).status_code == 403
    assert Comment.objects.count() == 2


def test_another_units_evidence_and_review_are_hidden(client, world, in_review):
    theirs = record(world.b, "1.2.2", "followups", "2024-03-15")
    pdf = add_file_evidence(world.b, SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF"), user=world.bob, records=[theirs])
    client.force_login(world.alice)
    response = client.get(f"/evidence/{pdf.pk}/")
    assert response.status_code == 404
    assert client.get(f"/review/a/{world.b.pk}/R12/").status_code == 403
    assert client.get("/review/").status_code == 403


def test_an_extension_needs_a_reason_is_audited_and_the_workspace_says_why(client, world, settings):
    status = lock_state(world.a).status("R6")
    later = status.deadline + dt.timedelta(days=14)
    with pytest.raises(ReviewError):
        grant_extension(world.a, "R6", later, reason="", user=world.eve)
    with pytest.raises(ReviewError):
        grant_extension(world.a, "R6", later, reason="น้ำท่วมสำนักงาน", user=world.alice)
    grant_extension(world.a, "R6", later, reason="น้ำท่วมสำนักงาน", user=world.eve)
    assert lock_state(world.a).status("R6").deadline == later
    entry = AuditEntry.objects.get(action="pramern.deadline.extended")
    assert entry.data["after"] == {"deadline": later.isoformat(), "reason": "น้ำท่วมสำนักงาน"}
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    assert "น้ำท่วมสำนักงาน" in page


def test_an_extension_reopens_a_round_past_its_deadline(world):
    from pramern.frameworks.models import RoundSchedule

    RoundSchedule.objects.filter(framework=world.framework).update(
        submission_deadline=dt.date.today() - dt.timedelta(days=1)
    )
    assert lock_state(world.a).read_only
    grant_extension(world.a, "R12", dt.date.today() + dt.timedelta(days=5), reason="ระบบขัดข้อง", user=world.eve)
    assert not lock_state(world.a).read_only
    transition(world.a, "R12", "submit", user=world.dan)


def test_reminders_go_7_days_and_1_day_before_the_deadline_once(world):
    world.alice.email = "alice@oae.go.th"
    world.alice.save()
    deadline = lock_state(world.a).status("R6").deadline
    assert send_deadline_reminders(today=deadline - dt.timedelta(days=8)) == 0
    seven = send_deadline_reminders(today=deadline - dt.timedelta(days=7))
    assert seven >= 1 and any("alice@oae.go.th" in m.to for m in mail.outbox)
    assert "7" in mail.outbox[-1].subject
    assert send_deadline_reminders(today=deadline - dt.timedelta(days=7)) == 0  # safe to run twice
    mail.outbox.clear()
    assert send_deadline_reminders(today=deadline - dt.timedelta(days=1)) >= 1
    transition(world.a, "R12", "submit", user=world.dan)  # a submitted round needs no reminder
    r12 = lock_state(world.a).status("R12").deadline
    mail.outbox.clear()
    send_deadline_reminders(today=r12 - dt.timedelta(days=1))
    assert not any("alice@oae.go.th" in m.to for m in mail.outbox)


def test_the_history_of_a_round_as_csv(client, world, in_review):
    set_verdict(in_review[1], "rejected", reason="ไม่มีลายมือชื่อ ผอ.", user=world.eve)
    transition(world.a, "R12", "return", user=world.eve, reason="แก้ไขข้อ 1.2.2")
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/history/?round=R12").content.decode()
    assert "รอบ 12 เดือน · กำลังตรวจ → ส่งกลับให้แก้ไข · แก้ไขข้อ 1.2.2" in page
    assert "– → ไม่รับรอง · ไม่มีลายมือชื่อ ผอ." in page
    assert "accepted" not in page and "in_review" not in page
    response = client.get(f"/review/a/{world.a.pk}/history/?round=R12&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["when", "who", "action", "item", "round", "before", "after", "reason"]
    actions = [r[2] for r in rows[1:]]
    assert actions == [
        "pramern.round.submit",
        "pramern.round.start_review",
        "pramern.verdict.given",
        "pramern.round.return",
    ]
    assert rows[3][4:] == ["", "", "reason=ไม่มีลายมือชื่อ ผอ.; status=rejected", ""]
    assert rows[4][7] == "แก้ไขข้อ 1.2.2"


def test_executives_see_verified_scores_once_published(client, world, in_review, settings):
    set_verdict(in_review[0], "accepted", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    client.force_login(world.xena)
    assert "verified-total" not in client.get(f"/a/{world.a.pk}/").content.decode()
    settings.EXECUTIVES_SEE_UNPUBLISHED = True
    assert 'class="verified-total" data-round="R12">1<' in client.get(f"/a/{world.a.pk}/").content.decode()
    settings.EXECUTIVES_SEE_UNPUBLISHED = False
    transition(world.a, "R12", "publish", user=world.eve)
    assert 'class="verified-total" data-round="R12">1<' in client.get(f"/a/{world.a.pk}/").content.decode()


def test_units_edit_only_in_draft_or_returned(world, in_review):
    with pytest.raises(WorkspaceError):  # in review: read-only
        save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 6, 1), data={}, user=world.alice)
    transition(world.a, "R12", "return", user=world.eve, reason="เพิ่มหลักฐาน")
    save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 6, 1), data={}, user=world.alice)
    transition(world.a, "R12", "resubmit", user=world.alice)
    with pytest.raises(WorkspaceError):
        save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 6, 2), data={}, user=world.alice)


def test_executives_see_verdicts_only_where_they_see_the_verified_score(client, world, in_review, settings):
    settings.EXECUTIVES_SEE_UNPUBLISHED = False
    set_verdict(in_review[1], "rejected", reason="ไม่มีบันทึกเสนอ ผอ.", user=world.eve)
    url = f"/a/{world.a.pk}/items/1.2.2/"
    for persona in ("alice", "eve"):
        client.force_login(getattr(world, persona))
        assert "ไม่มีบันทึกเสนอ ผอ." in client.get(url).content.decode(), persona
    client.force_login(world.xena)
    page = client.get(url).content.decode()
    assert "ไม่มีบันทึกเสนอ ผอ." not in page and "บันทึกผลการตรวจ" not in page  # not on records, not in history
    transition(world.a, "R12", "verify", user=world.eve, unreviewed_confirmed=True)
    transition(world.a, "R12", "publish", user=world.eve)
    page = client.get(url).content.decode()
    assert "ไม่มีบันทึกเสนอ ผอ." in page and "บันทึกผลการตรวจ" in page  # once published


def test_a_returned_unit_sees_why_on_every_workspace_page(client, world, in_review):
    transition(world.a, "R12", "return", user=world.eve, reason="แนบบันทึกที่ ผอ. ลงนามให้ครบ")
    client.force_login(world.dan)
    for url in (f"/a/{world.a.pk}/", f"/a/{world.a.pk}/items/1.2.2/", f"/a/{world.a.pk}/submit/R12/"):
        page = client.get(url).content.decode()
        assert "ศูนย์ประเมินผลส่งรอบ 12 เดือนกลับให้แก้ไข" in page and "แนบบันทึกที่ ผอ. ลงนามให้ครบ" in page, url
        assert f'href="/a/{world.a.pk}/submit/R12/"' in page
    transition(world.a, "R12", "resubmit", user=world.dan)
    assert "แนบบันทึกที่ ผอ. ลงนามให้ครบ" not in client.get(f"/a/{world.a.pk}/").content.decode()


def test_verifying_with_records_not_reviewed_needs_a_confirmation(client, world, in_review):
    first, _second = in_review
    set_verdict(first, "accepted", user=world.eve)
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    assert 'data-action="verify"' in page and "1 รายการยังไม่มีผลการตรวจ" in page
    confirmation = client.get(f"/review/a/{world.a.pk}/R12/step/verify/").content.decode()
    assert "ยังไม่มีผลการตรวจ" in confirmation.split('id="step-waiting">')[1].split("</p>")[0]
    refused = client.post(f"/review/a/{world.a.pk}/R12/step/verify/", {})
    assert refused.status_code == 400 and "ยังไม่ได้เปลี่ยนแปลงอะไร" in refused.content.decode()
    assert UnitRound.objects.get(assessment=world.a, round_code="R12").state == State.IN_REVIEW
    client.post(f"/review/a/{world.a.pk}/R12/step/verify/", {"confirm": "yes"})
    assert UnitRound.objects.get(assessment=world.a, round_code="R12").state == State.VERIFIED
