"""Edits of a framework *document* (the dict ``yamlio.load_text`` gives for a framework file).

Every function takes a document and returns a new one (the input is never changed), or raises
``EditError`` with a translated message for an edit that cannot be made (a duplicate code, an
unknown parent, removing a fact a line's rule still reads). What an edit cannot see, such as
points no longer adding up, is left to ``parse_framework``: a draft may be invalid while it is
being edited, and the studio shows its problems.

Keys keep their order: a changed value stays where it was, a new key goes where the format puts
it, so ``dump_framework`` of an edited document differs from the original only where it was edited.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from pramern.errors import UserError
from pramern.scoring.numbers import NumberProblem, parse_number
from pramern.scoring.rules import Call, Name, Node, RuleError, Where, parse

Document = dict[str, Any]
Part = dict[str, Any]

#: The order the format writes each part's keys in (docs/framework-format.md).
NODE_KEYS = ("code", "title_th", "title_en", "points", "items")
ITEM_KEYS = (
    "code", "title_th", "title_en", "points", "source_note", "guidance_th", "guidance_en", "evidence",
    "assumptions", "facts", "lines",
)  # fmt: skip
FACT_KEYS = (
    "type", "cumulative", "maximum", "step", "th", "en", "help_th", "help_en", "fields", "options",
)  # fmt: skip
FIELD_KEYS = ("type", "th", "en", "required", "choices")
OPTION_KEYS = ("th", "en", "points", "points_if")
LINE_KEYS = (
    "id", "round", "points", "points_from", "assumed", "when", "th", "en", "missing_th", "missing_en", "tests",
)  # fmt: skip
#: What a line's editor sets; the rest of a line (its ``tests``) is kept as it was by ``update_line``.
EDITED_LINE_KEYS = LINE_KEYS[:-1]
FACT_TYPES = ("event", "measurement", "choice", "periodic", "judgement")
FIELD_KINDS = ("flag", "choice", "section", "number", "text")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = frozenset({"sections", "staff", "and", "or", "not", "where", "true", "false"})
_CODE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")


class EditError(UserError):
    """An edit of a framework document that cannot be made."""


@dataclass(frozen=True)
class Place:
    """Where a node sits: the list holding it, its index there and its parent (``None``: top)."""

    siblings: list[Part]
    index: int
    parent: Part | None

    @property
    def node(self) -> Part:
        return self.siblings[self.index]


# --------------------------------------------------------------------------- finding


def kind_of(node: Mapping[str, Any], parent: Mapping[str, Any] | None) -> str:
    """``dimension``, ``group`` (a sub-dimension) or ``item``."""
    if parent is None:
        return "dimension"
    return "group" if "items" in node else "item"


def walk(document: Mapping[str, Any]) -> Iterator[tuple[Part, Part | None]]:
    """Every dimension, sub-dimension and item with its parent, in the file's order."""
    stack: list[tuple[Part, Part | None]] = [(d, None) for d in reversed(_list(document.get("dimensions")))]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        if "items" in node:
            stack.extend((child, node) for child in reversed(_list(node.get("items"))))


def locate(document: Mapping[str, Any], code: str) -> Place:
    """The place of the node with ``code``, or ``EditError``."""
    dimensions = _list(document.get("dimensions"))
    for index, node in enumerate(dimensions):
        if str(node.get("code")) == code:
            return Place(dimensions, index, None)
    for node, _parent in walk(document):
        children = _list(node.get("items")) if "items" in node else []
        for index, child in enumerate(children):
            if str(child.get("code")) == code:
                return Place(children, index, node)
    raise EditError(_("There is no item or dimension %(code)s in this framework.") % {"code": code})


def find(document: Mapping[str, Any], code: str) -> Part:
    """The dimension, sub-dimension or item with ``code`` (``EditError`` if there is none)."""
    return locate(document, code).node


def find_item(document: Mapping[str, Any], code: str) -> Part:
    """The item (a node with lines, not a dimension or sub-dimension) with ``code``."""
    place = locate(document, code)
    if kind_of(place.node, place.parent) != "item":
        raise EditError(_("%(code)s is a dimension or sub-dimension, not an item.") % {"code": code})
    return place.node


