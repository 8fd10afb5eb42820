"""A verified score rests on what the evaluator judged: the unit cannot change a judged record,
bring its own "verified" values or replace judged records without the verdict going with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Evidence, Record, UnitRound
from pramern.assessments.services import add_file_evidence, add_link_evidence, attach_evidence, save_record
from pramern.assessments.workspace import load_workspace
from pramern.audit.models import AuditEntry
from pramern.review.models import Override, Verdict
from pramern.review.services import (
    ReviewError,
    clear_override,
    set_override,
    set_verdict,
    set_verified_value,
    transition,
)
from tests.factories import import_and_confirm, record

State = UnitRound.State
PDF = b"%PDF-1.4\n%%EOF\n"


def verified_points(world, code="1.2.2", round_code="R12"):
    return load_workspace(world.a, with_verified=True).verified[round_code].items[code].points


@pytest.fixture
def judged_and_returned(world):
    """Unit A's R12: two follow-ups of 1.2.2 accepted, a 6.3 manual valued 3.5, then returned."""
    first = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    second = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    manual = record(world.a, "6.3", "manual", "2024-02-01", claimed=4)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verdict(first, "accepted", user=world.eve)
    set_verdict(second, "accepted", user=world.eve)
    set_verified_value(manual, "3.5", user=world.eve)
    transition(world.a, "R12", "return", user=world.eve, reason="ขอหลักฐานเพิ่ม")
    assert (verified_points(world), verified_points(world, "6.3")) == (2, Decimal("3.5"))
    return first, second, manual


def test_a_units_change_to_a_judged_record_withdraws_the_verdict(world, judged_and_returned):
    first, _second, _manual = judged_and_returned
    save_record(
        world.a,
        "1.2.2",
        "followups",
        date=dt.date(2024, 3, 16),
        data={"presented_to_director": True},
        user=world.alice,
        record=first,
    )
    assert not Verdict.objects.filter(record=first).exists()
    assert verified_points(world) == 1  # the changed record waits for the evaluator again
    entry = AuditEntry.objects.get(action="pramern.verdict.withdrawn")
    assert (entry.actor, entry.item_code) == (world.alice, "1.2.2")
    assert entry.data["before"]["status"] == "accepted" and entry.data["change"] == "pramern.record.changed"


def test_saving_a_record_unchanged_keeps_its_verdict(world, judged_and_returned):
    first, _second, _manual = judged_and_returned
    save_record(
        world.a,
        "1.2.2",
        "followups",
        date=first.date,
        data=dict(first.data),
        title=first.title,
        note=first.note,
        user=world.alice,
        record=first,
    )
    assert Verdict.objects.filter(record=first, status="accepted").exists()
    assert not AuditEntry.objects.filter(action__in=("pramern.record.changed", "pramern.verdict.withdrawn")).exists()


@pytest.mark.parametrize("how", ["upload", "link", "attach"])
def test_new_evidence_on_a_judged_record_withdraws_the_verdict(world, judged_and_returned, how):
    first, second, _manual = judged_and_returned
    if how == "upload":
        add_file_evidence(world.a, SimpleUploadedFile("ใหม่.pdf", PDF), user=world.alice, records=[first])
    elif how == "link":
        add_link_evidence(world.a, "https://example.go.th/new", user=world.alice, records=[first])
    else:
        shared = add_file_evidence(world.a, SimpleUploadedFile("ร่วม.pdf", PDF), user=world.alice)
        attach_evidence(shared, first, user=world.alice)
    assert set(Verdict.objects.values_list("record_id", flat=True)) == {second.pk, judged_and_returned[2].pk}


def test_a_units_edit_of_a_judgement_drops_the_evaluators_value(client, world, judged_and_returned):
    _first, _second, manual = judged_and_returned
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/records/{manual.pk}/edit/",
        {"manual-date": "01/02/2567", "manual-claimed": "4", "manual-verified": "4", "manual-note": "แก้ไข"},
    )
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.data == {"claimed": 4}  # the posted "verified" is ignored; the old value withdrawn
    assert verified_points(world, "6.3") == 0
    withdrawn = AuditEntry.objects.get(action="pramern.verdict.withdrawn", item_code="6.3")
    assert withdrawn.data["before"]["verified"] == 3.5


def test_a_verified_value_without_a_verdict_counts_for_nothing(world):
    record(world.a, "6.3", "manual", "2024-02-01", claimed=4, verified=4)
    assert verified_points(world, "6.3") == 0


