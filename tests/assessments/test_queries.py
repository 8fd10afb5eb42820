"""The home and item pages read the database a fixed number of times, however much is recorded;
a record saved with its files and links takes the writer's lock once."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.assessments.services import NewLink, add_file_evidence, add_link_evidence, save_record_with_evidence
from tests.assessments.test_evidence import PDF_BYTES, PNG_BYTES
from tests.factories import cold_page_queries, page_queries, record


def grow(world, n):
    for i in range(n):
        rec = record(world.a, "1.2.2", "followups", f"2024-03-{i % 28 + 1:02d}", presented_to_director=True)
        record(world.a, "6.1", "flowcharts", "2024-03-02", section=f"s{i % 3 + 1}", task=f"งาน {i}")
        record(world.a, "7.6", "activities", "2024-04-01", director_took_part=True)
        add_link_evidence(world.a, f"https://example.go.th/{i}", user=world.alice, records=[rec])
        add_file_evidence(world.a, SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n%%EOF"), user=world.alice, records=[rec])


def test_the_home_page_query_count_does_not_grow(client, world):
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/"
    page_queries(client, url)  # warm the compiled-framework cache
    empty = cold_page_queries(client, url)
    grow(world, 15)
    assert cold_page_queries(client, url) == empty
    # 1 session, 2 user, 3 roles, 4 assessment+unit+framework (with its revision, the cache key),
    # 5 records, 6 sections, 7 evidence counts per item, 8 verdicts, 9 overrides, 10 unit rounds,
    # 11 deadline extensions, 12 round schedules, 13 the unit's people (who submits, whom items are
    # given to), 14 the item assignments with their assignees, 15 evidence supporting no record
    # (shown to the unit's people), 16 the bell's unread count (the header)
    assert empty == 16


def test_the_item_page_query_count_does_not_grow(client, world):
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/items/1.2.2/"
    record(world.a, "1.2.2", "followups", "2024-03-01")  # with none, the evidence query is skipped
    page_queries(client, url)
    empty = cold_page_queries(client, url)
    grow(world, 15)
    assert cold_page_queries(client, url) == empty
    # the home page's first thirteen, then 14 evidence of the item's records, 15 all evidence (to
    # attach), 16 the item's history, 17 the item's comments, 18 its assignment, 19 the unit's
    # people (whom the item can be given to), 20 the bell's unread count (the header)
    assert empty == 20


def test_a_record_with_three_files_and_two_links_takes_the_lock_once(world):
    files = [SimpleUploadedFile(n, b) for n, b in (("a.pdf", PDF_BYTES), ("b.png", PNG_BYTES), ("c.pdf", PDF_BYTES))]
    links = [NewLink("https://example.go.th/1", "หนึ่ง"), NewLink("https://example.go.th/2")]
    record(world.a, "1.2.2", "followups", "2024-03-01")  # the compiled framework and sections are warm
    with CaptureQueriesContext(connection) as queries:
        save_record_with_evidence(
            world.a,
            "1.2.2",
            "followups",
            date=dt.date(2024, 3, 15),
            data={},
            files=files,
            links=links,
            user=world.alice,
        )
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "assessments_unitround"' in q for q in sql) == 1  # the round locks, read once
    # 1 savepoint, 2-5 the writer's lock (assessment row, round schedules, unit rounds, deadline
    # extensions), 6 save_record's savepoint, 7 the fact's other records, 8 sections (the fact's
    # rules), 9-11 the record inserted in its own savepoint, 12 its audit entry, 13 release,
    # 14-18 the five evidence rows, 19 their links to the record (one insert), 20-29 an audit
    # entry each with the records it supports, 30 the verdicts to withdraw (once), 31 release;
    # and 32-37 the assessment's new revision after the record and after each evidence row (the
    # cached pages' key, reports/caching.py: an UPDATE of the row the writer has locked)
    assert sum(q.startswith('UPDATE "assessments_assessment" SET "revision"') for q in sql) == 6
    assert len(sql) == 37
