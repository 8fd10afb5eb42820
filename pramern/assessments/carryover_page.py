"""The carry-over page's read model: last year's records of a unit, grouped by item, each with
the item and fact of this year it would go to (or why it cannot), its evidence, and the copy
already made of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pramern.assessments.carryover import previous_assessment, year_mapping, year_window
from pramern.assessments.models import Assessment, Evidence, Record
from pramern.scoring.model import FactSpec, Item
from pramern.scoring.model import Framework as CompiledFramework


@dataclass(frozen=True)
class CarryRow:
    record: Record
    fact: FactSpec | None  # last year's fact
    evidence: list[Evidence]
    target_item: Item | None  # None: no successor this year
    target_fact: FactSpec | None
    copy: Record | None  # the copy made already, if any

    @property
    def fields(self) -> dict[str, object]:
        """The record's fields as the unit recorded them (the evaluator's value left out)."""
        return {name: value for name, value in self.record.data.items() if name != "verified"}

    @property
    def transferable(self) -> bool:
        return self.target_item is not None and self.target_fact is not None and self.copy is None


@dataclass(frozen=True)
class CarryGroup:
    item: Item  # last year's item
    target: Item | None
    rows: list[CarryRow]


@dataclass(frozen=True)
class CarryOverPage:
    assessment: Assessment
    previous: Assessment | None
    groups: list[CarryGroup]
    window: tuple[dt.date, dt.date]

    @property
    def rows(self) -> list[CarryRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def transferable(self) -> list[CarryRow]:
        return [row for row in self.rows if row.transferable]


def carry_over_page(assessment: Assessment) -> CarryOverPage:
    """Last year's records of ``assessment``'s unit mapped onto this year's framework (four queries)."""
    new_fw = assessment.framework.compiled()
    previous = previous_assessment(assessment)
    if previous is None:
        return CarryOverPage(assessment, None, [], year_window(new_fw))
    old_fw: CompiledFramework = previous.framework.compiled()
    mapping = year_mapping(old_fw, new_fw)
    records = list(previous.records.all())
    evidence = Evidence.objects.by_record(r.pk for r in records)
    copies = {r.copied_from_id: r for r in assessment.records.filter(copied_from__in=[r.pk for r in records])}
    by_item: dict[str, list[Record]] = {}
    for record in records:
        by_item.setdefault(record.item_code, []).append(record)
    groups = []
    for item in old_fw.items:  # last year's order
        if item.code not in by_item:
            continue
        target_code = mapping.new_item(item.code)
        target = new_fw.items_by_code.get(target_code) if target_code else None
        rows = []
        for record in by_item[item.code]:
            fact_name = mapping.new_fact(item.code, record.fact)
            rows.append(
                CarryRow(
                    record=record,
                    fact=item.facts.get(record.fact),
                    evidence=evidence[record.pk],
                    target_item=target,
                    target_fact=target.facts.get(fact_name) if target is not None and fact_name else None,
                    copy=copies.get(record.pk),
                )
            )
        groups.append(CarryGroup(item, target, rows))
    return CarryOverPage(assessment, previous, groups, year_window(new_fw))
