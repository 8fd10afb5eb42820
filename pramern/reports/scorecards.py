"""Keeping the stored score cards up to date with the engine."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pramern.assessments.models import Assessment
from pramern.assessments.workspace import load_workspace
from pramern.reports.models import ScoreCard
from pramern.scoring import ScoreResult


def _items(result: ScoreResult, points: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        code: {
            "points": str(points[code] if points is not None else item.points),
            "lines": [line.earned for line in item.lines],
        }
        for code, item in result.items.items()
    }


def refresh(assessment: Assessment) -> list[ScoreCard]:
    """Recompute an assessment's cards (self-assessed and verified, every round) and store them."""
    workspace = load_workspace(assessment, with_verified=True)
    assert workspace.verified is not None
    cards = []
    for code, result in workspace.scores.by_round.items():
        verified = workspace.verified[code]
        verified_points = {c: v.points for c, v in verified.items.items()}
        unit_round = workspace.unit_rounds.get(code)
        card, _created = ScoreCard.objects.update_or_create(
            assessment=assessment,
            round_code=code,
            defaults={
                "self_total": result.total,
                "verified_total": verified.total,
                "potential": result.potential,
                "self_dimensions": {d: str(t.points) for d, t in result.dimensions.items()},
                "verified_dimensions": {
                    d.code: str(verified.dimension_total(d.code)) for d in workspace.framework.dimensions
                },
                "self_items": _items(result),
                "verified_items": _items(verified.result, verified_points),
                "state": unit_round.state if unit_round else "draft",
            },
        )
        cards.append(card)
    return cards


def refresh_later(assessment: Assessment) -> None:
    """Refresh once the current change is committed (a failed change leaves the cards alone)."""
    transaction.on_commit(lambda: refresh(Assessment.objects.with_unit().get(pk=assessment.pk)))
