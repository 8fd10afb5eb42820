"""The review item page at the speed of the Centre: a verdict saved inline (htmx) per record with
a confirmation, an error kept at its record with what was chosen and typed, the same without JS;
accepting the records left at once (per item, or every record with evidence in the round), one
audited verdict per record; progress bars of records with a verdict."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.assessments.models import Evidence
from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.review.models import Verdict
from pramern.review.services import accept_remaining, set_verdict, transition
from tests.factories import page_queries, person, record

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def in_review(world):
    """R12 of unit A in review, with three records of 1.2.2 and one of 6.1."""
    records = [
        record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True),
        record(world.a, "1.2.2", "followups", "2024-04-20", presented_to_director=True),
        record(world.a, "1.2.2", "followups", "2024-05-25", presented_to_director=False),
        record(world.a, "6.1", "flowcharts", "2024-03-15", section="s1", task="งานสารบรรณ"),
    ]
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    return records


def item_url(world, code="1.2.2"):
    return f"/review/a/{world.a.pk}/R12/items/{code}/"


def accept_url(world, round_code="R12"):
    return f"/review/a/{world.a.pk}/{round_code}/accept/"


def record_part(html, pk):
    """The record's own card in a page."""
    found = re.search(rf'<article class="record review-record[^"]*" id="record-{pk}".*?</article>', html, re.S)
    assert found, f"record {pk} not on the page"
    return found.group(0)


def with_evidence(world, *records):
    link = Evidence.objects.create(
        assessment=world.a, kind=Evidence.Kind.LINK, url="https://example.go.th/x", uploaded_by=world.alice
    )
    link.records.add(*records)


# --------------------------------------------------------------------------- inline verdicts


