"""What changed between two frameworks (last year's and this year's, or two drafts).

``diff_frameworks(old, new)`` compares compiled frameworks and lists only what differs: items
added, removed, renumbered (an old item continued under another code, through an
``ItemMapping``) or moved to another dimension or sub-dimension; every changed text (compared
word by word, Thai included: ``pramern.thaitext.words``), point, fact, option, field and scoring
line; framework-wide changes (titles, rounds and their dates, total); and the points open in each
round before and after. The code and version of the two frameworks are shown, not compared.

``FrameworkDiff.to_json()`` is the stable form (``pramern framework diff --json``)::

    {"format": "pramern-framework-diff/1",
     "old": {"code", "version", "title_th", "title_en"}, "new": {…},
     "empty": true | false,                 # nothing differs (the potentials then agree too)
     "framework": [change, …],              # titles, total_points, max_records_per_fact,
                                            #   rounds.<code>[.title.th|.starts|.cutoff], assumptions.<id>.th
     "potential": [{"round", "old", "new"}, …],    # every round of either framework, in order;
                                            #   points as text ("66.5"), null where the round is missing
     "nodes": [{"code", "kind": "dimension" | "group", "status": "added" | "removed" | "changed",
                "title_th", "changes": [change, …]}, …],
     "items": {"added": [item], "removed": [item],
               "changed": [{"old_code", "new_code", "title_th", "renumbered": bool,
                            "moved": null | {"old": place, "new": place},   # place: "1.2" or "3"
                            "changes": [change, …],   # title, points, guidance, source_note,
                                                      #   evidence[i], assumptions.<id>
                            "facts": [{"old", "new", "status", "changes": [change, …]}, …],
                            "lines": [{"old", "new", "status", "line": line, "changes": [change, …]}, …]}]}}
    item:   {"code", "title_th", "title_en", "points", "dimension", "group"}
    line:   {"id", "round", "points", "condition", "points_from", "th"} (the new line; the old if removed)
    change: {"path", "old", "new"} and, for texts, "words": [["=" | "-" | "+", text], …]

A change's ``path`` names the value: ``guidance.th``, ``evidence[2].en``, ``options.moac.points``,
``fields.presented.kind``, ``round``, ``condition``… ``old`` or ``new`` is null when the value is
added or removed. Points are texts ("0.5"), dates ISO texts, flags true/false.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pramern.scoring.loader import format_points
from pramern.scoring.mapping import ItemMapping, mapping_for
from pramern.scoring.model import (
    Assumption,
    Dimension,
    FactSpec,
    FieldSpec,
    Framework,
    Group,
    Item,
    Line,
    Text,
)
from pramern.thaitext import words

FORMAT = "pramern-framework-diff/1"

#: Thai and English names of what a change's path starts with (its last word for nested paths).
LABELS: dict[str, Text] = {
    "title": Text("ชื่อ", "Title"),
    "guidance": Text("แนวทางการดำเนินการ", "Guidance"),
    "evidence": Text("ตัวอย่าง/หลักฐาน", "Evidence example"),
    "assumptions": Text("ข้อสมมติ", "Assumption"),
    "source_note": Text("หมายเหตุจากต้นฉบับ", "Source note"),
    "points": Text("คะแนน", "Points"),
    "total_points": Text("คะแนนเต็ม", "Total points"),
    "max_records_per_fact": Text("จำนวนบันทึกสูงสุดต่อข้อมูล", "Most records per fact"),
    "rounds": Text("รอบการประเมิน", "Round"),
    "starts": Text("วันเริ่มนับผลงาน", "Work counted from"),
    "cutoff": Text("วันตัดรอบ", "Cut-off"),
    "type": Text("ชนิดข้อมูล", "Fact type"),
    "label": Text("ชื่อข้อมูล", "Label"),
    "help": Text("คำอธิบาย", "Help"),
    "fields": Text("ช่องข้อมูล", "Field"),
    "kind": Text("ชนิดช่อง", "Field type"),
    "required": Text("ต้องกรอก", "Required"),
    "choices": Text("ตัวเลือกของช่อง", "Field choice"),
    "options": Text("ตัวเลือก", "Option"),
    "points_if": Text("คะแนนเมื่อ", "Points if"),
    "maximum": Text("ค่าสูงสุด", "Maximum"),
    "step": Text("ช่วงค่า", "Step"),
    "cumulative": Text("สะสม", "Cumulative"),
    "at_most_staff": Text("ไม่เกินจำนวนบุคลากร", "At most the staff count"),
    "round": Text("รอบที่เริ่มให้คะแนน", "Round"),
    "condition": Text("เงื่อนไข", "Condition"),
    "points_from": Text("คะแนนจาก", "Points from"),
    "text": Text("คำอธิบายบรรทัด", "Line text"),
    "missing": Text("สิ่งที่ยังขาด", "What is missing"),
    "assumed": Text("เป็นข้อสมมติ", "Assumed"),
}
LANGUAGES = {"th": Text("ไทย", "Thai"), "en": Text("อังกฤษ", "English")}


@dataclass(frozen=True)
class Change:
    """One value that differs; ``words`` (texts only) is the word-by-word comparison."""

    path: str
    old: Any
    new: Any
    words: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> Text:
        """What changed, in Thai and English: ``options.moac.points`` -> "ตัวเลือก moac: คะแนน",
        ``evidence[1].th`` -> "ตัวอย่าง/หลักฐาน ข้อ 2 (ไทย)"."""
        parts = self.path.replace("[", ".[").split(".")
        language = LANGUAGES.get(parts[-1]) if len(parts) > 1 and parts[-1] in LANGUAGES else None
        if language is not None:
            parts = parts[:-1]
        th: list[str] = []
        en: list[str] = []
        for part in parts:
            if part in LABELS or not th:
                th.append(LABELS[part].th if part in LABELS else part)
                en.append(LABELS[part].en if part in LABELS else part)
            elif part.startswith("["):
                number = int(part[1:-1]) + 1
                th[-1] += f" ข้อ {number}"
                en[-1] += f" {number}"
            else:
                th[-1] += f" {part}"
                en[-1] += f" {part}"
        text = Text(": ".join(th), ": ".join(en))
        if language is not None:
            text = Text(f"{text.th} ({language.th})", f"{text.en} ({language.en})")
        return text

    @property
    def is_text(self) -> bool:
        return bool(self.words)

    @property
    def is_date(self) -> bool:
        return isinstance(self.old if self.old is not None else self.new, dt.date)

    @property
    def old_shown(self) -> str:
        return shown(self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.new)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "old": _json(self.old), "new": _json(self.new)}
        if self.words:
            out["words"] = [list(w) for w in self.words]
        return out


@dataclass(frozen=True)
class NodeDiff:
    """A dimension or sub-dimension added, removed or changed (title, points)."""

    code: str
    kind: str  # dimension | group
    status: str  # added | removed | changed
    title: Text
    changes: tuple[Change, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "status": self.status,
            "title_th": self.title.th,
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass(frozen=True)
class FactDiff:
    """A fact of an item added, removed, renamed (through the mapping) or changed."""

    old: str | None
    new: str | None
    status: str  # added | removed | changed
    changes: tuple[Change, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "status": self.status, "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class LineDiff:
    """A scoring line added, removed or changed (matched by id within the item)."""

    old: Line | None
    new: Line | None
    status: str  # added | removed | changed
    changes: tuple[Change, ...] = ()

    @property
    def line(self) -> Line:
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def id(self) -> str:
        return self.line.id

    def to_json(self) -> dict[str, Any]:
        line = self.line
        condition, points_from = _rule_parts(line)
        return {
            "old": self.old.id if self.old else None,
            "new": self.new.id if self.new else None,
            "status": self.status,
            "line": {
                "id": line.id,
                "round": line.round.code,
                "points": format_points(line.points),
                "condition": condition,
                "points_from": points_from,
                "th": line.text.th,
            },
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass(frozen=True)
class ItemDiff:
    """An item of the old framework continued by one of the new with something changed."""

    old: Item
    new: Item
    changes: tuple[Change, ...] = ()
    facts: tuple[FactDiff, ...] = ()
    lines: tuple[LineDiff, ...] = ()

    @property
    def renumbered(self) -> bool:
        return self.old.code != self.new.code

    @property
    def moved(self) -> tuple[str, str] | None:
        """(old place, new place) when the item sits under another dimension or sub-dimension."""
        old, new = _place(self.old), _place(self.new)
        return (old, new) if old != new else None

    @property
    def empty(self) -> bool:
        return not (self.renumbered or self.moved or self.changes or self.facts or self.lines)

    def to_json(self) -> dict[str, Any]:
        moved = self.moved
        return {
            "old_code": self.old.code,
            "new_code": self.new.code,
            "title_th": self.new.title.th,
            "renumbered": self.renumbered,
            "moved": {"old": moved[0], "new": moved[1]} if moved else None,
            "changes": [c.to_json() for c in self.changes],
            "facts": [f.to_json() for f in self.facts],
            "lines": [ln.to_json() for ln in self.lines],
        }


@dataclass(frozen=True)
class RoundPotential:
    """The points open in a round (lines open by then, items capped) in each framework."""

    code: str
    title: Text
    old: Decimal | None
    new: Decimal | None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def delta(self) -> Decimal | None:
        return None if self.old is None or self.new is None else self.new - self.old

    def to_json(self) -> dict[str, Any]:
        return {"round": self.code, "old": _json(self.old), "new": _json(self.new)}


@dataclass(frozen=True)
class FrameworkDiff:
    """Everything that differs between ``old`` and ``new``; unchanged items are not listed."""

    old: Framework
    new: Framework
    changes: tuple[Change, ...] = ()
    potential: tuple[RoundPotential, ...] = ()
    nodes: tuple[NodeDiff, ...] = ()
    added: tuple[Item, ...] = ()
    removed: tuple[Item, ...] = ()
    items: tuple[ItemDiff, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.changes or self.nodes or self.added or self.removed or self.items)

    @property
    def renumbered(self) -> tuple[ItemDiff, ...]:
        return tuple(d for d in self.items if d.renumbered)

    @property
    def moved(self) -> tuple[ItemDiff, ...]:
        return tuple(d for d in self.items if d.moved)

    def to_json(self) -> dict[str, Any]:
        def framework(fw: Framework) -> dict[str, str]:
            return {"code": fw.code, "version": fw.version, "title_th": fw.title.th, "title_en": fw.title.en}

        return {
            "format": FORMAT,
            "old": framework(self.old),
            "new": framework(self.new),
            "empty": self.empty,
            "framework": [c.to_json() for c in self.changes],
            "potential": [p.to_json() for p in self.potential],
            "nodes": [n.to_json() for n in self.nodes],
            "items": {
                "added": [_item_json(i) for i in self.added],
                "removed": [_item_json(i) for i in self.removed],
                "changed": [d.to_json() for d in self.items],
            },
        }


def diff_frameworks(old: Framework, new: Framework, mapping: ItemMapping | None = None) -> FrameworkDiff:
    """What differs from ``old`` to ``new``; items are paired by ``mapping`` (default: the one
    ``new`` declares from ``old`` in its ``previous:``, else same codes)."""
    mapping = mapping or mapping_for(old, new)
    pairs = mapping.pairs()
    continued = set(pairs.values())
    items = []
    for old_code, new_code in pairs.items():
        item_diff = _item_diff(old.items_by_code[old_code], new.items_by_code[new_code], mapping)
        if not item_diff.empty:
            items.append(item_diff)
    return FrameworkDiff(
        old=old,
        new=new,
        changes=tuple(_framework_changes(old, new)),
        potential=tuple(_potentials(old, new)),
        nodes=tuple(_node_diffs(old, new)),
        added=tuple(item for code, item in new.items_by_code.items() if code not in continued),
        removed=tuple(item for code, item in old.items_by_code.items() if code not in pairs),
        items=tuple(items),
    )


# -- texts ------------------------------------------------------------------------------------


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """``old`` -> ``new`` word by word: ("=", kept), ("-", removed), ("+", added) runs, in reading
    order (a replaced run: removed first). Joining the "=" and "-" texts gives ``old``; "=" and
    "+" give ``new``."""
    a, b = words(old), words(new)
    out: list[tuple[str, str]] = []

    def put(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put("=", "".join(a[i1:i2]))
        else:
            put("-", "".join(a[i1:i2]))
            put("+", "".join(b[j1:j2]))
    return tuple(_reorder(out))


def _reorder(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Within each changed stretch, the removed text before the added text (merged runs)."""
    out: list[tuple[str, str]] = []
    removed: list[str] = []
    added: list[str] = []
    for op, text in [*runs, ("=", "")]:
        if op == "-":
            removed.append(text)
        elif op == "+":
            added.append(text)
        else:
            if removed:
                out.append(("-", "".join(removed)))
            if added:
                out.append(("+", "".join(added)))
            removed, added = [], []
            if text:
                out.append(("=", text))
    return out


