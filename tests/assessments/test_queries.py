"""The home and item pages read the database a fixed number of times, however much is recorded."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.services import add_file_evidence, add_link_evidence
from tests.factories import page_queries, record


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
    empty = page_queries(client, url)
    grow(world, 15)
    assert page_queries(client, url) == empty
    # 1 session, 2 user, 3 roles, 4 assessment+unit+framework, 5 records, 6 sections,
    # 7 unit rounds, 8 round schedules, 9 deadline extensions, 10 evidence counts per item,
    # 11 verdicts, 12 overrides, 13 the unit's people (who submits, whom items are given to),
    # 14 the item assignments with their assignees, 15 evidence supporting no record (shown to
    # the unit's people), 16 the bell's unread count (the header)
    assert empty == 16


def test_the_item_page_query_count_does_not_grow(client, world):
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/items/1.2.2/"
    record(world.a, "1.2.2", "followups", "2024-03-01")  # with none, the evidence query is skipped
    page_queries(client, url)
    empty = page_queries(client, url)
    grow(world, 15)
    assert page_queries(client, url) == empty
    # the home page's first twelve, then 13 evidence of the item's records, 14 all evidence (to
    # attach), 15 the item's history, 16 the item's comments, 17 its assignment, 18 the unit's
    # people (whom the item can be given to), 19 the bell's unread count (the header)
    assert empty == 19
