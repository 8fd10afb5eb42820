"""Everything a workspace page shows about one assessment, read in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from pramern.assessments.models import Assessment, Record
from pramern.assessments.services import LockState, Scores, compute_scores, lock_state
from pramern.frameworks.models import RoundSchedule
from pramern.organizations.models import Section
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.model import Item


@dataclass
class Workspace:
    assessment: Assessment
    framework: CompiledFramework
    records: list[Record]
    sections: list[Section]
    locks: LockState
    scores: Scores
    evidence_counts: dict[str, int] = field(default_factory=dict)

    @property
    def current(self) -> str:
        """The code of the round the unit is working towards."""
        return self.locks.current.round.code

    @property
    def current_result(self):  # type: ignore[no-untyped-def]
        return self.scores.by_round[self.current]

    def records_of(self, item: Item) -> dict[str, list[Record]]:
        grouped: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.item_code == item.code:
                grouped[record.fact].append(record)
        return grouped

    def items_without_evidence(self) -> list[Item]:
        return [item for item in self.framework.items if not self.evidence_counts.get(item.code)]

    def can_change(self, record: Record) -> bool:
        until = self.locks.locked_until
        return not self.locks.read_only and (until is None or record.date > until)


def load_workspace(assessment: Assessment) -> Workspace:
    """Five queries, whatever the number of items and records."""
    records = list(assessment.records.all())
    sections = list(assessment.unit.sections.all())
    locks = lock_state(
        assessment,
        submissions=list(assessment.submissions.all()),
        deadlines=RoundSchedule.objects.deadlines(assessment.framework),
    )
    counts = dict(
        Record.objects.filter(assessment=assessment, evidence__isnull=False)
        .values("item_code")
        .annotate(n=Count("evidence", distinct=True))
        .values_list("item_code", "n")
    )
    return Workspace(
        assessment=assessment,
        framework=assessment.framework.compiled(),
        records=records,
        sections=sections,
        locks=locks,
        scores=compute_scores(assessment, records, sections),
        evidence_counts=counts,
    )