def test_an_inline_verdict_answers_with_the_record_saved_and_the_scores_updated(client, world, in_review):
    first = in_review[0]
    client.force_login(world.eve)
    response = client.post(item_url(world), {"kind": "verdict", "record": first.pk, "status": "accepted"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith(
        f'<article class="record review-record" id="record-{first.pk}"'
    )
    saved = re.search(
        rf'<span class="verdict-saved" role="status" aria-live="polite" id="record-{first.pk}-saved">(.*?)</span>', html
    )
    assert saved and saved.group(1) == "✓ บันทึกแล้ว"
    assert f'id="record-{first.pk}-accepted" checked' in html
    # the item's scores and progress come along, swapped out of band
    assert '<div id="item-scores" hx-swap-oob="true">' in html
    assert '<div class="big" id="review-progress">1 / 3</div>' in html
    assert '<div class="big" id="verified-points">1</div>' in html
    assert Verdict.objects.get(record=first).status == "accepted"


def test_rejecting_inline_without_a_reason_shows_the_error_at_the_record_and_keeps_the_choice(client, world, in_review):
    second = in_review[1]
    client.force_login(world.eve)
    posted = {"kind": "verdict", "record": second.pk, "status": "rejected", "reason": "  \n "}
    response = client.post(item_url(world), posted, **HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    html = response.content.decode()
    assert f'id="record-{second.pk}-error">กรุณาระบุเหตุผลที่ไม่รับรองหรือให้แก้ไข</div>' in html
    assert f'id="record-{second.pk}-rejected" checked' in html
    assert f'id="record-{second.pk}-accepted" checked' not in html
    assert "บันทึกแล้ว" not in html
    assert not Verdict.objects.exists()


def test_a_reason_typed_without_a_verdict_is_kept_with_the_error(client, world, in_review):
    second = in_review[1]
    client.force_login(world.eve)
    posted = {"kind": "verdict", "record": second.pk, "status": "", "reason": "ภาพถ่ายไม่ชัด\nขอฉบับสแกน"}
    html = client.post(item_url(world), posted, **HTMX).content.decode()
    assert "เลือกผลการตรวจ: รับรอง ไม่รับรอง หรือให้แก้ไข" in html
    assert (
        f'id="record-{second.pk}-reason" aria-invalid="true" aria-describedby="record-{second.pk}-error">ภาพถ่ายไม่ชัด\nขอฉบับสแกน</textarea>'
        in html
    )
    assert not Verdict.objects.exists()


def test_without_js_a_verdict_posts_and_comes_back_to_the_record_saying_saved(client, world, in_review):
    second = in_review[1]
    client.force_login(world.eve)
    posted = {"kind": "verdict", "record": second.pk, "status": "rejected", "reason": "ไม่มีบันทึกเสนอ\nผอ. ลงนาม"}
    response = client.post(item_url(world), posted)
    assert response.status_code == 302
    assert response["Location"] == f"{item_url(world)}?saved={second.pk}#record-{second.pk}"
    html = client.get(response["Location"]).content.decode()
    card = record_part(html, second.pk)
    assert "✓ บันทึกแล้ว" in card and "✓ บันทึกแล้ว" not in record_part(html, in_review[0].pk)
    # a multi-line reason keeps its lines (white-space: pre-line), in the textarea and as shown
    assert '<div class="reason-text">ไม่มีบันทึกเสนอ\nผอ. ลงนาม</div>' in card
    assert f'id="record-{second.pk}-reason">ไม่มีบันทึกเสนอ\nผอ. ลงนาม</textarea>' in card
    assert Verdict.objects.get(record=second).reason == "ไม่มีบันทึกเสนอ\nผอ. ลงนาม"


def test_without_js_an_error_is_shown_at_the_record_with_the_choice_kept(client, world, in_review):
    second = in_review[1]
    client.force_login(world.eve)
    response = client.post(item_url(world), {"kind": "verdict", "record": second.pk, "status": "needs_revision"})
    assert response.status_code == 400
    html = response.content.decode()
    card = record_part(html, second.pk)
    assert "กรุณาระบุเหตุผลที่ไม่รับรองหรือให้แก้ไข" in card
    assert f'id="record-{second.pk}-needs_revision" checked' in card
    assert f'<a href="#record-{second.pk}">' in html  # the banner at the top leads to it
    assert "กรุณาระบุเหตุผล" not in record_part(html, in_review[0].pk)


def test_each_record_is_a_card_of_real_form_controls(client, world, in_review):
    client.force_login(world.eve)
    html = client.get(item_url(world)).content.decode()
    for rec in in_review[:3]:
        card = record_part(html, rec.pk)
        assert card.count('type="radio" name="status"') == 3
        assert f'<textarea name="reason" rows="2" id="record-{rec.pk}-reason">' in card
        assert f'<button type="submit" id="record-{rec.pk}-save">บันทึกผลการตรวจ</button>' in card
        assert f'hx-post="{item_url(world)}" hx-target="#record-{rec.pk}" hx-swap="outerHTML"' in card


def test_an_inline_verdict_on_another_items_record_is_not_found(client, world, in_review):
    client.force_login(world.eve)
    flowchart = in_review[3]
    posted = {"kind": "verdict", "record": flowchart.pk, "status": "accepted"}
    assert client.post(item_url(world), posted, **HTMX).status_code == 404
    assert not Verdict.objects.exists()


def test_an_anonymous_inline_verdict_goes_to_log_in(client, world, in_review):
    posted = {"kind": "verdict", "record": in_review[0].pk, "status": "accepted"}
    assert client.post(item_url(world), posted, **HTMX)["Location"].startswith("/login/")
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "xena"])
def test_units_and_executives_cannot_post_an_inline_verdict(client, world, in_review, persona):
    client.force_login(getattr(world, persona))
    posted = {"kind": "verdict", "record": in_review[0].pk, "status": "accepted"}
    assert client.post(item_url(world), posted, **HTMX).status_code == 403
    assert not Verdict.objects.exists()


# --------------------------------------------------------------------------- bulk acceptance


def test_accepting_the_rest_of_an_item_gives_one_audited_verdict_per_record_left(client, world, in_review):
    first, second, third, _flowchart = in_review
    set_verdict(second, "rejected", reason="ไม่ได้เสนอ ผอ.", user=world.eve)
    client.force_login(world.eve)
    assert "รับรอง 2 รายการที่เหลือของข้อนี้" in client.get(item_url(world)).content.decode()
    response = client.post(accept_url(world), {"scope": "item", "item": "1.2.2"}, follow=True)
    assert response.redirect_chain == [(item_url(world), 302)]
    assert "รับรองแล้ว 2 รายการ" in response.content.decode()
    assert dict(Verdict.objects.values_list("record_id", "status")) == {
        first.pk: "accepted",
        second.pk: "rejected",  # already judged: kept
        third.pk: "accepted",
    }
    bulk = AuditEntry.objects.filter(action="pramern.verdict.given", data__bulk="item")
    assert sorted(int(e.object_id) for e in bulk) == sorted([first.pk, third.pk])
    assert all(e.actor == world.eve and e.data["before"] is None for e in bulk)
    again = client.post(accept_url(world), {"scope": "item", "item": "1.2.2"}, follow=True)
    assert "ไม่มีรายการที่รอการรับรอง จึงไม่มีการเปลี่ยนแปลง" in again.content.decode()


def test_accepting_every_record_with_evidence_in_the_round(client, world, in_review):
    first, second, _third, flowchart = in_review
    with_evidence(world, first, flowchart, second)
    set_verdict(second, "needs_revision", reason="ขอฉบับลงนาม", user=world.eve)
    client.force_login(world.eve)
    unit_url = f"/review/a/{world.a.pk}/R12/"
    assert "รับรองทุกรายการที่มีหลักฐานในรอบนี้" in client.get(unit_url).content.decode()
    response = client.post(accept_url(world), {"scope": "with_evidence"}, follow=True)
    assert response.redirect_chain == [(unit_url, 302)]
    assert "รับรองแล้ว 2 รายการ" in response.content.decode()
    assert dict(Verdict.objects.values_list("record_id", "status")) == {
        first.pk: "accepted",
        flowchart.pk: "accepted",
        second.pk: "needs_revision",
    }  # the third has no evidence: it waits
    assert AuditEntry.objects.filter(action="pramern.verdict.given", data__bulk="with_evidence").count() == 2


def test_bulk_acceptance_leaves_records_of_a_later_round_and_judgements(world):
    early = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    later = record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    judgement = record(world.a, "6.3", "manual", "2024-02-01", claimed=4)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    assert accept_remaining(world.a, "R6", scope="item", item_code="6.3", user=world.eve) == 0
    assert accept_remaining(world.a, "R6", scope="item", item_code="1.2.2", user=world.eve) == 1
    assert list(Verdict.objects.values_list("record_id", flat=True)) == [early.pk]
    assert not Verdict.objects.filter(record__in=[later, judgement]).exists()


def test_bulk_acceptance_is_refused_outside_a_review_and_to_the_units_own_people(client, world, in_review):
    transition(world.a, "R12", "return", reason="แก้ไข", user=world.eve)
    client.force_login(world.eve)
    response = client.post(accept_url(world), {"scope": "item", "item": "1.2.2"}, follow=True)
    assert "รับรองรายการได้เฉพาะเมื่อรอบนี้อยู่ระหว่างตรวจ" in response.content.decode()
    member = person("carol", "evaluator")
    Role.objects.create(user=member, kind=Role.Kind.OFFICER, unit=world.unit_a)
    client.force_login(member)
    client.post(accept_url(world), {"scope": "with_evidence"})
    assert not Verdict.objects.exists()
    assert AuditEntry.objects.filter(action="pramern.review.conflict_refused", data__step="verdict.bulk").exists()


def test_the_bulk_endpoint_checks_who_asks(client, world, in_review):
    posted = {"scope": "item", "item": "1.2.2"}
    assert client.post(accept_url(world), posted)["Location"].startswith("/login/")
    for persona in ("alice", "dan", "bob", "xena"):
        client.force_login(getattr(world, persona))
        assert client.post(accept_url(world), posted).status_code == 403, persona
    client.force_login(world.eve)
    assert client.get(accept_url(world)).status_code == 405
    assert client.post(accept_url(world, "R99"), posted).status_code == 404
    assert client.post(accept_url(world), {"scope": "everything"}).status_code == 302
    assert not Verdict.objects.exists()
    assert client.post(accept_url(world), posted).status_code == 302
    assert Verdict.objects.count() == 3


# --------------------------------------------------------------------------- progress


def test_progress_bars_count_records_with_a_verdict(client, world, in_review):
    first, second, _third, _flowchart = in_review
    set_verdict(first, "accepted", user=world.eve)
    set_verdict(second, "rejected", reason="ไม่ครบ", user=world.eve)
    client.force_login(world.eve)
    item_page = client.get(item_url(world)).content.decode()
    assert '<div class="big" id="review-progress">2 / 3</div>' in item_page
    assert '<progress class="review-progress" value="2" max="3"' in item_page
    unit_page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    assert '<progress value="2" max="3" aria-label="รายการที่ตรวจแล้ว 1.2.2">' in unit_page
    assert '<progress value="0" max="1" aria-label="รายการที่ตรวจแล้ว 6.1">' in unit_page


def test_the_inline_verdict_reads_a_bounded_number_of_queries(client, world, in_review):
    client.force_login(world.eve)

    def post_count(rec):
        with CaptureQueriesContext(connection) as captured:
            posted = {"kind": "verdict", "record": rec.pk, "status": "accepted"}
            assert client.post(item_url(world), posted, **HTMX).status_code == 200
        return len(captured)

    page_queries(client, item_url(world))  # warm the compiled-framework cache
    first = post_count(in_review[0])
    for day in range(1, 11):
        record(world.a, "1.2.2", "followups", f"2024-06-{day:02d}", presented_to_director=True)
    assert post_count(in_review[1]) == first
