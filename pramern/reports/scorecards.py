"""Keeping the stored score cards up to date with the engine: self-assessed and verified scores
(``assessments.scores``, ``review.verdicts``) of every round, stored after each commit that moves them."""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction

from pramern.assessments.models import Assessment, UnitRound
from pramern.assessments.scores import compute_scores
from pramern.reports.models import ScoreCard
from pramern.review.verdicts import read_verified_scores
from pramern.scoring import ScoreResult

logger = logging.getLogger(__name__)

#: Pauses before the second and third try of a refresh that met a busy database (seconds).
RETRY_PAUSES = (0.2, 1.0)


def _items(result: ScoreResult, points: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        code: {
            "points": str(points[code] if points is not None else item.points),
            "lines": [line.earned for line in item.lines],
        }
        for code, item in result.items.items()
    }


def refresh(assessment: Assessment) -> list[ScoreCard]:
    """Recompute an assessment's cards (self-assessed and verified, every round) and store those
    that changed."""
    with transaction.atomic():
        # One refresh of an assessment at a time, each reading after the last: a refresh that
        # read older records can never store its cards over a newer one's.
        # (No ordering: the default one joins unit and framework, whose rows would be locked too.)
        list(Assessment.objects.select_for_update().filter(pk=assessment.pk).order_by().values_list("pk"))
        return _store(assessment)


def _as_stored(value: Any) -> Any:
    """A figure as the card keeps it: totals to two places (its DecimalFields), the rest as is."""
    return value.quantize(Decimal("0.01")) if isinstance(value, Decimal) else value


def _store(assessment: Assessment) -> list[ScoreCard]:
    """Each round's card as computed now. A card whose figures and state are those stored is left
    as it is: no write, so the assessment's ``scorecard_revision`` (the dashboard's key) stays."""
    records = list(assessment.records.all())
    sections = list(assessment.unit.sections.all())
    states = dict(assessment.unit_rounds.values_list("round_code", "state"))
    scores = compute_scores(assessment, records, sections)
    verified_by_round = read_verified_scores(assessment, records, sections)
    dimensions = assessment.framework.compiled().dimensions
    stored = {card.round_code: card for card in ScoreCard.objects.filter(assessment=assessment)}
    cards = []
    for code, result in scores.by_round.items():
        verified = verified_by_round[code]
        verified_points = {c: v.points for c, v in verified.items.items()}
        figures = {
            "self_total": result.total,
            "verified_total": verified.total,
            "potential": result.potential,
            "self_dimensions": {d: str(t.points) for d, t in result.dimensions.items()},
            "verified_dimensions": {d.code: str(verified.dimension_total(d.code)) for d in dimensions},
            "self_items": _items(result),
            "verified_items": _items(verified.result, verified_points),
            "state": states.get(code, UnitRound.State.DRAFT),
        }
        card = stored.get(code)
        if card is None:
            card = ScoreCard.objects.create(assessment=assessment, round_code=code, **figures)
        elif any(_as_stored(getattr(card, name)) != _as_stored(value) for name, value in figures.items()):
            for name, value in figures.items():
                setattr(card, name, value)
            card.save()
        cards.append(card)
    return cards


def refresh_later(assessment: Assessment) -> None:
    """Refresh once the current transaction commits (a failed change leaves the cards alone), and
    once per assessment however many changes the transaction makes: the ids wait in a set kept on
    the connection; the first ``on_commit`` callback after the commit refreshes them all and the
    others find the set empty (zulip's ``send_event_on_commit`` shape)."""
    connection = transaction.get_connection()
    pending: set[int] = connection.__dict__.setdefault(_PENDING, set())
    if not connection.run_on_commit:
        pending.clear()  # left by a rolled-back transaction, whose callbacks are gone
    pending.add(assessment.pk)
    # A callback per change, not per transaction: callbacks of a rolled-back savepoint are
    # dropped (and tests capture only those registered inside their block), so none may be
    # relied on to have been registered earlier. An id whose savepoint rolled back is refreshed
    # anyway by another callback of the transaction: a refresh recomputes from what is stored.
    transaction.on_commit(_refresh_pending)


#: The connection attribute holding the ids of assessments whose cards wait for the commit.
_PENDING = "pramern_pending_scorecards"


def _refresh_pending() -> None:
    pending: set[int] = transaction.get_connection().__dict__.get(_PENDING, set())
    while pending:
        refresh_after_commit(pending.pop())


def refresh_after_commit(pk: int) -> None:
    """Refresh the cards of a change already saved. The change stands whatever happens here, so
    nothing is raised: a busy database is tried again after a pause, and a refresh that still
    fails is logged and left to ``manage.py refresh_scores`` (nightly)."""
    failure: Exception | None = None
    for pause in (*RETRY_PAUSES, None):
        try:
            refresh(Assessment.objects.with_unit().get(pk=pk))
            return
        except Assessment.DoesNotExist:
            return  # deleted meanwhile: no cards to keep
        except DatabaseError as exc:  # busy, deadlocked: worth another try
            failure = exc
            if pause is None:
                break
            logger.warning("score cards of assessment %s: %s; retrying in %ss", pk, exc, pause)
            time.sleep(pause)
        except Exception as exc:  # a fault of ours: another try would fail the same way
            failure = exc
            break
    logger.error(
        "score cards of assessment %s were not refreshed after a saved change; "
        "they stay out of date until `manage.py refresh_scores` runs",
        pk,
        exc_info=failure,
    )
