"""A unit's self-assessed scores: the engine on its stored records, every round from one read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pramern.assessments.adapter import load_scoring_assessment
from pramern.assessments.models import Assessment, Record
from pramern.organizations.models import Section
from pramern.scoring import ScoreResult, score
from pramern.scoring.assessment import Problem


@dataclass(frozen=True)
class Scores:
    """Both rounds' results for one assessment, computed from one read of its records, and the
    stored records that no longer validate (they count for nothing until corrected)."""

    by_round: dict[str, ScoreResult]
    attention: tuple[Problem, ...] = ()

    @property
    def final(self) -> ScoreResult:
        return list(self.by_round.values())[-1]


def compute_scores(assessment: Assessment, records: Iterable[Record], sections: Iterable[Section]) -> Scores:
    engine_view, attention = load_scoring_assessment(assessment, records, sections)
    framework = assessment.framework.compiled()
    return Scores({rnd.code: score(framework, engine_view, rnd.code) for rnd in framework.rounds}, attention)
