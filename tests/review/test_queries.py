"""The review queue and a unit's history read the database a fixed number of times, however many
units and entries there are."""

from __future__ import annotations

from pramern.review.services import add_comment, transition
from tests.factories import assessment, cold_page_queries, page_queries, record, unit


def grow(world, n):
    for i in range(n):
        other = assessment(unit(f"oae-q{i}", f"หน่วยงานทดสอบ {i}"), world.framework)
        record(other, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
        record(world.a, "1.2.2", "followups", f"2024-03-{i % 28 + 1:02d}", presented_to_director=True)
        add_comment(world.a, "1.2.2", f"ความเห็น {i}", user=world.eve)


def test_the_queue_query_count_does_not_grow_with_units(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.eve)
    page_queries(client, "/review/")  # warm the compiled-framework cache
    empty = page_queries(client, "/review/")
    grow(world, 10)
    assert page_queries(client, "/review/") == empty
    # 1 session, 2 user, 3 roles, 4 frameworks (the years), 5 the Centre's people, 6 whether the
    # reader is assigned units (the evaluator filter's default), 7 assessments with units, years
    # and assignees, 8 unit rounds, 9 records without a verdict (grouped by item and day), 10 the bell's unread count (the header)
    assert empty == 10
    assert page_queries(client, "/review/?round=R6&state=all&unreviewed=1&evaluator=all") == 9  # no default


def test_the_history_query_count_does_not_grow_with_entries(client, world):
    client.force_login(world.eve)
    url = f"/review/a/{world.a.pk}/history/"
    page_queries(client, url)
    empty = page_queries(client, url)
    grow(world, 10)
    assert page_queries(client, url) == empty
    assert page_queries(client, url + "?round=R6") == empty
    assert page_queries(client, url + "?format=csv") == empty - 1  # a download has no header, so no bell
    # 1 session, 2 user, 3 roles, 4 assessment with unit and framework, 5 entries with who made them,
    # 6 the bell's unread count (the header)
    assert empty == 6


def test_the_round_and_item_review_pages_query_counts_do_not_grow(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    record(world.a, "1.2.2", "followups", "2024-03-01")  # with none, the evidence query is skipped
    client.force_login(world.eve)
    pages = [f"/review/a/{world.a.pk}/R12/", f"/review/a/{world.a.pk}/R12/items/1.2.2/"]
    for url in pages:
        page_queries(client, url)
    empty = [cold_page_queries(client, url) for url in pages]
    grow(world, 10)
    assert [cold_page_queries(client, url) for url in pages] == empty
    # the round: 1 session, 2 user, 3 roles, 4 assessment with unit and framework, 5 its revision
    # (the workspace's cache key), 6 records, 7 sections, 8 evidence counts per item, 9 verdicts,
    # 10 overrides, 11 unit rounds, 12 deadline extensions, 13 round schedules, 14 the bell's
    # unread count (the header), 15 the assigned evaluator (the round page only); the item adds,
    # to the first fourteen, 15 evidence of the page's records and 16 the comments with their authors
    assert empty == [15, 16]
