"""Score cards are refreshed at most once per assessment per transaction, however many changes it
makes (issue 9): the ids wait in a set on the connection until the commit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from pramern.assessments.services import save_record
from pramern.reports import scorecards
from pramern.reports.models import ScoreCard


@pytest.fixture
def stores(monkeypatch):
    """The assessments whose cards were computed, in order."""
    seen: list[int] = []
    real = scorecards._store

    def counted(assessment):
        seen.append(assessment.pk)
        return real(assessment)

    monkeypatch.setattr(scorecards, "_store", counted)
    return seen


def follow_up(world, day: int) -> None:
    save_record(
        world.a,
        "1.2.2",
        "followups",
        date=dt.date(2024, 3, day),
        data={"presented_to_director": True},
        user=world.alice,
    )


def test_three_changes_in_one_transaction_refresh_the_assessment_once(
    world, stores, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for day in (1, 2, 3):
                follow_up(world, day)
            save_record(world.b, "1.2.2", "followups", date=dt.date(2024, 3, 4), data={}, user=world.bob)
    assert sorted(stores) == sorted([world.a.pk, world.b.pk])
    card = ScoreCard.objects.get(assessment=world.a, round_code="R12")
    assert card.self_items["1.2.2"]["points"] != "0"  # computed after all three


def test_a_rolled_back_change_refreshes_nothing_until_the_next_commit(
    world, stores, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            follow_up(world, 1)
            raise RuntimeError("the change fails")
    assert stores == []
    with django_capture_on_commit_callbacks(execute=True):
        follow_up(world, 2)
    assert stores == [world.a.pk]


def test_ids_left_by_a_rolled_back_transaction_are_not_refreshed_later(
    world, stores, django_capture_on_commit_callbacks
):
    with pytest.raises(RuntimeError), transaction.atomic():
        follow_up(world, 1)
        raise RuntimeError("the change fails")
    with django_capture_on_commit_callbacks(execute=True):
        save_record(world.b, "1.2.2", "followups", date=dt.date(2024, 3, 4), data={}, user=world.bob)
    assert stores == [world.b.pk]
