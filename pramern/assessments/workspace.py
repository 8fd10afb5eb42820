"""Everything a workspace page shows about one assessment, read in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from pramern.assessments.models import Assessment, Record, UnitRound
from pramern.assessments.rounds import LockState, lock_state
from pramern.assessments.scores import Scores, compute_scores
from pramern.frameworks.models import RoundSchedule
from pramern.organizations.models import Section
from pramern.reports import caching
from pramern.review.models import DeadlineExtension, Override, Verdict
from pramern.review.verdicts import VerifiedRound, verified_scores
from pramern.review.visibility import verified_rounds_visible
from pramern.scoring import ItemResult, ScoreResult
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Item


@dataclass(frozen=True)
class NeedsAttention:
    """A stored record (or fact) that no longer validates, as a page names it."""

    item_code: str
    record: Record | None
    problem: str  # the engine's message, without the document's name

    @property
    def item_anchor(self) -> str:
        return f"record-{self.record.pk}" if self.record is not None else ""


@dataclass
class Workspace:
    assessment: Assessment
    framework: CompiledFramework
    records: list[Record]
    sections: list[Section]
    locks: LockState
    scores: Scores
    evidence_counts: dict[str, int] = field(default_factory=dict)
    verdicts: dict[int, Verdict] = field(default_factory=dict)  # by record id
    unit_rounds: dict[str, UnitRound] = field(default_factory=dict)  # by round code
    verified: dict[str, VerifiedRound] | None = None  # by round code

    @property
    def returned(self) -> dict[str, str]:
        """Rounds the Evaluation Centre returned for revision -> the reason it gave."""
        return {code: u.return_reason for code, u in self.unit_rounds.items() if u.state == UnitRound.State.RETURNED}

    @property
    def current(self) -> str:
        """The code of the round the unit is working towards."""
        return self.locks.current.round.code

    @property
    def current_result(self) -> ScoreResult:
        return self.scores.by_round[self.current]

    @property
    def attention(self) -> list[NeedsAttention]:
        """Stored records that no longer validate: left out of every score until corrected."""
        if not self.scores.attention:
            return []
        by_pk = {r.pk: r for r in self.records}
        return [
            NeedsAttention(p.item_code, by_pk.get(p.record_id), p.message.split(": ", 1)[-1])
            for p in self.scores.attention
        ]

    def verified_visible_to(self, user: Any) -> dict[str, VerifiedRound]:
        """Round code -> verified round, for the rounds whose verified score ``user`` may see
        (read with ``with_verified``)."""
        assert self.verified is not None
        visible = verified_rounds_visible(user, self.assessment, self.unit_rounds)
        return {code: verified for code, verified in self.verified.items() if code in visible}

    def records_of(self, item: Item) -> dict[str, list[Record]]:
        grouped: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.item_code == item.code:
                grouped[record.fact].append(record)
        return grouped

    def unsupported(self, round_code: str) -> list[Item]:
        """Items claiming points in the round with no evidence for the evaluator to see: they
        will not be verified."""
        result = self.scores.by_round[round_code]
        return [
            r.item for r in result.items.values() if unsupported_claim(r, bool(self.evidence_counts.get(r.item.code)))
        ]

    def can_change(self, record: Record) -> bool:
        return not self.locks.date_locked(record.date)


def unsupported_claim(result: ItemResult, has_evidence: bool) -> bool:
    """Whether an item's result claims points with no evidence for the evaluator to see (they
    will not be verified): the one rule behind the submit page's list and the home page's chips."""
    return result.points > 0 and not has_evidence


@dataclass(frozen=True)
class _Stored:
    """What a workspace computes from the assessment's rows: cached under its revision."""

    records: list[Record]
    sections: list[Section]
    unit_rounds: list[UnitRound]
    extensions: list[DeadlineExtension]
    evidence_counts: dict[str, int]
    verdicts: dict[int, Verdict]
    scores: Scores
    verified: dict[str, VerifiedRound]


def _read(assessment: Assessment) -> _Stored:
    records = list(assessment.records.with_provenance())
    sections = list(assessment.unit.sections.all())
    counts = dict(
        Record.objects.filter(assessment=assessment, evidence__isnull=False)
        .values("item_code")
        .annotate(n=Count("evidence", distinct=True))
        .values_list("item_code", "n")
    )
    verdicts = {v.record_id: v for v in Verdict.objects.filter(record__assessment=assessment)}
    overrides = list(
        Override.objects.filter(assessment=assessment)
        .select_related("decided_by")
        # the cache keeps no password hash or address (the name is still the evaluator's)
        .defer("decided_by__password", "decided_by__email")
    )
    statuses = {record_id: verdict.status for record_id, verdict in verdicts.items()}
    return _Stored(
        records=records,
        sections=sections,
        unit_rounds=list(assessment.unit_rounds.all()),
        extensions=list(DeadlineExtension.objects.filter(assessment=assessment)),
        evidence_counts=counts,
        verdicts=verdicts,
        scores=compute_scores(assessment, records, sections),
        verified=verified_scores(assessment, records, sections, statuses, overrides),
    )


def load_workspace(
    assessment: Assessment,
    *,
    with_verified: bool = False,
    revision: int | None = None,
) -> Workspace:
    """A fixed number of queries, whatever the number of items and records; two (the
    assessment's revision, the round schedules) when its rows are cached (reports/caching.py),
    one when the caller read the revision already (``revision``).
    The locks are worked out on each call, from the day and the schedules (a schedule's save
    renews every revision of its year; the pages cached whole, home and item, rely on that: a bulk
    ``RoundSchedule.objects.update`` would leave them as they were until the next change)."""
    framework = assessment.framework.compiled()
    if revision is None:
        revision = caching.current_revision(assessment)
    stored = caching.cached(
        # the source's hash: a framework replaced or patched in place keeps its code@version
        caching.key("workspace", assessment.pk, revision, assessment.framework.source_sha256),
        lambda: _read(assessment),
        framework=framework,
        remember=True,
    )
    locks = lock_state(
        assessment,
        unit_rounds=stored.unit_rounds,
        schedules=RoundSchedule.objects.by_code(assessment.framework),
        extensions=stored.extensions,
    )
    return Workspace(
        assessment=assessment,
        framework=framework,
        records=stored.records,
        sections=stored.sections,
        locks=locks,
        scores=stored.scores,
        evidence_counts=stored.evidence_counts,
        verdicts=stored.verdicts,
        unit_rounds={u.round_code: u for u in stored.unit_rounds},
        verified=stored.verified if with_verified else None,
    )
