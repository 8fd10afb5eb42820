"""The predecessor page of a draft: which installed framework the draft succeeds and where that
framework's items and facts went, as rows to choose from (the ``previous:`` of the draft's file,
docs/framework-format.md "The predecessor").

``predecessor_page(draft, document, key, data)`` builds one row per item of the chosen framework
(old item → an item of the draft, or none) and one row per fact of an old item that has a
successor (old fact → a fact of that successor, or none). Without ``data`` the rows are prefilled
from the draft's ``previous:`` when it names the chosen framework, else by the same code and the
same fact name; with ``data`` (a POST) they hold what was chosen and each bad choice carries its
message, so the page shows it at its row with the choice kept. ``PredecessorPage.entry()`` is the
``previous:`` to save: only the entries that differ from "same code, same fact name", so a file
stays as short as one written by hand and the mapping reads the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pramern.frameworks.models import Framework
from pramern.studio import edits
from pramern.studio.models import FrameworkDraft

#: The value of "none (dropped)" in a row's choice.
NONE = ""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class ItemRow:
    """An item of the old framework and the draft's item chosen to continue it (``NONE``: dropped)."""

    old_code: str
    old_title: str
    choice: str
    error: str = ""

    @property
    def name(self) -> str:
        return f"item:{self.old_code}"


@dataclass
class FactRow:
    """A fact of an old item that has a successor, and the successor's fact chosen to continue it."""

    old_code: str
    old_fact: str
    old_label: str
    new_item: str
    choice: str
    options: list[Choice]
    error: str = ""

    @property
    def name(self) -> str:
        return f"fact:{self.old_code}/{self.old_fact}"

    @property
    def choice_known(self) -> bool:
        return self.choice == NONE or any(option.value == self.choice for option in self.options)


@dataclass
class PredecessorPage:
    draft: FrameworkDraft
    #: the installed frameworks the draft may succeed (never itself), newest first
    frameworks: list[Choice]
    #: the chosen one's key (``code@version``), ``NONE`` for no predecessor
    key: str
    chosen: Framework | None
    #: what the draft's file says today (``code@version``), "" when it names none
    declared: str
    declared_installed: bool
    #: a key asked for that is not an installed framework (refused), else ""
    unknown: str
    new_items: list[Choice]
    items: list[ItemRow] = field(default_factory=list)
    facts: list[FactRow] = field(default_factory=list)

    @property
    def problems(self) -> int:
        rows: list[ItemRow | FactRow] = [*self.items, *self.facts]
        return sum(1 for row in rows if row.error) + (1 if self.unknown else 0)

    def entry(self) -> dict[str, Any] | None:
        """The ``previous:`` these rows make (``None`` without a predecessor): entries only where
        the choice is not the same code or the same fact name."""
        if self.chosen is None:
            return None
        items = {row.old_code: row.choice or None for row in self.items if row.choice != row.old_code}
        facts = {
            f"{row.old_code}/{row.old_fact}": row.choice or None for row in self.facts if row.choice != row.old_fact
        }
        entry: dict[str, Any] = {"code": self.chosen.code, "version": self.chosen.version}
        if items:
            entry["items"] = items
        if facts:
            entry["facts"] = facts
        return entry


def framework_key(framework: Framework) -> str:
    return f"{framework.code}@{framework.version}"


def _declared(document: Mapping[str, Any]) -> Mapping[str, Any]:
    previous = document.get("previous")
    return previous if isinstance(previous, Mapping) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value).strip()


