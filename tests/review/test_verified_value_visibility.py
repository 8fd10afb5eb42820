"""The evaluator's value of a judgement (6.3) is the item's verified score: each reader sees it
only where the verified score of the record's round is theirs to see (the unit once verified,
executives once published or — by setting — once verified, the Centre at once), on the item
page and in the assessment export alike."""

from __future__ import annotations

import json

import pytest
import yaml

from pramern.review.services import set_verified_value, transition
from tests.factories import record

SHOWN = "ผู้ประเมินให้"  # the label of the evaluator's value on the item page


@pytest.fixture
def valued(world):
    """Unit A's R12 under review; its 6.3 manual (claimed 4) valued 3.5 by the evaluator."""
    manual = record(world.a, "6.3", "manual", "2024-02-01", claimed=4)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verified_value(manual, "3.5", user=world.eve)
    return manual


def item_page(client, world):
    return client.get(f"/a/{world.a.pk}/items/6.3/").content.decode()


def exported(client, world):
    """The record of 6.3 in the YAML and the JSON export."""
    from_yaml = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content)
    from_json = json.loads(client.get(f"/a/{world.a.pk}/export.json").content)
    return [document["items"]["6.3"]["manual"][0] for document in (from_yaml, from_json)]


def sees_value(client, world, persona):
    client.force_login(getattr(world, persona))
    page, records = item_page(client, world), exported(client, world)
    shown = [f"{SHOWN}: 3.5" in page, *("verified" in r for r in records)]
    assert len(set(shown)) == 1, f"{persona}: item page and exports disagree: {shown}"
    assert all(r["claimed"] == 4 for r in records)  # the unit's own claim is always there
    return shown[0]


def test_executives_do_not_see_the_value_before_publication(client, world, valued):
    assert not sees_value(client, world, "xena")


def test_the_unit_does_not_see_the_value_before_verification(client, world, valued):
    for persona in ("alice", "dan"):
        assert not sees_value(client, world, persona)


def test_the_centre_sees_the_value_it_gave(client, world, valued):
    for persona in ("eve", "adam"):
        assert sees_value(client, world, persona)


def test_once_verified_the_unit_sees_it_and_executives_once_published(client, world, valued, settings):
    transition(world.a, "R12", "verify", user=world.eve)
    assert sees_value(client, world, "alice")
    assert not sees_value(client, world, "xena")
    settings.EXECUTIVES_SEE_UNPUBLISHED = True
    assert sees_value(client, world, "xena")
    settings.EXECUTIVES_SEE_UNPUBLISHED = False
    transition(world.a, "R12", "publish", user=world.eve)
    assert sees_value(client, world, "xena")


def test_a_published_round_shows_only_the_values_of_its_own_records(client, world):
    early = record(world.a, "6.3", "manual", "2024-02-01", claimed=3)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verified_value(early, "3", user=world.eve)
    transition(world.a, "R6", "verify", user=world.eve)
    transition(world.a, "R6", "publish", user=world.eve)
    late = record(world.a, "6.3", "manual", "2024-05-01", claimed=4)  # a later manual, for R12
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    set_verified_value(late, "2.5", user=world.eve)
    for persona in ("xena", "alice"):
        client.force_login(getattr(world, persona))
        page = item_page(client, world)
        assert f"{SHOWN}: 3" in page and f"{SHOWN}: 2.5" not in page, persona
        document = yaml.safe_load(client.get(f"/a/{world.a.pk}/export.yaml").content)
        assert [r.get("verified") for r in document["items"]["6.3"]["manual"]] == [3, None], persona


def test_a_member_who_is_also_an_evaluator_reads_their_own_unit_as_its_member(client, world, valued):
    """alice (officer of unit A) is also an evaluator: she may not review A, and she reads it as
    A's people do — neither the value nor the verified score before R12 is verified."""
    from pramern.organizations.models import Role
    from pramern.review.visibility import verified_rounds_visible, verified_shown_for

    Role.objects.create(user=world.alice, kind=Role.Kind.EVALUATOR)
    assert not sees_value(client, world, "alice")
    assert verified_rounds_visible(world.alice, world.a) == set()
    assert verified_rounds_visible(world.alice, world.b) == set()  # B is not in review
    shown = verified_shown_for(world.alice)  # office-wide lists (dashboard, reports)
    assert (shown("in_review", world.unit_a.pk), shown("in_review", world.unit_b.pk)) == (False, True)
    transition(world.a, "R12", "verify", user=world.eve)
    assert sees_value(client, world, "alice")
    assert verified_rounds_visible(world.alice, world.a) == {"R12"}
