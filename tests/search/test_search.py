"""Search: Thai that works (whole and partial words, either form of sara am), on SQLite and on
PostgreSQL (trigrams), within what each person may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from pramern.assessments.models import Evidence, Record
from pramern.organizations.permissions import access_for
from pramern.review.models import Comment
from pramern.search.finder import search
from pramern.search.text import normalise, variants
from tests.factories import page_queries


@pytest.fixture
def found(world):
    """Unit A's record, evidence and comment, and unit B's, with words in common."""
    a_record = Record.objects.create(
        assessment=world.a,
        item_code="1.2.2",
        fact="followups",
        date=dt.date(2024, 3, 1),
        title="จัดทำแผนปฏิบัติงานประจำปีของสำนัก",
        note="ประชุมคณะกรรมการบริหารครั้งที่ 2",
    )
    Evidence.objects.create(
        assessment=world.a,
        kind="link",
        url="https://oae.go.th/plan",
        title="แผนปฏิบัติงานฉบับอนุมัติ",
        uploaded_by=world.alice,
    )
    Comment.objects.create(assessment=world.a, item_code="1.2.2", author=world.eve, body="โปรดแนบแผนปฏิบัติงานที่ลงนามแล้ว")
    Record.objects.create(
        assessment=world.b, item_code="1.2.2", fact="followups", date=dt.date(2024, 3, 1), title="แผนปฏิบัติงานของศูนย์"
    )
    Evidence.objects.create(
        assessment=world.b, kind="link", url="https://oae.go.th/b", title="แผนปฏิบัติงานศูนย์", uploaded_by=world.bob
    )
    Comment.objects.create(assessment=world.b, item_code="1.2.2", author=world.eve, body="แผนปฏิบัติงานของศูนย์ขาดลายเซ็น")
    return a_record


def _titles(results):
    return {
        "records": [r.title for r in results.records],
        "evidence": [e.title for e in results.evidence],
        "comments": [c.body for c in results.comments],
    }


def test_a_thai_query_finds_a_thai_record_by_a_part_of_a_word(world, found):
    results = search("ปฏิบัติงาน", access_for(world.alice))
    assert _titles(results) == {
        "records": ["จัดทำแผนปฏิบัติงานประจำปีของสำนัก"],
        "evidence": ["แผนปฏิบัติงานฉบับอนุมัติ"],
        "comments": ["โปรดแนบแผนปฏิบัติงานที่ลงนามแล้ว"],
    }


def test_a_record_is_found_by_its_note_and_by_every_word_of_the_query(world, found):
    assert [r.pk for r in search("คณะกรรมการ ครั้งที่", access_for(world.alice)).records] == [found.pk]
    assert search("คณะกรรมการ ไม่มีคำนี้เลย", access_for(world.alice)).records == []


def test_another_units_records_evidence_and_comments_never_appear(world, found):
    bobs = _titles(search("แผนปฏิบัติงาน", access_for(world.bob)))
    assert bobs == {
        "records": ["แผนปฏิบัติงานของศูนย์"],
        "evidence": ["แผนปฏิบัติงานศูนย์"],
        "comments": ["แผนปฏิบัติงานของศูนย์ขาดลายเซ็น"],
    }
    assert [u.code for u in search("สำนักวิจัย", access_for(world.bob)).units] == []


def test_the_centre_finds_every_units(world, found):
    evas = _titles(search("แผนปฏิบัติงาน", access_for(world.eve)))
    assert sorted(evas["records"]) == ["จัดทำแผนปฏิบัติงานประจำปีของสำนัก", "แผนปฏิบัติงานของศูนย์"]
    assert len(evas["evidence"]) == len(evas["comments"]) == 2
    assert [u.code for u in search("สำนักวิจัย", access_for(world.eve)).units] == ["oae-bapp"]


def test_items_are_found_by_title_and_code(world):
    results = search("1.2.2", access_for(world.bob))
    assert [i.code for i in results.items] == ["1.2.2"]
    titled = search(results.items[0].title_th[2:12], access_for(world.bob))
    assert "1.2.2" in [i.code for i in titled.items]


def test_sara_am_typed_either_way_finds_the_same_record(world):
    Record.objects.create(
        assessment=world.a, item_code="1.2.2", fact="followups", date=dt.date(2024, 3, 1), title="การจัดท\u0e4d\u0e32แผน"
    )
    assert [r.title for r in search("จัดทำแผน", access_for(world.alice)).records] == ["การจัดท\u0e4d\u0e32แผน"]


def test_queries_are_normalised():
    assert normalise("  จัดท\u0e4d\u0e32\u200bแผน \n งาน ") == "จัดทำแผน งาน"
    assert normalise("ก\u0e48\u0e34") == "ก\u0e34\u0e48"  # tone mark after the upper vowel
    assert variants("ทำ") == ["ทำ", "ท\u0e4d\u0e32"]


def test_a_one_character_query_asks_for_more(client, world):
    client.force_login(world.alice)
    assert "พิมพ์อย่างน้อย 2 ตัวอักษร" in client.get("/search/?q=ก").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's (pg_trgm)")
def test_on_postgresql_a_misspelt_word_is_found_by_trigrams(world, found):
    assert connection.vendor == "postgresql"
    results = search("ปฏิบัติงานประจำปีของสำนัด", access_for(world.alice))  # the last letter mistyped
    assert [r.pk for r in results.records] == [found.pk]


def test_the_page_finds_and_links_the_record(client, world, found):
    client.force_login(world.alice)
    page = client.get("/search/", {"q": "ปฏิบัติงาน"}).content.decode()
    assert "จัดทำแผนปฏิบัติงานประจำปีของสำนัก" in page
    assert f'href="/a/{world.a.pk}/items/1.2.2/"' in page
    assert f'href="/a/{world.a.pk}/items/1.2.2/#comments"' in page
    assert "แผนปฏิบัติงานของศูนย์" not in page


def test_anonymous_people_are_sent_to_log_in(client, world):
    response = client.get("/search/?q=แผน")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_search_takes_a_fixed_number_of_queries(client, world, found):
    client.force_login(world.eve)
    few = page_queries(client, "/search/?q=แผนปฏิบัติงาน")
    for n in range(10):
        Record.objects.create(
            assessment=world.b, item_code="1.2.2", fact="followups", date=dt.date(2024, 3, 1), title=f"แผนปฏิบัติงาน {n}"
        )
    # session, user, roles; units, items, records, evidence, comments (each with what it shows);
    # the bell's unread count (the header)
    assert page_queries(client, "/search/?q=แผนปฏิบัติงาน") == few == 9