def _text_changes(path: str, old: Text | None, new: Text | None) -> list[Change]:
    out = []
    for language in ("th", "en"):
        before = old.get(language) if old is not None else None
        after = new.get(language) if new is not None else None
        if before != after:
            out.append(Change(f"{path}.{language}", before, after, word_diff(before or "", after or "")))
    return out


def _value_change(path: str, old: Any, new: Any) -> list[Change]:
    return [] if old == new else [Change(path, old, new)]


# -- framework, rounds, dimensions -----------------------------------------------------------


def _framework_changes(old: Framework, new: Framework) -> list[Change]:
    out = _text_changes("title", old.title, new.title)
    out += _value_change("total_points", old.total_points, new.total_points)
    out += _value_change("max_records_per_fact", old.max_records_per_fact, new.max_records_per_fact)
    old_rounds = {r.code: r for r in old.rounds}
    new_rounds = {r.code: r for r in new.rounds}
    for code in _union(old_rounds, new_rounds):
        before, after = old_rounds.get(code), new_rounds.get(code)
        if before is None or after is None:
            shown = [_round_summary(r) if r else None for r in (before, after)]
            out.append(Change(f"rounds.{code}", shown[0], shown[1]))
            continue
        out += _text_changes(f"rounds.{code}.title", before.title, after.title)
        out += _value_change(f"rounds.{code}.starts", before.starts, after.starts)
        out += _value_change(f"rounds.{code}.cutoff", before.cutoff, after.cutoff)
    out += _assumption_changes("assumptions", old.assumptions, new.assumptions)
    return out