def test_import_is_refused_once_a_round_has_been_submitted(client, world, judged_and_returned):
    client.force_login(world.alice)
    exported = client.get(f"/a/{world.a.pk}/export.json").content
    assert client.get(f"/a/{world.a.pk}/import/").status_code == 403
    response = client.post(f"/a/{world.a.pk}/import/", {"file": SimpleUploadedFile("back.json", exported)})
    assert response.status_code == 403
    assert "ก่อนการส่งครั้งแรก" in response.content.decode()
    assert f'href="/a/{world.a.pk}/import/"' not in client.get(f"/a/{world.a.pk}/").content.decode()
    assert Verdict.objects.count() == 3 and Record.objects.filter(assessment=world.a).count() == 3


def test_an_imported_file_cannot_bring_verified_values(client, world):
    record(world.a, "6.3", "manual", "2024-02-01", claimed=3)
    client.force_login(world.alice)
    data = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content.decode())
    data["items"]["6.3"]["manual"][0]["verified"] = 4
    upload = SimpleUploadedFile("mine.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    assert import_and_confirm(client, world.a.pk, upload).status_code == 302
    assert Record.objects.get(item_code="6.3").data == {"claimed": 3}


def test_an_import_file_with_yaml_aliases_is_refused(client, world):
    client.force_login(world.alice)
    bomb = "\n".join(
        [
            "format: pramern-assessment/1",
            "framework: {code: oae-2567, version: 1}",
            "unit: {code: oae-bapp}",
            "a: &a [x, x, x, x, x, x, x, x, x, x]",
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
        ]
    )
    response = client.post(f"/a/{world.a.pk}/import/", {"file": SimpleUploadedFile("x.yaml", bomb.encode())})
    assert response.status_code == 400
    assert "YAML aliases (*a) are not accepted in this file, at line 5" in response.content.decode()


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ([{"url": ["https://a.example"]}], "evidence[0].url: expected text"),
        ([{"file": "a.pdf", "url": "https://a.example"}], "evidence[0]: expected a mapping with either file or url"),
        (["a.pdf"], "evidence[0]: expected a mapping with either file or url"),
        ([{"file": "a.pdf", "sha256": "abc"}], "evidence[0].sha256: expected 64 hexadecimal digits"),
        ([{"url": "https://a.example", "owner": "x"}], "evidence[0].owner: unknown field"),
        ([{"url": "https://a.example", "title": "ก" * 301}], "evidence[0].title: longer than 300 characters"),
        ({"file": "a.pdf"}, "evidence: expected a list"),
    ],
)
def test_evidence_references_in_an_import_are_checked(client, world, evidence, message):
    record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    data = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content.decode())
    data["items"]["1.2.2"]["followups"][0]["evidence"] = evidence
    upload = SimpleUploadedFile("x.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    response = client.post(f"/a/{world.a.pk}/import/", {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Evidence.objects.exists() and Record.objects.filter(assessment=world.a).count() == 1


def test_an_imported_link_is_not_dated_by_the_file(client, world):
    record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    data = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content.decode())
    data["items"]["1.2.2"]["followups"][0]["evidence"] = [{"url": "https://a.example/x", "checked": "2024-07-01"}]
    upload = SimpleUploadedFile("x.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    assert import_and_confirm(client, world.a.pk, upload).status_code == 302
    assert Evidence.objects.get().link_checked_on is None


def test_overrides_need_the_round_in_review(world, judged_and_returned):
    with pytest.raises(ReviewError, match="ไม่พบรอบนี้"):
        set_override(world.a, "ZZZ", "1.2.2", "1", reason="ทดสอบ", user=world.eve)
    with pytest.raises(ReviewError):  # R12 was returned to the unit
        set_override(world.a, "R12", "1.2.2", "1", reason="ทดสอบ", user=world.eve)
    transition(world.a, "R12", "resubmit", user=world.alice)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_override(world.a, "R12", "1.2.2", "1", reason="ทดสอบ", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)
    transition(world.a, "R12", "publish", user=world.eve)
    with pytest.raises(ReviewError):
        set_override(world.a, "R12", "1.2.2", "0", reason="หลังประกาศผล", user=world.eve)
    with pytest.raises(ReviewError):
        clear_override(world.a, "R12", "1.2.2", user=world.eve)
    assert Override.objects.get().points == 1


def test_verdicts_on_a_settled_round_are_refused(world):
    early = record(world.a, "1.2.2", "followups", "2024-01-15", presented_to_director=True)
    late = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    for action, user in (("submit", world.dan), ("start_review", world.eve)):
        transition(world.a, "R6", action, user=user)
    set_verdict(early, "accepted", user=world.eve)
    for action in ("verify", "publish"):
        transition(world.a, "R6", action, user=world.eve)
    for action, user in (("submit", world.dan), ("start_review", world.eve)):
        transition(world.a, "R12", action, user=user)
    with pytest.raises(ReviewError, match="ผลการตรวจรายการนี้จึงยุติแล้ว"):
        set_verdict(early, "rejected", reason="เปลี่ยนใจ", user=world.eve)
    set_verdict(late, "accepted", user=world.eve)
    assert verified_points(world, round_code="R6") == 1 and verified_points(world) == 2


def test_a_forged_round_or_item_on_the_review_page_is_404(client, world, judged_and_returned):
    client.force_login(world.eve)
    for url in (f"/review/a/{world.a.pk}/ZZZ/items/1.2.2/", f"/review/a/{world.a.pk}/R12/items/9.9/"):
        response = client.post(url, {"kind": "override", "points": "1", "reason": "x"})
        assert response.status_code == 404
    assert client.post(f"/review/a/{world.a.pk}/ZZZ/", {"action": "verify"}).status_code == 404
    assert not Override.objects.exists()


def test_verifying_the_next_round_does_not_wait_for_a_settled_rounds_records(world):
    early = record(world.a, "1.2.2", "followups", "2024-01-15", presented_to_director=True)
    late = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    for action, user in (("submit", world.dan), ("start_review", world.eve)):
        transition(world.a, "R6", action, user=user)
    transition(world.a, "R6", "verify", user=world.eve, unreviewed_confirmed=True)  # `early` left unjudged
    for action, user in (("submit", world.dan), ("start_review", world.eve)):
        transition(world.a, "R12", action, user=user)
    with pytest.raises(ReviewError, match="ยังไม่มีผลการตรวจ 1 รายการ"):  # `late` only: `early` is settled
        transition(world.a, "R12", "verify", user=world.eve)
    set_verdict(late, "accepted", user=world.eve)
    transition(world.a, "R12", "verify", user=world.eve)  # no confirmation needed
    assert not Verdict.objects.filter(record=early).exists()


def test_a_withdrawn_verdict_refreshes_the_stored_score_cards(
    world, judged_and_returned, django_capture_on_commit_callbacks
):
    from pramern.reports.models import ScoreCard
    from pramern.reports.scorecards import refresh

    first, _second, _manual = judged_and_returned
    refresh(world.a)
    assert Decimal(ScoreCard.objects.get(assessment=world.a, round_code="R12").verified_items["1.2.2"]["points"]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        add_link_evidence(world.a, "https://example.go.th/new", user=world.alice, records=[first])
    assert Decimal(ScoreCard.objects.get(assessment=world.a, round_code="R12").verified_items["1.2.2"]["points"]) == 1


def test_attaching_what_is_already_attached_changes_nothing(world, judged_and_returned):
    first, _second, _manual = judged_and_returned
    shared = add_file_evidence(world.a, SimpleUploadedFile("ร่วม.pdf", PDF), user=world.alice)
    Evidence.records.through.objects.create(evidence=shared, record=first)  # as if attached before the verdict
    entries = AuditEntry.objects.count()
    attach_evidence(shared, first, user=world.alice)
    assert Verdict.objects.filter(record=first).exists() and AuditEntry.objects.count() == entries


def test_deleting_a_judged_record_records_the_withdrawn_verdict(world, judged_and_returned):
    from pramern.assessments.services import delete_record

    first, _second, _manual = judged_and_returned
    delete_record(first, user=world.alice)
    entry = AuditEntry.objects.get(action="pramern.verdict.withdrawn")
    assert entry.data["change"] == "pramern.record.deleted" and entry.data["before"]["status"] == "accepted"
    assert verified_points(world) == 1


def test_the_service_never_takes_a_verified_value_from_the_unit(world, judged_and_returned):
    _first, _second, manual = judged_and_returned
    save_record(
        world.a, "6.3", "manual", date=manual.date, data={"claimed": 3, "verified": 4}, user=world.alice, record=manual
    )
    manual.refresh_from_db()
    assert manual.data == {"claimed": 3} and verified_points(world, "6.3") == 0


def test_the_queue_does_not_wait_for_a_settled_rounds_records(client, world):
    record(world.a, "1.2.2", "followups", "2024-01-15", presented_to_director=True)  # never judged
    for action, user in (("submit", world.dan), ("start_review", world.eve)):
        transition(world.a, "R6", action, user=user)
    transition(world.a, "R6", "verify", user=world.eve, unreviewed_confirmed=True)
    for action, user in (("submit", world.dan), ("start_review", world.eve)):
        transition(world.a, "R12", action, user=user)
    client.force_login(world.eve)
    page = client.get("/review/?round=R12&unreviewed=1").content.decode()
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" not in page  # nothing left that can still be judged