def codes(document: Mapping[str, Any]) -> set[str]:
    return {str(node.get("code")) for node, _parent in walk(document)}


def items(document: Mapping[str, Any]) -> list[Part]:
    """Every item (with lines) in the file's order."""
    return [node for node, parent in walk(document) if kind_of(node, parent) == "item"]


# --------------------------------------------------------------------------- the tree


def new_item(code: str, first_round: str, title_th: str = "", title_en: str = "", points: Any = 1) -> Part:
    """A new item: one fact and one line, enough for the editor to start from."""
    return {
        "code": code,
        "title_th": title_th or "ข้อใหม่",
        "title_en": title_en or "New item",
        "points": points,
        "guidance_th": "(แนวทางการดำเนินการ)",
        "guidance_en": "(Guidance)",
        "facts": {"records": {"type": "event", "th": "ผลงาน", "en": "Work done"}},
        "lines": [
            {
                "id": "done",
                "round": first_round,
                "points": points,
                "when": "count(records) >= 1",
                "th": "มีผลงาน",
                "en": "Work done",
                "missing_th": "ยังไม่มีผลงาน",
                "missing_en": "No work recorded yet",
            }
        ],
    }


def next_code(document: Mapping[str, Any], parent_code: str | None) -> str:
    """The first free code after the last child of ``parent_code`` (``None``: a new dimension)."""
    if parent_code is None:
        siblings = _list(document.get("dimensions"))
        prefix = ""
    else:
        siblings = _list(find(document, parent_code).get("items"))
        prefix = parent_code + "."
    taken = codes(document)
    numbers = [int(m.group(1)) for s in siblings if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", str(s["code"])))]
    number = max(numbers, default=0) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def add_item(
    document: Mapping[str, Any],
    parent_code: str,
    item: Mapping[str, Any] | None = None,
    *,
    position: int | None = None,
) -> Document:
    """Add an item under a dimension or sub-dimension (at ``position``, default last).

    Without ``item``, a new item from ``new_item`` with the next free code."""
    doc = copy.deepcopy(dict(document))
    parent = _parent_node(doc, parent_code)
    node = dict(item) if item is not None else new_item(next_code(doc, parent_code), _first_round(doc))
    node.setdefault("code", next_code(doc, parent_code))
    _check_new_code(doc, str(node["code"]), parent_code)
    _insert(parent.setdefault("items", []), node, position)
    return doc


def add_group(
    document: Mapping[str, Any],
    dimension_code: str,
    *,
    code: str | None = None,
    title_th: str = "",
    title_en: str = "",
    position: int | None = None,
) -> Document:
    """Add a sub-dimension to a dimension, holding one new item."""
    doc = copy.deepcopy(dict(document))
    place = locate(doc, dimension_code)
    if place.parent is not None:
        raise EditError(
            _("A sub-dimension can only be added to a dimension, not to %(code)s.") % {"code": dimension_code}
        )
    code = code or next_code(doc, dimension_code)
    _check_new_code(doc, code, dimension_code)
    group = {
        "code": code,
        "title_th": title_th or "ตัวชี้วัดย่อยใหม่",
        "title_en": title_en or "New sub-dimension",
        "points": 1,
        "items": [new_item(f"{code}.1", _first_round(doc))],
    }
    _insert(place.node.setdefault("items", []), group, position)
    return doc


def add_dimension(
    document: Mapping[str, Any], *, code: str | None = None, title_th: str = "", title_en: str = ""
) -> Document:
    """Add a dimension at the end, holding one new item."""
    doc = copy.deepcopy(dict(document))
    code = code or next_code(doc, None)
    if code in codes(doc):
        raise EditError(_("The code %(code)s is already used.") % {"code": code})
    doc.setdefault("dimensions", []).append(
        {
            "code": code,
            "title_th": title_th or "ด้านใหม่",
            "title_en": title_en or "New dimension",
            "points": 1,
            "items": [new_item(f"{code}.1", _first_round(doc))],
        }
    )
    return doc


def remove(document: Mapping[str, Any], code: str) -> Document:
    """Remove a dimension, sub-dimension or item (with everything under it)."""
    doc = copy.deepcopy(dict(document))
    place = locate(doc, code)
    if len(place.siblings) == 1:
        if place.parent is None:
            raise EditError(_("A framework needs at least one dimension: %(code)s is the last.") % {"code": code})
        raise EditError(
            _("%(parent)s would have no item left: add another before removing %(code)s.")
            % {"parent": place.parent["code"], "code": code}
        )
    del place.siblings[place.index]
    return doc


def move(
    document: Mapping[str, Any], code: str, *, parent_code: str | None = None, position: int | None = None
) -> Document:
    """Move a node to ``position`` among its siblings, or under another parent.

    Under another parent it gets that parent's next free code (its children follow, so every
    code still starts with its parent's); among its siblings it keeps its code (see ``renumber``)."""
    doc = copy.deepcopy(dict(document))
    place = locate(doc, code)
    node = place.node
    current_parent = place.parent["code"] if place.parent is not None else None
    if parent_code is None or parent_code == current_parent:
        del place.siblings[place.index]
        _insert(place.siblings, node, position)
        return doc
    if place.parent is None:
        raise EditError(_("A dimension cannot be moved under another node."))
    target = _parent_node(doc, parent_code)
    if parent_code == code or parent_code.startswith(code + "."):
        raise EditError(_("%(code)s cannot be moved under itself.") % {"code": code})
    target_place = locate(doc, parent_code)
    if "items" in node and target_place.parent is not None:
        raise EditError(_("A sub-dimension can only be placed under a dimension."))
    if len(place.siblings) == 1:
        raise EditError(
            _("%(parent)s would have no item left: add another before moving %(code)s.")
            % {"parent": current_parent, "code": code}
        )
    del place.siblings[place.index]
    new_code = next_code(doc, parent_code)
    _recode(node, code, new_code)
    _insert(target.setdefault("items", []), node, position)
    return doc


def move_by(document: Mapping[str, Any], code: str, offset: int) -> Document:
    """Move a node up (``offset`` < 0) or down among its siblings; at an end it stays."""
    place = locate(document, code)
    position = max(0, min(len(place.siblings) - 1, place.index + offset))
    return move(document, code, position=position)


def renumber_map(document: Mapping[str, Any], parent_code: str | None) -> dict[str, str]:
    """Old code → new code for every node under ``parent_code`` (``None``: the dimensions)
    when its children are numbered 1, 2, 3… in their order; unchanged codes are left out."""
    siblings = (
        _list(document.get("dimensions")) if parent_code is None else _list(find(document, parent_code).get("items"))
    )
    prefix = "" if parent_code is None else parent_code + "."
    mapping: dict[str, str] = {}
    for number, child in enumerate(siblings, start=1):
        old, new = str(child["code"]), f"{prefix}{number}"
        for node, _parent in walk({"dimensions": [child]}):
            node_code = str(node["code"])
            if old != new and (node_code == old or node_code.startswith(old + ".")):
                mapping[node_code] = new + node_code[len(old) :]
    return mapping


def renumber(document: Mapping[str, Any], parent_code: str | None) -> Document:
    """Number the children of ``parent_code`` 1, 2, 3… in their order (their children follow)."""
    mapping = renumber_map(document, parent_code)
    doc = copy.deepcopy(dict(document))
    outside = codes(doc) - set(mapping)
    clash = sorted(set(mapping.values()) & outside)
    if clash:
        raise EditError(_("The code %(code)s is already used.") % {"code": clash[0]})
    for node, _parent in walk(doc):
        if str(node["code"]) in mapping:
            node["code"] = mapping[str(node["code"])]
    return doc


def set_code(document: Mapping[str, Any], code: str, new_code: str) -> Document:
    """Give one node a new code (its children follow); it must start with its parent's."""
    doc = copy.deepcopy(dict(document))
    place = locate(doc, code)
    parent_code = str(place.parent["code"]) if place.parent is not None else None
    if new_code != code:
        _check_new_code(doc, new_code, parent_code)
        _recode(place.node, code, new_code)
    return doc


# --------------------------------------------------------------------------- texts and points


#: What ``set_texts`` may change on each kind of node.
TEXT_FIELDS = {
    "dimension": ("title_th", "title_en", "points"),
    "group": ("title_th", "title_en", "points"),
    "item": (
        "title_th",
        "title_en",
        "points",
        "guidance_th",
        "guidance_en",
        "evidence",
        "source_note",
        "assumptions",
    ),
}


def set_texts(document: Mapping[str, Any], code: str, **values: Any) -> Document:
    """Set titles, points, guidance, evidence (a list of {th, en}), the source note ({th, en}, or
    ``None`` to drop it) and assumptions (a list of {id, th, en}) of a node."""
    doc = copy.deepcopy(dict(document))
    place = locate(doc, code)
    kind = kind_of(place.node, place.parent)
    allowed = TEXT_FIELDS[kind]
    unknown = [key for key in values if key not in allowed]
    if unknown:
        raise EditError(_("%(field)s cannot be set on %(code)s.") % {"field": unknown[0], "code": code})
    old = place.node
    node = dict(old)
    for key, value in values.items():
        if key == "points":
            node[key] = number(value, _("points"))
        elif key in ("evidence", "assumptions"):
            node[key] = _text_list(value, key)
            if not node[key]:
                del node[key]  # an empty list is written as no key at all
        elif key == "source_note":
            note = {k: str(v).strip() for k, v in dict(value or {}).items() if k in ("th", "en")}
            if any(note.values()):
                node[key] = {"th": note.get("th", ""), "en": note.get("en", "")}
            else:
                node.pop(key, None)
        else:
            node[key] = _text(value, key)
            if str(old.get(key, "")).endswith("\n"):
                node[key] += "\n"  # a long text keeps its block style (``|``, not ``|-``)
    place.siblings[place.index] = ordered(node, old, ITEM_KEYS if kind == "item" else NODE_KEYS)
    return doc


# --------------------------------------------------------------------------- facts


def add_fact(document: Mapping[str, Any], code: str, name: str, fact: Mapping[str, Any]) -> Document:
    """Add a fact to an item."""
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    facts = item.setdefault("facts", {})
    _check_name(name, _("fact"))
    if name in facts:
        raise EditError(_("Item %(code)s already has a fact %(name)s.") % {"code": code, "name": name})
    facts[name] = _clean_fact(fact, None)
    return doc


def update_fact(document: Mapping[str, Any], code: str, name: str, fact: Mapping[str, Any]) -> Document:
    """Replace a fact's type, labels, help, fields and options; a field or option a line's rule
    reads may not disappear."""
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    facts = item.get("facts") or {}
    if name not in facts:
        raise EditError(_("Item %(code)s has no fact %(name)s.") % {"code": code, "name": name})
    cleaned = _clean_fact(fact, facts[name])
    kept = set(cleaned.get("fields") or {})
    for line, source in _rules(item):
        for fact_name, field in references(source):
            if (
                fact_name == name
                and field is not None
                and field not in kept
                and field in (facts[name].get("fields") or {})
            ):
                raise EditError(
                    _("The field %(field)s of %(fact)s is read by line %(line)s: change that line's rule first.")
                    % {"field": field, "fact": name, "line": line}
                )
    facts[name] = cleaned
    return doc


def remove_fact(document: Mapping[str, Any], code: str, name: str) -> Document:
    """Remove a fact no line's rule reads."""
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    facts = item.get("facts") or {}
    if name not in facts:
        raise EditError(_("Item %(code)s has no fact %(name)s.") % {"code": code, "name": name})
    users = [line for line, source in _rules(item) if name in {fact for fact, _f in references(source)}]
    if users:
        raise EditError(
            _("The fact %(name)s is read by line %(line)s: change or remove that line first.")
            % {"name": name, "line": ", ".join(users)}
        )
    del facts[name]
    return doc


def rename_fact(document: Mapping[str, Any], code: str, name: str, new_name: str) -> Document:
    """Rename a fact, and every rule of the item that reads it."""
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    facts = item.get("facts") or {}
    if name not in facts:
        raise EditError(_("Item %(code)s has no fact %(name)s.") % {"code": code, "name": name})
    if new_name == name:
        return doc
    _check_name(new_name, _("fact"))
    if new_name in facts:
        raise EditError(_("Item %(code)s already has a fact %(name)s.") % {"code": code, "name": new_name})
    item["facts"] = {(new_name if key == name else key): value for key, value in facts.items()}
    for line in _list(item.get("lines")):
        for key in ("when", "points_from"):
            if isinstance(line.get(key), str):
                line[key] = rename_in_rule(line[key], name, new_name)
        for case in _list(line.get("tests")):
            records = case.get("records") if isinstance(case, dict) else None
            if isinstance(records, dict) and name in records:
                case["records"] = {(new_name if key == name else key): value for key, value in records.items()}
    return doc


def references(source: str) -> set[tuple[str, str | None]]:
    """The facts a rule reads, as (fact, None), and their fields read after ``where`` or named
    in ``distinct``, as (fact, field). A rule that does not parse reads nothing known."""
    try:
        tree = parse(source)
    except (RuleError, RecursionError):
        return set()
    found: set[tuple[str, str | None]] = set()
    for node, fact in _names(tree, None):
        if fact is None:
            found.add((node.name, None))
        else:
            found.add((fact, node.name))
    for node in _nodes(tree):
        if isinstance(node, Call) and node.name == "distinct" and len(node.args) == 2:
            first, second = node.args
            fact_node = first.fact if isinstance(first, Where) else first
            literal = getattr(second, "value", None)
            if isinstance(fact_node, Name) and isinstance(literal, str):
                found.add((fact_node.name, literal))
    return found - {("sections", None), ("staff", None)}


def rename_in_rule(source: str, name: str, new_name: str) -> str:
    """``source`` with every use of the fact ``name`` (not a field of that name) renamed."""
    try:
        tree = parse(source)
    except (RuleError, RecursionError):
        return source
    columns = sorted(
        (node.column for node, fact in _names(tree, None) if fact is None and node.name == name), reverse=True
    )
    for column in columns:
        start = column - 1
        source = source[:start] + new_name + source[start + len(name) :]
    return source


# --------------------------------------------------------------------------- lines


def add_line(
    document: Mapping[str, Any], code: str, line: Mapping[str, Any], *, position: int | None = None
) -> Document:
    """Add a scoring line to an item (its id unique within the item)."""
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    lines = item.setdefault("lines", [])
    cleaned = _clean_line(line, None)
    if any(str(other.get("id")) == cleaned["id"] for other in lines):
        raise EditError(_("Item %(code)s already has a line %(id)s.") % {"code": code, "id": cleaned["id"]})
    _insert(lines, cleaned, position)
    return doc


def update_line(document: Mapping[str, Any], code: str, line_id: str, line: Mapping[str, Any]) -> Document:
    """Replace a line's id, round, points or points_from, condition and texts; what ``line`` does
    not name of the rest (its line tests) stays."""
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    lines = _list(item.get("lines"))
    index = _line_index(lines, code, line_id)
    kept = {key: value for key, value in lines[index].items() if key not in EDITED_LINE_KEYS and key not in line}
    cleaned = _clean_line({**line, **kept}, lines[index])
    if cleaned["id"] != line_id and any(str(other.get("id")) == cleaned["id"] for other in lines):
        raise EditError(_("Item %(code)s already has a line %(id)s.") % {"code": code, "id": cleaned["id"]})
    lines[index] = cleaned
    return doc


def remove_line(document: Mapping[str, Any], code: str, line_id: str) -> Document:
    doc = copy.deepcopy(dict(document))
    item = find_item(doc, code)
    lines = _list(item.get("lines"))
    index = _line_index(lines, code, line_id)
    if len(lines) == 1:
        raise EditError(_("An item needs at least one scoring line: %(id)s is the last.") % {"id": line_id})
    del lines[index]
    return doc


def move_line(document: Mapping[str, Any], code: str, line_id: str, offset: int) -> Document:
    """Move a line up (``offset`` < 0) or down among the item's lines."""
    doc = copy.deepcopy(dict(document))
    lines = _list(find_item(doc, code).get("lines"))
    index = _line_index(lines, code, line_id)
    line = lines.pop(index)
    lines.insert(max(0, min(len(lines), index + offset)), line)
    return doc


def find_line(document: Mapping[str, Any], code: str, line_id: str) -> Part:
    lines = _list(find_item(document, code).get("lines"))
    return lines[_line_index(lines, code, line_id)]


# --------------------------------------------------------------------------- helpers


def number(value: Any, what: str) -> int | float:
    """A number as YAML writes it: an int when whole, else a float (``"0.5"`` → 0.5)."""
    try:
        exact = parse_number(value.strip() if isinstance(value, str) else value)
    except NumberProblem:
        raise EditError(_("%(what)s must be a number, not %(value)s.") % {"what": what, "value": value}) from None
    if exact < 0:
        raise EditError(_("%(what)s must be a number of zero or more, not %(value)s.") % {"what": what, "value": value})
    return int(exact) if exact.denominator == 1 else float(exact)


def _blank(value: Any) -> bool:
    """Nothing to write: the key is left out (``False`` too: every flag of the format defaults to it)."""
    return value is None or value is False or (isinstance(value, (str, dict, list)) and not value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _first_round(doc: Mapping[str, Any]) -> str:
    rounds = _list(doc.get("rounds"))
    return str(rounds[0].get("code")) if rounds and isinstance(rounds[0], dict) else "R1"


def _parent_node(doc: Mapping[str, Any], parent_code: str) -> Part:
    try:
        place = locate(doc, parent_code)
    except EditError:
        raise EditError(
            _("There is no dimension or sub-dimension %(code)s to add to.") % {"code": parent_code}
        ) from None
    if kind_of(place.node, place.parent) == "item":
        raise EditError(
            _("%(code)s is an item: items can only be added to a dimension or sub-dimension.") % {"code": parent_code}
        )
    return place.node


def _check_new_code(doc: Mapping[str, Any], code: str, parent_code: str | None) -> None:
    if not _CODE.fullmatch(code):
        raise EditError(_("%(code)s is not a code: write numbers joined by dots, such as 1.2.3.") % {"code": code})
    if parent_code is not None and not code.startswith(parent_code + "."):
        raise EditError(
            _("The code %(code)s must start with its parent's code %(parent)s and a dot.")
            % {"code": code, "parent": parent_code}
        )
    if code in codes(doc):
        raise EditError(_("The code %(code)s is already used.") % {"code": code})


def _recode(node: Part, old: str, new: str) -> None:
    for each, _parent in walk({"dimensions": [node]}):
        code = str(each["code"])
        if code == old or code.startswith(old + "."):
            each["code"] = new + code[len(old) :]


def _insert(siblings: list[Any], node: Any, position: int | None) -> None:
    if position is None or position >= len(siblings):
        siblings.append(node)
    else:
        siblings.insert(max(0, position), node)


def ordered(values: Mapping[str, Any], old: Mapping[str, Any] | None, canonical: Sequence[str]) -> dict[str, Any]:
    """``values`` with the keys in ``old``'s order and new keys where ``canonical`` puts them."""
    order = [key for key in (old or {}) if key in values]
    for key in values:
        if key in order:
            continue
        rank = canonical.index(key) if key in canonical else len(canonical)
        at = len(order)
        for index, existing in enumerate(order):
            if existing in canonical and canonical.index(existing) > rank:
                at = index
                break
        order.insert(at, key)
    return {key: values[key] for key in order}


def _text(value: Any, what: str) -> str:
    text = str(value if value is not None else "").strip()
    if not text:
        raise EditError(_("%(what)s cannot be empty.") % {"what": what})
    return text.replace("\r\n", "\n")


def _text_list(value: Iterable[Any], key: str) -> list[dict[str, str]]:
    out = []
    for entry in value or ():
        entry = dict(entry)
        th, en = str(entry.get("th", "")).strip(), str(entry.get("en", "")).strip()
        if not th and not en:
            continue
        row = {"id": str(entry.get("id", "")).strip()} if key == "assumptions" else {}
        if key == "assumptions" and not row["id"]:
            row["id"] = str(len(out) + 1)
        out.append({**row, "th": th, "en": en})
    return out


def _check_name(name: str, what: str) -> None:
    if not _IDENTIFIER.fullmatch(name or "") or name in _RESERVED:
        raise EditError(
            _("%(name)s cannot be the name of a %(what)s: use English letters, digits and _ (not a keyword).")
            % {"name": name, "what": what}
        )


def _clean_fact(fact: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    values = {key: value for key, value in fact.items() if not _blank(value) or key == "type"}
    if values.get("type") not in FACT_TYPES:
        raise EditError(_("A fact's type must be one of: %(types)s.") % {"types": ", ".join(FACT_TYPES)})
    for key in ("th", "en"):
        values[key] = _text(values.get(key), key)
    for key in ("help_th", "help_en"):
        if key in values:
            values[key] = str(values[key]).strip()
    for name, spec in (values.get("fields") or {}).items():
        _check_name(str(name), _("field"))
        if not isinstance(spec, Mapping) or spec.get("type") not in FIELD_KINDS:
            raise EditError(
                _("The field %(name)s needs a type: one of %(types)s.")
                % {"name": name, "types": ", ".join(FIELD_KINDS)}
            )
    for key in ("maximum", "step"):
        if key in values and values[key] != "staff":
            values[key] = number(values[key], key)
    unknown = [key for key in values if key not in FACT_KEYS]
    if unknown:
        raise EditError(_("%(field)s cannot be set on a fact.") % {"field": unknown[0]})
    return ordered(values, old, FACT_KEYS)


def _clean_line(line: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    values = {key: value for key, value in line.items() if not _blank(value) and key in LINE_KEYS}
    unknown = [key for key in line if key not in LINE_KEYS]
    if unknown:
        raise EditError(_("%(field)s cannot be set on a line.") % {"field": unknown[0]})
    ident = str(values.get("id", "")).strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", ident):
        raise EditError(_("A line's id must be letters, digits, - or _ (such as second-presented)."))
    values["id"] = ident
    if not values.get("assumed"):
        values.pop("assumed", None)
    else:
        values["assumed"] = True
    if "points" in values:
        values["points"] = number(values["points"], _("points"))
    for key in ("when", "points_from"):
        if key in values:
            values[key] = " ".join(str(values[key]).split())
    for key in ("th", "en", "missing_th", "missing_en"):
        if key in values:
            values[key] = str(values[key]).strip()
    return ordered(values, old, LINE_KEYS)


def _line_index(lines: Sequence[Mapping[str, Any]], code: str, line_id: str) -> int:
    for index, line in enumerate(lines):
        if str(line.get("id", index + 1)) == line_id:
            return index
    raise EditError(_("Item %(code)s has no line %(id)s.") % {"code": code, "id": line_id})


def _rules(item: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(_list(item.get("lines"))):
        for key in ("when", "points_from"):
            if isinstance(line.get(key), str):
                yield str(line.get("id", index + 1)), line[key]


def _nodes(node: Node) -> Iterator[Node]:
    yield node
    for child in _children(node):
        yield from _nodes(child)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Where):
        return (node.fact, node.condition)
    if isinstance(node, Call):
        return node.args
    if hasattr(node, "operand"):
        return (node.operand,)  # type: ignore[attr-defined]
    if hasattr(node, "left"):
        return (node.left, node.right)  # type: ignore[attr-defined]
    return ()


def _names(node: Node, fact: str | None) -> Iterator[tuple[Name, str | None]]:
    """Every name in a rule with the fact whose record it reads (``None``: a fact or variable)."""
    if isinstance(node, Name):
        yield node, fact
    elif isinstance(node, Where):
        yield node.fact, fact
        yield from _names(node.condition, node.fact.name)
    else:
        for child in _children(node):
            yield from _names(child, fact)


# --------------------------------------------------------------------------- line tests (example cases)

#: The order the format writes a line test's keys in (docs/framework-format.md "Line tests").
CASE_KEYS = ("name", "round", "staff_count", "sections", "records", "expect")


def set_line_tests(
    document: Mapping[str, Any], code: str, line_id: str, cases: Sequence[Mapping[str, Any]]
) -> Document:
    """Replace a line's tests with ``cases`` (none: the line's ``tests`` key goes). Each case keeps
    the format's key order and loses blank keys; its records are not checked here (the loader
    names a bad record as a draft problem)."""
    doc = copy.deepcopy(dict(document))
    line = find_line(doc, code, line_id)
    cleaned = [_clean_case(case) for case in cases]
    if cleaned:
        line["tests"] = cleaned
    else:
        line.pop("tests", None)
    return doc


def add_line_test(document: Mapping[str, Any], code: str, line_id: str, case: Mapping[str, Any]) -> Document:
    """Add an example case at the end of a line's tests."""
    return set_line_tests(document, code, line_id, [*line_tests(document, code, line_id), case])


def update_line_test(
    document: Mapping[str, Any], code: str, line_id: str, index: int, case: Mapping[str, Any]
) -> Document:
    """Replace the line's case ``tests[index]``."""
    cases = line_tests(document, code, line_id)
    _case_index(cases, line_id, index)
    cases[index] = case
    return set_line_tests(document, code, line_id, cases)


def remove_line_test(document: Mapping[str, Any], code: str, line_id: str, index: int) -> Document:
    """Remove the line's case ``tests[index]``."""
    cases = line_tests(document, code, line_id)
    _case_index(cases, line_id, index)
    del cases[index]
    return set_line_tests(document, code, line_id, cases)


def line_tests(document: Mapping[str, Any], code: str, line_id: str) -> list[Any]:
    """A copy of a line's tests (an empty list when it has none)."""
    return copy.deepcopy(_list(find_line(document, code, line_id).get("tests")))


def _case_index(cases: Sequence[Any], line_id: str, index: int) -> None:
    if not 0 <= index < len(cases):
        raise EditError(_("Line %(id)s has no test %(index)s.") % {"id": line_id, "index": index})


def _clean_case(case: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(case, Mapping):
        raise EditError(_("A line test is a mapping of name, round, records and expect."))
    unknown = [key for key in case if key not in CASE_KEYS]
    if unknown:
        raise EditError(_("%(field)s cannot be set on a line test.") % {"field": unknown[0]})
    if case.get("expect") is None or case.get("expect") == "":
        raise EditError(_("A line test needs the points it expects."))
    values = {key: value for key, value in case.items() if key == "expect" or not _blank(value)}
    values["expect"] = number(values["expect"], _("expect"))
    if "staff_count" in values and not isinstance(values["staff_count"], Mapping):
        values["staff_count"] = number(values["staff_count"], _("staff count"))
    for key in ("name", "round"):
        if key in values:
            values[key] = str(values[key]).strip()
    return {key: values[key] for key in CASE_KEYS if key in values}


# --------------------------------------------------------------------------- the predecessor

#: Where the format writes ``previous:`` among the top-level keys (before the rounds).
TOP_KEYS = (
    "format", "code", "version", "title_th", "title_en", "total_points", "max_records_per_fact", "previous",
    "rounds", "assumptions", "dimensions",
)  # fmt: skip


def set_previous(document: Mapping[str, Any], previous: Mapping[str, Any] | None) -> Document:
    """The document with ``previous:`` replaced by ``previous`` (``None``: removed), the other
    top-level keys kept in their order (docs/framework-format.md, "The predecessor")."""
    doc = copy.deepcopy(dict(document))
    if previous is None:
        doc.pop("previous", None)
        return doc
    values = dict(doc)
    values["previous"] = copy.deepcopy(dict(previous))
    return ordered(values, doc, TOP_KEYS)
