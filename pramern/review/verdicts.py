"""Verified scores and the rules of settled rounds: the engine on the records the Evaluation
Centre accepted, then its overrides; which rounds' verdicts no longer change, and which records
still wait for one. Calculations and reads only; the review workflows are in ``services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from pramern.assessments.adapter import assessment_document
from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.organizations.models import Section
from pramern.review.models import Override, Verdict
from pramern.scoring import ScoreResult, score
from pramern.scoring.assessment import parse_stored_assessment
from pramern.scoring.engine import VERIFIED
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Round

State = UnitRound.State


#: States in which a round's verified score is settled: its records' verdicts no longer change.
SETTLED = UnitRound.SETTLED


def review_started(state: str) -> bool:
    """Whether a round in this state has a verified score at all (its review has begun)."""
    return state not in (State.DRAFT, State.SUBMITTED)


def settled_round(framework: CompiledFramework, unit_rounds: Iterable[UnitRound]) -> Round | None:
    """The latest round of the (compiled) framework whose verified score is settled in these
    unit rounds (None: none is). Records dated up to its cut-off keep their verdicts."""
    settled = {u.round_code for u in unit_rounds if u.state in SETTLED}
    return next((r for r in reversed(framework.rounds) if r.code in settled), None)


def still_open_to_review(day: dt.date, settled: Round | None) -> bool:
    """Whether a record of this date can still get a verdict, given ``settled_round(...)``."""
    return settled is None or day > settled.cutoff


def awaiting_verdict(
    assessment: Assessment, round_code: str, unit_rounds: Iterable[UnitRound] | None = None
) -> QuerySet[Record]:
    """Records of a round that can still get a verdict and have none: dated up to the round's
    cut-off, after the cut-off of any settled round (those records keep what they had)."""
    framework = assessment.framework.compiled()
    records = assessment.records.filter(date__lte=framework.round(round_code).cutoff, verdict__isnull=True)
    settled = settled_round(framework, assessment.unit_rounds.all() if unit_rounds is None else unit_rounds)
    return records.filter(date__gt=settled.cutoff) if settled else records


@dataclass(frozen=True)
class VerifiedItem:
    computed: Decimal  # the engine on accepted records
    override: Override | None

    @property
    def points(self) -> Decimal:
        return self.override.points if self.override is not None else self.computed


@dataclass(frozen=True)
class VerifiedRound:
    result: ScoreResult  # the engine's result on accepted records
    items: dict[str, VerifiedItem]

    @property
    def total(self) -> Decimal:
        return sum((item.points for item in self.items.values()), Decimal(0))

    def dimension_total(self, code: str) -> Decimal:
        items = self.result.framework.dimensions
        dimension = next(d for d in items if d.code == code)
        return sum((self.items[i.code].points for i in dimension.items), Decimal(0))


def verified_scores(
    assessment: Assessment,
    records: Iterable[Record],
    sections: Iterable[Section],
    verdicts: dict[int, str],
    overrides: Iterable[Override],
) -> dict[str, VerifiedRound]:
    """Each round's verified score: the engine on accepted records (judgements on their verified
    value), then the evaluators' overrides, kept beside what was computed."""
    accepted = [r for r in records if verdicts.get(r.pk) == Verdict.Status.ACCEPTED]
    framework = assessment.framework.compiled()
    document = assessment_document(assessment, accepted, sections)
    engine_view, _problems = parse_stored_assessment(document, framework, f"assessment {assessment.pk}")
    by_item: dict[tuple[str, str], Override] = {(o.round_code, o.item_code): o for o in overrides}
    out = {}
    for rnd in framework.rounds:
        result = score(framework, engine_view, rnd.code, basis=VERIFIED)
        items = {code: VerifiedItem(item.points, by_item.get((rnd.code, code))) for code, item in result.items.items()}
        out[rnd.code] = VerifiedRound(result, items)
    return out


def read_verified_scores(
    assessment: Assessment, records: Iterable[Record], sections: Iterable[Section]
) -> dict[str, VerifiedRound]:
    """``verified_scores`` with the assessment's verdicts and overrides read here (two queries)."""
    statuses = dict(Verdict.objects.filter(record__assessment=assessment).values_list("record_id", "status"))
    overrides = list(Override.objects.filter(assessment=assessment))
    return verified_scores(assessment, records, sections, statuses, overrides)