def _round_summary(rnd: Any) -> str:
    return f"{rnd.title.th} ({rnd.starts.isoformat()} – {rnd.cutoff.isoformat()})"


def _potentials(old: Framework, new: Framework) -> list[RoundPotential]:
    old_rounds = {r.code: r for r in old.rounds}
    new_rounds = {r.code: r for r in new.rounds}
    out = []
    for code in _union(old_rounds, new_rounds):
        title = (new_rounds.get(code) or old_rounds[code]).title
        before = old.potential(code) if code in old_rounds else None
        after = new.potential(code) if code in new_rounds else None
        out.append(RoundPotential(code, title, before, after))
    return out


def _nodes(framework: Framework) -> dict[str, tuple[str, Dimension | Group]]:
    out: dict[str, tuple[str, Dimension | Group]] = {}
    for dimension in framework.dimensions:
        out[dimension.code] = ("dimension", dimension)
        for group in dimension.groups:
            out[group.code] = ("group", group)
    return out


def _node_diffs(old: Framework, new: Framework) -> list[NodeDiff]:
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    out = []
    for code in _union(old_nodes, new_nodes):
        if code not in new_nodes:
            kind, node = old_nodes[code]
            out.append(NodeDiff(code, kind, "removed", node.title))
        elif code not in old_nodes:
            kind, node = new_nodes[code]
            out.append(NodeDiff(code, kind, "added", node.title, (Change("points", None, node.points),)))
        else:
            (_, before), (kind, after) = old_nodes[code], new_nodes[code]
            changes = _text_changes("title", before.title, after.title)
            changes += _value_change("points", before.points, after.points)
            if changes:
                out.append(NodeDiff(code, kind, "changed", after.title, tuple(changes)))
    return out


