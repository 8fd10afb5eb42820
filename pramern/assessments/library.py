"""The evidence library's read model: every file and link of one assessment (a unit's year), where
each is used (item, record, round), whether the unit may still delete it and why not, and the
records it may yet support. A fixed number of queries, whatever the number of files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pramern.assessments.models import Assessment, Evidence, Record
from pramern.assessments.rounds import LockState, RoundStatus, lock_state
from pramern.assessments.services import evidence_refusal
from pramern.organizations.permissions import access_for
from pramern.scoring.model import Item


@dataclass(frozen=True)
class Use:
    """One record a piece of evidence supports: its item, and the round it is first counted in."""

    record: Record
    item: Item | None  # None: an item the framework no longer has
    round: RoundStatus
    locked: bool  # the unit may no longer change this record (or its evidence)


@dataclass(frozen=True)
class LibraryRow:
    evidence: Evidence
    uses: list[Use]
    #: Why the unit may not delete it ("" when it may): a submitted, closed or past-deadline
    #: round relies on a record it supports (the rule ``services.delete_evidence`` applies).
    delete_refusal: str

    @property
    def rounds(self) -> list[RoundStatus]:
        """The rounds its records are first counted in, each once, in round order."""
        seen: dict[str, RoundStatus] = {}
        for use in sorted(self.uses, key=lambda u: u.round.round.cutoff):
            seen.setdefault(use.round.round.code, use.round)
        return list(seen.values())


@dataclass(frozen=True)
class Library:
    """The page; the field names are the template's."""

    assessment: Assessment
    rows: list[LibraryRow]
    locks: LockState
    can_edit: bool  # the unit's own people, while the assessment takes changes
    kind: str  # "" (all), "file", "link" or "orphan": the filter applied

    @property
    def files(self) -> int:
        return sum(1 for row in self.rows if row.evidence.kind == Evidence.Kind.FILE)

    @property
    def links(self) -> int:
        return sum(1 for row in self.rows if row.evidence.kind == Evidence.Kind.LINK)


KINDS = ("file", "link", "orphan")


def evidence_library(assessment: Assessment, user: Any, *, kind: str = "") -> Library:
    """Every file and link of ``assessment`` as ``user`` sees them (newest first), optionally only
    files, links or evidence supporting no record (``kind``). Queries: the locks (rounds,
    schedules, extensions), the evidence with who added it, the records each supports."""
    framework = assessment.framework.compiled()
    locks = lock_state(assessment)
    evidence = list(Evidence.objects.filter(assessment=assessment).select_related("uploaded_by"))
    links = Evidence.records.through.objects.filter(evidence__assessment=assessment).select_related("record")
    records: dict[int, list[Record]] = defaultdict(list)
    for link in links.order_by("record__item_code", "record__date", "record_id"):
        records[link.evidence_id].append(link.record)
    rows = []
    for ev in evidence:
        used = records.get(ev.pk, [])
        if (kind == "orphan" and used) or (kind in ("file", "link") and ev.kind != kind):
            continue
        uses = [
            Use(
                record=r,
                item=framework.items_by_code.get(r.item_code),
                round=locks.status(framework.round_for(r.date).code),
                locked=locks.date_locked(r.date),
            )
            for r in used
        ]
        rows.append(LibraryRow(evidence=ev, uses=uses, delete_refusal=evidence_refusal(used, locks)))
    can_edit = access_for(user).can_edit(assessment.unit_id) and not locks.read_only
    return Library(assessment=assessment, rows=rows, locks=locks, can_edit=can_edit, kind=kind)


@dataclass(frozen=True)
class ReuseChoice:
    """The records a piece of evidence may also support, by item, for the reuse form."""

    evidence: Evidence
    uses: list[Record]
    groups: list[tuple[Item, list[Record]]]  # (item, its records that may take it), framework order

    @property
    def choices(self) -> list[int]:
        return [r.pk for _item, records in self.groups for r in records]


def reuse_choice(assessment: Assessment, evidence: Evidence) -> ReuseChoice:
    """The records of ``assessment`` that ``evidence`` does not support yet and that the unit may
    still change (a record of a submitted or closed round takes no new evidence)."""
    framework = assessment.framework.compiled()
    locks = lock_state(assessment)
    uses = list(evidence.records.order_by("item_code", "date", "id"))
    supported = {r.pk for r in uses}
    by_item: dict[str, list[Record]] = defaultdict(list)
    if not locks.read_only:
        for r in assessment.records.order_by("item_code", "date", "id"):
            if r.pk not in supported and not locks.date_locked(r.date):
                by_item[r.item_code].append(r)
    groups = [(item, by_item[item.code]) for item in framework.items if by_item.get(item.code)]
    return ReuseChoice(evidence=evidence, uses=uses, groups=groups)
