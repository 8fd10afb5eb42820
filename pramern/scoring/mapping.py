"""Which item and fact of one year's framework continue which of another's.

A new guideline renumbers, merges and drops items; the diff, a dry run of a draft against last
year's assessments and the carry-over of records into a new year all need to know that last
year's 1.2.1 is this year's 1.3.1. ``ItemMapping`` answers that: by default an item continues
the item with the same code, and a fact the fact with the same name, when both exist;
``explicit`` entries override the default (``None`` for an item or fact that has no successor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pramern.scoring.model import Framework


@dataclass(frozen=True)
class ItemMapping:
    """Last year's (``old``) item and fact codes → this year's (``new``)."""

    old: Framework
    new: Framework
    #: old item code → new item code, or ``None``: no successor (overrides same-code matching)
    items: Mapping[str, str | None] = field(default_factory=dict)
    #: (old item code, old fact name) → new fact name, or ``None``
    facts: Mapping[tuple[str, str], str | None] = field(default_factory=dict)

    def new_item(self, old_code: str) -> str | None:
        """The new framework's item that continues ``old_code``, if any."""
        if old_code in self.items:
            target = self.items[old_code]
            return target if target in self.new.items_by_code else None
        return old_code if old_code in self.new.items_by_code and old_code in self.old.items_by_code else None

    def new_fact(self, old_code: str, old_fact: str) -> str | None:
        """The fact of ``new_item(old_code)`` that continues ``old_fact`` of ``old_code``, if any."""
        new_code = self.new_item(old_code)
        if new_code is None:
            return None
        facts = self.new.items_by_code[new_code].facts
        if (old_code, old_fact) in self.facts:
            target = self.facts[(old_code, old_fact)]
            return target if target in facts else None
        return old_fact if old_fact in facts else None

    def pairs(self) -> dict[str, str]:
        """Every old item code with a successor → that successor's code, in the old framework's order."""
        out = {}
        for item in self.old.items_by_code:
            target = self.new_item(item)
            if target is not None:
                out[item] = target
        return out

    def old_items_of(self, new_code: str) -> list[str]:
        """The old items continued by ``new_code`` (several when items were merged)."""
        return [old for old, new in self.pairs().items() if new == new_code]


def mapping_between(
    old: Framework,
    new: Framework,
    items: Mapping[str, str | None] | None = None,
    facts: Mapping[tuple[str, str], str | None] | None = None,
) -> ItemMapping:
    """The mapping from ``old`` to ``new``: same codes, then the explicit entries on top."""
    return ItemMapping(old, new, dict(items or {}), dict(facts or {}))


def mapping_for(old: Framework, new: Framework) -> ItemMapping:
    """The mapping ``new`` declares from ``old`` (its ``previous:`` names ``old``'s code and
    version), else same codes and same fact names only."""
    previous = new.previous
    if previous is not None and (previous.code, previous.version) == (old.code, old.version):
        return mapping_between(old, new, previous.items, previous.facts)
    return mapping_between(old, new)
