"""Records per fact are capped by the framework (max_records_per_fact, 500 for FY2567) and long
lists are paginated on the item pages (security review, issue 8, finding 15)."""

from __future__ import annotations

import datetime as dt

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.assessments.models import Record
from pramern.reports import caching


def many(world, n, item="1.2.2", fact="followups", **data):
    Record.objects.bulk_create(
        Record(assessment=world.a, item_code=item, fact=fact, date=dt.date(2023, 11, 1), title=f"ครั้งที่ {i}", data=data)
        for i in range(1, n + 1)
    )


def test_the_workspace_refuses_a_record_beyond_the_frameworks_limit(client, world):
    many(world, 500)
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/items/1.2.2/records/followups/new/",
        {"followups-date": "15/03/2567", "followups-title": "ครั้งที่ 501"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "ตัวชี้วัดนี้มีบันทึกประเภทนี้ 500 รายการแล้ว ซึ่งเป็นจำนวนสูงสุดที่เกณฑ์กำหนด (500)" in page
    assert 'value="ครั้งที่ 501"' in page
    assert Record.objects.count() == 500
    other = client.post(f"/a/{world.a.pk}/items/1.3.2/records/followups/new/", {"followups-date": "15/03/2567"})
    assert other.status_code == 302  # the limit is per fact of an item


def test_an_import_beyond_the_limit_is_refused_as_a_validation_problem(client, world):
    document = {
        "format": "pramern-assessment/1",
        "framework": {"code": "oae-2567", "version": "1"},
        "unit": {"code": world.unit_a.code, "name_th": world.unit_a.name_th},
        "staff_count": 40,
        "items": {"1.2.2": {"followups": [{"date": "2023-11-20"} for _ in range(501)]}},
    }
    client.force_login(world.alice)
    upload = SimpleUploadedFile("many.yaml", yaml.safe_dump(document).encode())
    response = client.post(f"/a/{world.a.pk}/import/", {"file": upload})
    assert response.status_code == 400
    assert "item 1.2.2: followups: 501 records, more than the 500 a fact may hold" in response.content.decode()
    assert not Record.objects.exists()


def get(client, url):
    caching.clear()  # the queries of the page computed, not of its cached workspace
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_long_record_lists_are_paginated_on_the_workspace_item_page(client, world, settings):
    settings.RECORDS_PER_PAGE = 5
    many(world, 12, presented_to_director=True)
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/items/1.2.2/"
    first, queries = get(client, url)
    assert first.count('class="record"') == 5
    assert "บันทึกที่ 1–5 จากทั้งหมด 12 รายการ" in first
    assert 'href="?page-followups=2#fact-followups"' in first
    last, last_queries = get(client, url + "?page-followups=3")
    assert last.count('class="record"') == 2
    assert "ครั้งที่ 12" in last and "ครั้งที่ 5<" not in last
    assert last_queries == queries
    many(world, 60, presented_to_director=True)
    bigger, more_queries = get(client, url)
    assert more_queries == queries
    assert bigger.count('class="record"') == 5
    assert len(bigger) < len(first) + 200


def test_long_record_lists_are_paginated_on_the_review_item_page(client, world, settings):
    settings.RECORDS_PER_PAGE = 5
    many(world, 12, presented_to_director=True)
    client.force_login(world.eve)
    url = f"/review/a/{world.a.pk}/R12/items/1.2.2/"
    first, queries = get(client, url)
    assert first.count('class="record review-record"') == 5
    assert "บันทึกที่ 1–5 จากทั้งหมด 12 รายการ" in first
    last, last_queries = get(client, url + "?page=3")
    assert last.count('class="record review-record"') == 2
    assert last_queries == queries
    _page, garbage_queries = get(client, url + "?page=abc")  # not a page number: the first page
    assert garbage_queries == queries


def test_records_stored_beyond_the_limit_are_named_and_the_page_stays_small(client, world, settings):
    many(world, 501, presented_to_director=True)
    client.force_login(world.alice)
    page, _queries = get(client, f"/a/{world.a.pk}/items/1.2.2/")
    assert "item 1.2.2: followups: 501 records, more than the 500 a fact may hold" in page
    assert page.count('class="record"') == 50