# -- items -----------------------------------------------------------------------------------


def _item_diff(old: Item, new: Item, mapping: ItemMapping) -> ItemDiff:
    changes = _text_changes("title", old.title, new.title)
    changes += _value_change("points", old.max_points, new.max_points)
    changes += _text_changes("guidance", old.guidance, new.guidance)
    changes += _text_changes("source_note", old.source_note, new.source_note)
    changes += _evidence_changes(old.evidence, new.evidence)
    changes += _assumption_changes("assumptions", old.assumptions, new.assumptions)
    return ItemDiff(
        old=old,
        new=new,
        changes=tuple(changes),
        facts=tuple(_fact_diffs(old, new, mapping)),
        lines=tuple(_line_diffs(old.lines, new.lines)),
    )


def _evidence_changes(old: Sequence[Text], new: Sequence[Text]) -> list[Change]:
    """Examples matched in order: a reworded example is a change of it, not a removal and an addition."""
    out: list[Change] = []
    matcher = difflib.SequenceMatcher(None, [t.th for t in old], [t.th for t in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                out += _text_changes(f"evidence[{j}]", old[i], new[j])
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            out += _text_changes(f"evidence[{j1 + k}]", old[i1 + k], new[j1 + k])
        for i in range(i1 + paired, i2):
            out += _text_changes(f"evidence[{i}]", old[i], None)
        for j in range(j1 + paired, j2):
            out += _text_changes(f"evidence[{j}]", None, new[j])
    return out


def _assumption_changes(path: str, old: Sequence[Assumption], new: Sequence[Assumption]) -> list[Change]:
    before = {a.id: a.text for a in old}
    after = {a.id: a.text for a in new}
    out: list[Change] = []
    for ident in _union(before, after):
        out += _text_changes(f"{path}.{ident}", before.get(ident), after.get(ident))
    return out


def _fact_diffs(old: Item, new: Item, mapping: ItemMapping) -> list[FactDiff]:
    out = []
    matched: set[str] = set()
    for name, spec in old.facts.items():
        successor = mapping.new_fact(old.code, name)
        if successor is None:
            out.append(FactDiff(name, None, "removed", (Change("type", spec.type, None),)))
            continue
        matched.add(successor)
        changes = _fact_changes(spec, new.facts[successor])
        if changes or successor != name:
            out.append(FactDiff(name, successor, "changed", tuple(changes)))
    for name, spec in new.facts.items():
        if name not in matched:
            out.append(FactDiff(None, name, "added", (Change("type", None, spec.type),)))
    return out


def _fact_changes(old: FactSpec, new: FactSpec) -> list[Change]:
    out = _value_change("type", old.type, new.type)
    out += _text_changes("label", old.label, new.label)
    out += _text_changes("help", old.help, new.help)
    for name in _union(old.fields, new.fields):
        out += _field_changes(f"fields.{name}", old.fields.get(name), new.fields.get(name))
    for code in _union(old.options, new.options):
        before, after = old.options.get(code), new.options.get(code)
        path = f"options.{code}"
        if before is None or after is None:
            shown = [f"{o.label.th}: {format_points(o.points)}" if o else None for o in (before, after)]
            out.append(Change(path, shown[0], shown[1]))
            continue
        out += _text_changes(f"{path}.label", before.label, after.label)
        out += _value_change(f"{path}.points", before.points, after.points)
        for flag in _union(before.points_if, after.points_if):
            out += _value_change(f"{path}.points_if.{flag}", before.points_if.get(flag), after.points_if.get(flag))
    for attribute in ("maximum", "step", "cumulative", "at_most_staff"):
        out += _value_change(attribute, getattr(old, attribute), getattr(new, attribute))
    return out


def _field_changes(path: str, old: FieldSpec | None, new: FieldSpec | None) -> list[Change]:
    if old is None or new is None:
        shown = [f"{f.label.th} ({f.kind})" if f else None for f in (old, new)]
        return [Change(path, shown[0], shown[1])]
    out = _value_change(f"{path}.kind", old.kind, new.kind)
    out += _text_changes(f"{path}.label", old.label, new.label)
    out += _value_change(f"{path}.required", old.required, new.required)
    for choice in _union(old.choices, new.choices):
        out += _text_changes(f"{path}.choices.{choice}", old.choices.get(choice), new.choices.get(choice))
    return out


def _line_diffs(old: Sequence[Line], new: Sequence[Line]) -> list[LineDiff]:
    before = {ln.id: ln for ln in old}
    after = {ln.id: ln for ln in new}
    out = []
    for ident in _union(before, after):
        a, b = before.get(ident), after.get(ident)
        if a is None:
            out.append(LineDiff(None, b, "added"))
        elif b is None:
            out.append(LineDiff(a, None, "removed"))
        else:
            changes = _line_changes(a, b)
            if changes:
                out.append(LineDiff(a, b, "changed", tuple(changes)))
    return out


def _line_changes(old: Line, new: Line) -> list[Change]:
    old_condition, old_from = _rule_parts(old)
    new_condition, new_from = _rule_parts(new)
    out = _value_change("round", old.round.code, new.round.code)
    out += _value_change("points", old.points, new.points)
    out += _value_change("condition", old_condition, new_condition)
    out += _value_change("points_from", old_from, new_from)
    out += _text_changes("text", old.text, new.text)
    out += _text_changes("missing", old.missing, new.missing)
    out += _value_change("assumed", old.assumed, new.assumed)
    return out


def _rule_parts(line: Line) -> tuple[str | None, str | None]:
    """(condition, points_from) as written: the loader keeps ``when → points_from`` as the source."""
    if line.points_from is None:
        return line.source, None
    if line.condition is not None and " → " in line.source:
        condition, points_from = line.source.rsplit(" → ", 1)
        return condition, points_from
    return None, line.source


# -- helpers ---------------------------------------------------------------------------------


def _place(item: Item) -> str:
    return item.group_code or item.dimension_code


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Keys of both, in the first's order and then the second's new ones."""
    out = list(dict.fromkeys(first))
    seen = set(out)
    out += [k for k in second if k not in seen]
    return out


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "title_th": item.title.th,
        "title_en": item.title.en,
        "points": format_points(item.max_points),
        "dimension": item.dimension_code,
        "group": item.group_code,
    }


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_points(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def shown(value: Any) -> str:
    """A changed value as text shows it: points "0.5", dates ISO, flags ✓/✗, nothing "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(_json(value))


# -- text ------------------------------------------------------------------------------------

#: Kept text shown around a change in the terminal (characters on each side).
CONTEXT = 30
STATUS_TH = {"added": "เพิ่ม", "removed": "ตัดออก", "changed": "เปลี่ยน"}
KIND_TH = {"dimension": "ด้านที่", "group": "ประเด็นย่อย"}


def render_text(diff: FrameworkDiff) -> str:
    """The diff as ``pramern framework diff`` prints it: Thai headings, removed words in
    ``[-…-]`` and added words in ``{+…+}`` (wdiff's marks), kept text cut to its context."""
    old, new = diff.old, diff.new
    out = [f"เปรียบเทียบกรอบการประเมิน {old.key} → {new.key}", f"  {old.title.th}", f"  {new.title.th}", ""]
    out.append("คะแนนที่เป็นไปได้ในแต่ละรอบ (บรรทัดที่เปิดถึงรอบนั้น)")
    for potential in diff.potential:
        delta = potential.delta
        change = "" if not delta else f" ({'+' if delta > 0 else ''}{format_points(delta)})"
        out.append(
            f"  {potential.code:<4} {shown(potential.old):>6} → {shown(potential.new):<6}{change}  {potential.title.th}"
        )
    out.append("")
    if diff.empty:
        out.append("ไม่มีความแตกต่าง")
        return "\n".join(out) + "\n"
    if diff.changes:
        out.append("ทั้งกรอบการประเมิน")
        out += [f"  {_change_line(c)}" for c in diff.changes]
        out.append("")
    if diff.nodes:
        out.append("ด้านและประเด็นย่อย")
        for node in diff.nodes:
            out.append(f"  {KIND_TH[node.kind]} {node.code} ({STATUS_TH[node.status]}) {node.title.th}")
            out += [f"    {_change_line(c)}" for c in node.changes]
        out.append("")
    if diff.added:
        out.append(f"รายการที่เพิ่ม ({len(diff.added)})")
        out += [f"  + {i.code}  {i.title.th} ({format_points(i.max_points)} คะแนน)" for i in diff.added]
        out.append("")
    if diff.removed:
        out.append(f"รายการที่ตัดออก ({len(diff.removed)})")
        out += [f"  - {i.code}  {i.title.th} ({format_points(i.max_points)} คะแนน)" for i in diff.removed]
        out.append("")
    if diff.items:
        out.append(f"รายการที่เปลี่ยน ({len(diff.items)})")
        for item in diff.items:
            out += _item_lines(item)
        out.append("")
    return "\n".join(out)


def _item_lines(item: ItemDiff) -> list[str]:
    code = f"{item.old.code} → {item.new.code}" if item.renumbered else item.new.code
    notes = " [เปลี่ยนรหัส]" if item.renumbered else ""
    if item.moved:
        notes += f" [ย้ายจาก {item.moved[0]} ไป {item.moved[1]}]"
    out = [f"  {code}  {item.new.title.th}{notes}"]
    out += [f"    {_change_line(c)}" for c in item.changes]
    for fact in item.facts:
        name = fact.new if fact.old in (None, fact.new) else f"{fact.old} → {fact.new}" if fact.new else fact.old
        out.append(f"    ข้อมูล {name} ({STATUS_TH[fact.status]})")
        out += [f"      {_change_line(c)}" for c in fact.changes if fact.status == "changed"]
    for line in item.lines:
        if line.status == "changed":
            out.append(f"    บรรทัด {line.id}")
            out += [f"      {_change_line(c)}" for c in line.changes]
        else:
            ln = line.line
            condition, points_from = _rule_parts(ln)
            rule = condition if points_from is None else f"{condition or ''} → {points_from}".lstrip(" →")
            out.append(
                f"    บรรทัด {ln.id} ({STATUS_TH[line.status]}) {ln.round.code} {format_points(ln.points)} คะแนน: "
                f"{ln.text.th} [{rule}]"
            )
    return out


def _change_line(change: Change) -> str:
    label = change.label.th
    if change.words:
        return f"{label}: {_marked(change.words)}"
    return f"{label}: {shown(change.old)} → {shown(change.new)}"


def _marked(runs: Sequence[tuple[str, str]]) -> str:
    parts = []
    for index, (op, text) in enumerate(runs):
        text = text.replace("\n", " ⏎ ")
        if op == "-":
            parts.append(f"[-{text}-]")
        elif op == "+":
            parts.append(f"{{+{text}+}}")
        else:
            first, last = index == 0, index == len(runs) - 1
            if len(text) > 2 * CONTEXT and not (first and last):
                head = "" if first else _words_within(words(text), CONTEXT)
                tail = "" if last else _words_within(words(text)[::-1], CONTEXT, reverse=True)
                text = f"{head}…{tail}" if head and tail else f"{head}…" if head else f"…{tail}"
            parts.append(text)
    return "".join(parts)


def _words_within(tokens: Sequence[str], limit: int, *, reverse: bool = False) -> str:
    """The first (or, for reversed ``tokens``, last) whole words of a text within ``limit`` characters."""
    taken: list[str] = []
    size = 0
    for token in tokens:
        if size + len(token) > limit and taken:
            break
        taken.append(token)
        size += len(token)
    return "".join(taken[::-1] if reverse else taken)