def _new_items(document: Mapping[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """The draft's items: code → (Thai title, fact names), in the file's order."""
    out: dict[str, tuple[str, list[str]]] = {}
    for item in edits.items(document):
        facts = item.get("facts")
        names = [str(name) for name in facts] if isinstance(facts, Mapping) else []
        out[_text(item.get("code"))] = (_text(item.get("title_th")), names)
    return out


def _default_key(draft: FrameworkDraft, declared: str, installed: Mapping[str, Framework]) -> str:
    if declared in installed:
        return declared
    if draft.based_on is not None and framework_key(draft.based_on) in installed:
        return framework_key(draft.based_on)
    return NONE


def predecessor_page(
    draft: FrameworkDraft, document: Any, key: str | None = None, data: Mapping[str, Any] | None = None
) -> PredecessorPage:
    """The page's rows for the framework ``key`` (``None``: the one the draft names, else the one it
    was copied from; ``NONE``: no predecessor), with ``data``'s choices checked when given."""
    document = document if isinstance(document, Mapping) else {}
    own = (_text(document.get("code")), _text(document.get("version")))
    installed = {
        framework_key(f): f
        for f in Framework.objects.newest_first()
        if (f.code, f.version) != own and (f.code, f.version) != (draft.code, draft.version)
    }
    declared_map = _declared(document)
    declared = (
        f"{_text(declared_map.get('code'))}@{_text(declared_map.get('version'))}" if declared_map.get("code") else ""
    )
    key = _default_key(draft, declared, installed) if key is None else key.strip()
    unknown = key if key and key not in installed else ""
    chosen = installed.get(key) if key else None
    new = _new_items(document)
    page = PredecessorPage(
        draft=draft,
        frameworks=[Choice(k, f"{k} {f.title_th}") for k, f in installed.items()],
        key=key if chosen is not None else NONE,
        chosen=chosen,
        declared=declared,
        declared_installed=declared in installed,
        unknown=unknown,
        new_items=[Choice(code, f"{code} {title}".strip()) for code, (title, _facts) in new.items()],
    )
    if chosen is None:
        return page
    names_it = declared == key
    explicit_items = declared_map.get("items") if names_it else None
    explicit_facts = declared_map.get("facts") if names_it else None
    explicit_items = explicit_items if isinstance(explicit_items, Mapping) else {}
    explicit_facts = explicit_facts if isinstance(explicit_facts, Mapping) else {}
    for old in chosen.compiled().items_by_code.values():
        row = ItemRow(old.code, old.title.th, _item_choice(old.code, new, explicit_items, data))
        if row.choice != NONE and row.choice not in new:
            row.error = _("%(code)s is not an item of this draft: choose one of its items or none.") % {
                "code": row.choice
            }
        page.items.append(row)
        if row.error or row.choice == NONE:
            continue
        target_facts = new[row.choice][1]
        options = [Choice(name, name) for name in target_facts]
        for name, spec in old.facts.items():
            fact = FactRow(
                old.code,
                name,
                spec.label.th,
                row.choice,
                _fact_choice(old.code, name, target_facts, explicit_facts, data),
                options,
            )
            if fact.choice != NONE and fact.choice not in target_facts:
                fact.error = _("%(fact)s is not a fact of item %(item)s (its facts: %(known)s).") % {
                    "fact": fact.choice,
                    "item": row.choice,
                    "known": ", ".join(target_facts) or _("none"),
                }
            page.facts.append(fact)
    return page


def _item_choice(
    old_code: str,
    new: Mapping[str, Any],
    explicit: Mapping[Any, Any],
    data: Mapping[str, Any] | None,
) -> str:
    name = f"item:{old_code}"
    if data is not None and name in data:
        return _text(data.get(name))
    if old_code in explicit:
        return _text(explicit[old_code])
    return old_code if old_code in new else NONE


def _fact_choice(
    old_code: str,
    old_fact: str,
    target_facts: list[str],
    explicit: Mapping[Any, Any],
    data: Mapping[str, Any] | None,
) -> str:
    name = f"fact:{old_code}/{old_fact}"
    if data is not None and name in data:
        return _text(data.get(name))
    key = f"{old_code}/{old_fact}"
    if key in explicit:
        return _text(explicit[key])
    return old_fact if old_fact in target_facts else NONE
