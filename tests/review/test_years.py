"""The review queue with two fiscal years: the current one by default, the other when chosen."""

from __future__ import annotations

from pramern.review.services import transition
from tests.years import TwoYears


def test_the_queue_shows_every_year_unless_one_is_chosen(client, world):
    transition(world.a, "R12", "submit", user=world.dan)  # before FY2568 opens: then FY2567 takes none
    two = TwoYears(world)
    transition(two.a2, "R6", "submit", user=world.dan)
    client.force_login(world.eve)
    page = client.get("/review/").content.decode()
    assert f'href="/review/a/{two.a2.pk}/R6/"' in page and f'href="/review/a/{world.a.pk}/R12/"' in page
    assert '<option value="2568">ปีงบประมาณ 2568</option>' in page  # offered, none chosen
    last_year = client.get("/review/?year=2567").content.decode()
    assert f'href="/review/a/{world.a.pk}/R12/"' in last_year and f"/review/a/{two.a2.pk}/" not in last_year
    assert '<option value="2567" selected>' in last_year
    assert client.get("/review/?year=2599").status_code == 404


def test_the_queue_is_still_the_centres_only(client, world):
    TwoYears(world)
    assert client.get("/review/?year=2567")["Location"].startswith("/login/")
    for persona in ("alice", "xena"):
        client.force_login(getattr(world, persona))
        assert client.get("/review/?year=2567").status_code == 403
    client.force_login(world.adam)
    assert client.get("/review/?year=2567").status_code == 200


def test_a_units_round_of_last_year_links_back_to_last_years_queue(client, world):
    transition(world.a, "R12", "submit", user=world.dan)  # before FY2568 opens
    two = TwoYears(world)
    transition(two.a2, "R6", "submit", user=world.dan)
    client.force_login(world.eve)
    page = client.get(f"/review/a/{world.a.pk}/R12/").content.decode()
    back = "/review/?year=oae-2567%401&amp;round=R12"
    assert f'href="{back}"' in page
    queue = client.get(back.replace("&amp;", "&")).content.decode()
    assert '<option value="2567" selected>' in queue and '<option value="R12" selected>' in queue
    assert f'href="/review/a/{world.a.pk}/R12/"' in queue and f"/review/a/{two.a2.pk}/" not in queue
    history = client.get(f"/review/a/{world.a.pk}/history/").content.decode()
    assert 'href="/review/?year=oae-2567%401"' in history
