"""What changed since the return: once a round was returned and resubmitted, the review pages
list per item the records added, changed (field by field, old → new, Thai dates) and removed
since the return, and the verdicts those changes withdrew; read from the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.assessments.services import add_link_evidence, delete_record, save_record
from pramern.assessments.workspace import load_workspace
from pramern.review.changes import EvidenceChange, FieldChange, changes_since_return
from pramern.review.services import set_verdict, transition
from tests.factories import cold_page_queries, page_queries, record


def edit(world, rec, **changes):
    """The unit's officer saves the record with these changes (date, title, note or fields)."""
    data = {**rec.data, **changes.pop("data", {})}
    return save_record(
        world.a,
        rec.item_code,
        rec.fact,
        date=changes.get("date", rec.date),
        data=data,
        title=changes.get("title", rec.title),
        note=changes.get("note", rec.note),
        user=world.alice,
        record=rec,
    )


def add(world, item, fact, day, **data):
    return save_record(world.a, item, fact, date=dt.date.fromisoformat(day), data=data, user=world.alice)


@pytest.fixture
def resubmitted(world):
    """R6 of unit A: submitted, reviewed (one record rejected, two accepted), returned; the unit
    then adds, edits and deletes records and adds evidence, and resubmits."""
    rejected = add(world, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    accepted = add(world, "1.2.2", "followups", "2024-01-15", presented_to_director=True)
    doomed = add(world, "1.2.2", "followups", "2023-12-01", presented_to_director=True)
    flowchart = add(world, "6.1", "flowcharts", "2024-01-20", section="s1", task="งานสารบรรณ")
    later = add(world, "1.2.2", "followups", "2024-05-20", presented_to_director=False)  # an R12 record
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(rejected, "rejected", reason="ไม่ได้เสนอ ผอ.", user=world.eve)
    set_verdict(accepted, "accepted", user=world.eve)
    set_verdict(flowchart, "accepted", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไขการติดตามครั้งที่ 1", user=world.eve)

    edit(
        world,
        rejected,
        date=dt.date(2024, 2, 12),
        title="ติดตามครั้งที่ 1",
        data={"presented_to_director": True},
    )
    added = add(world, "1.2.2", "followups", "2024-02-20", presented_to_director=True)
    delete_record(doomed, user=world.alice)
    add_link_evidence(world.a, "https://oae.go.th/memo", title="บันทึกเสนอ ผอ.", records=[accepted], user=world.alice)
    edit(world, later, data={"presented_to_director": True})  # after R6's cut-off: not R6's change
    transition(world.a, "R6", "resubmit", user=world.alice)
    return {"rejected": rejected, "accepted": accepted, "doomed": doomed, "added": added, "flowchart": flowchart}


def read(world, round_code="R6", item_code=""):
    ws = load_workspace(world.a)
    sections = {s.code: s.name_th for s in ws.sections}
    return changes_since_return(
        world.a.pk, round_code, ws.framework, ws.records, sections=sections, item_code=item_code
    )


def test_the_changes_since_the_return_are_listed_exactly(world, resubmitted):
    found = read(world)
    assert found.reason == "แก้ไขการติดตามครั้งที่ 1" and found.resubmitted_at is not None
    assert list(found.items) == ["1.2.2"]  # 6.1 untouched
    changes = found.items["1.2.2"]
    assert [(c.record_id, c.fields) for c in changes.added] == [
        (resubmitted["added"].pk, [FieldChange("วันที่", "", "20 ก.พ. 2567"), FieldChange("เสนอ ผอ. ทราบ", "", "ใช่")])
    ]
    assert [(c.record_id, c.date, c.title, c.fields, c.evidence) for c in changes.changed] == [
        (resubmitted["accepted"].pk, dt.date(2024, 1, 15), "", [], [EvidenceChange(True, "บันทึกเสนอ ผอ.")]),
        (
            resubmitted["rejected"].pk,
            dt.date(2024, 2, 12),
            "ติดตามครั้งที่ 1",
            [
                FieldChange("วันที่", "10 ก.พ. 2567", "12 ก.พ. 2567"),
                FieldChange("ชื่อเรื่อง", "", "ติดตามครั้งที่ 1"),
                FieldChange("เสนอ ผอ. ทราบ", "ไม่ใช่", "ใช่"),
            ],
            [],
        ),
    ]
    assert [(c.record_id, c.date, c.fields) for c in changes.removed] == [
        (
            resubmitted["doomed"].pk,
            dt.date(2023, 12, 1),
            [FieldChange("วันที่", "1 ธ.ค. 2566", ""), FieldChange("เสนอ ผอ. ทราบ", "ใช่", "")],
        )
    ]
    assert [(w.record_id, w.status, w.reason, w.cause) for w in changes.withdrawn] == [
        (resubmitted["rejected"].pk, "ไม่รับรอง", "ไม่ได้เสนอ ผอ.", "แก้ไขรายการ"),
        (resubmitted["accepted"].pk, "รับรอง", "", "เพิ่มหลักฐาน"),
    ]
    assert read(world, item_code="6.1").items == {}


def test_the_item_review_page_shows_them(client, world, resubmitted):
    transition(world.a, "R6", "start_review", user=world.eve)
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R6/items/1.2.2/").content.decode()
    section = page[
        page.index('id="changes-since-return"') : page.index("</section>", page.index('id="changes-since-return"'))
    ]
    assert "สิ่งที่เปลี่ยนไปหลังส่งกลับให้แก้ไข" in section
    assert "แก้ไขการติดตามครั้งที่ 1" in section
    assert "วันที่: <del>10 ก.พ. 2567</del> → <ins>12 ก.พ. 2567</ins>" in section
    assert "เสนอ ผอ. ทราบ: <del>ไม่ใช่</del> → <ins>ใช่</ins>" in section
    assert "เพิ่มหลักฐาน: <ins>บันทึกเสนอ ผอ.</ins>" in section
    assert f'<li class="change change-removed" data-record="{resubmitted["doomed"].pk}">' in section
    assert f'<li class="change change-added" data-record="{resubmitted["added"].pk}">' in section
    assert section.count('class="change change-withdrawn"') == 2
    assert "ไม่ได้เสนอ ผอ." in section
    other = client.get(f"/review/a/{world.a.pk}/R6/items/6.1/").content.decode()
    assert "หน่วยงานไม่ได้เปลี่ยนแปลงข้อนี้หลังการส่งกลับ" in other


def test_the_unit_round_page_sums_them_up_per_item(client, world, resubmitted):
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R6/").content.decode()
    row = page[page.index('<tr data-item="1.2.2">') : page.index("</tr>", page.index('<tr data-item="1.2.2">'))]
    counts = [cell.split(">")[1].split("<")[0] for cell in row.split('<td class="num"')[1:]]
    assert counts == ["1", "2", "1", "2"]  # added, changed, removed, verdicts withdrawn
    assert 'data-item="6.1"' not in page
    assert f'href="/review/a/{world.a.pk}/R6/items/1.2.2/#changes-since-return"' in row


def test_a_record_changed_back_or_added_and_removed_again_is_not_a_change(world):
    kept = add(world, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    transition(world.a, "R6", "return", reason="ตรวจอีกครั้ง", user=world.eve)
    kept = edit(world, kept, data={"presented_to_director": True})
    edit(world, kept, data={"presented_to_director": False})
    passing = add(world, "1.2.2", "followups", "2024-02-11", presented_to_director=True)
    delete_record(passing, user=world.alice)
    found = read(world)
    assert found.items == {} and found.resubmitted_at is None  # not resubmitted yet: so far


def test_only_the_latest_return_counts(world):
    rec = add(world, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    transition(world.a, "R6", "return", reason="ครั้งแรก", user=world.eve)
    rec = edit(world, rec, title="แก้ครั้งแรก")
    transition(world.a, "R6", "resubmit", user=world.alice)
    transition(world.a, "R6", "start_review", user=world.eve)
    transition(world.a, "R6", "return", reason="ครั้งที่สอง", user=world.eve)
    edit(world, rec, note="เพิ่มหมายเหตุ")
    found = read(world)
    assert found.reason == "ครั้งที่สอง"
    assert [c.fields for c in found.items["1.2.2"].changed] == [[FieldChange("หมายเหตุ", "", "เพิ่มหมายเหตุ")]]


def test_a_round_never_returned_shows_no_changes(client, world):
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    transition(world.a, "R12", "submit", user=world.dan)
    assert read(world, "R12") is None
    client.force_login(world.eve)
    for url in (f"/review/a/{world.a.pk}/R12/", f"/review/a/{world.a.pk}/R12/items/1.2.2/"):
        assert 'id="changes-since-return"' not in client.get(url).content.decode()


def test_the_changes_cost_two_queries_whatever_was_changed(client, world, resubmitted):
    client.force_login(world.eve)
    pages = [f"/review/a/{world.a.pk}/R6/", f"/review/a/{world.a.pk}/R6/items/1.2.2/"]
    for url in pages:
        page_queries(client, url)
    before = [cold_page_queries(client, url) for url in pages]
    transition(world.a, "R6", "start_review", user=world.eve)
    transition(world.a, "R6", "return", reason="อีกครั้ง", user=world.eve)
    for day in range(1, 11):
        added = add(world, "1.2.2", "followups", f"2024-01-{day:02d}", presented_to_director=True)
        edit(world, added, title=f"ครั้งที่ {day}")
    transition(world.a, "R6", "resubmit", user=world.alice)
    assert [cold_page_queries(client, url) for url in pages] == before
    # the round page: 15 as before (tests/review/test_queries.py, with the bell's count and the
    # assigned evaluator) + 16 the return and resubmission entries + 17 the entries since the
    # return; the item page: 16 + 2
    assert before == [17, 18]
