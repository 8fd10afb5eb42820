"""What the studio's pages show: the list of drafts, a draft's tree and revisions, and diffs.

Read paths only; the tree is read from the draft's document, not its compiled form, because a
draft may not compile while it is being edited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from pramern.scoring import FrameworkError, format_points, parse_framework
from pramern.scoring.diff import FrameworkDiff, diff_frameworks
from pramern.scoring.model import Framework as CompiledFramework
from pramern.studio.models import DraftRevision, FrameworkDraft
from pramern.studio.services import text_diff
from pramern.ui.text import english


@dataclass
class DraftRow:
    draft: FrameworkDraft
    last: DraftRevision | None
    revisions: int


def draft_rows() -> list[DraftRow]:
    """Every draft, newest first, with its newest revision (two queries whatever the number)."""
    revisions = DraftRevision.objects.defer("source").select_related("author").order_by("-number")
    drafts: QuerySet[FrameworkDraft] = FrameworkDraft.objects.for_index().prefetch_related(
        Prefetch("revisions", queryset=revisions)
    )
    rows = []
    for draft in drafts:
        listed = list(draft.revisions.all())
        rows.append(DraftRow(draft, listed[0] if listed else None, len(listed)))
    return rows


@dataclass
class TreeNode:
    """A dimension, sub-dimension or item of a draft, as its document holds it."""

    kind: str  # dimension | group | item
    code: str
    title_th: str
    title_en: str
    points: Any
    depth: int
    url: str = ""
    facts: int = 0
    lines: int = 0
    children: list[TreeNode] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The title in the active language (the Thai one when the English one is missing)."""
        return self.title_en if english() and self.title_en else self.title_th

    @property
    def points_text(self) -> str:
        """The points as the page shows them (a half-typed value as it is)."""
        if self.points is None or isinstance(self.points, bool):
            return ""
        try:
            return format_points(Decimal(str(self.points)))
        except ArithmeticError:
            return str(self.points)


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another part of the studio adds ('' while that part is not installed)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def item_url(draft: FrameworkDraft, code: str) -> str:
    """The item editor's page for an item of the draft ('' until the item editor is installed)."""
    return optional_url("studio:item", draft.pk, code)


@dataclass(frozen=True)
class DraftLinks:
    """The pages of other parts of the studio the draft page links to, when they exist."""

    tree: str
    dry_run: str


def draft_links(draft: FrameworkDraft) -> DraftLinks:
    return DraftLinks(
        tree=optional_url("studio:tree", draft.pk), dry_run=_with_draft(optional_url("studio:dry_run"), draft.pk)
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def draft_tree(draft: FrameworkDraft, document: Any) -> list[TreeNode]:
    """The tree of dimensions, sub-dimensions and items, tolerant of a half-edited document."""
    dimensions = document.get("dimensions") if isinstance(document, dict) else None
    nodes = []
    for dimension in dimensions if isinstance(dimensions, list) else []:
        if isinstance(dimension, dict):
            nodes.append(_node(draft, dimension, "dimension", 0))
    return nodes


def _node(draft: FrameworkDraft, entry: dict[str, Any], kind: str, depth: int) -> TreeNode:
    code = _str(entry.get("code"))
    node = TreeNode(
        kind=kind,
        code=code,
        title_th=_str(entry.get("title_th")),
        title_en=_str(entry.get("title_en")),
        points=entry.get("points"),
        depth=depth,
    )
    children = entry.get("items")
    if kind != "item":
        for child in children if isinstance(children, list) else []:
            if isinstance(child, dict):
                is_group = isinstance(child.get("items"), list) and "lines" not in child
                node.children.append(_node(draft, child, "group" if is_group else "item", depth + 1))
    if kind == "item":
        facts, lines = entry.get("facts"), entry.get("lines")
        node.facts = len(facts) if isinstance(facts, dict) else 0
        node.lines = len(lines) if isinstance(lines, list) else 0
        node.url = item_url(draft, code) if code else ""
    return node


def flatten(nodes: list[TreeNode]) -> list[TreeNode]:
    """The tree in reading order, for a table."""
    out: list[TreeNode] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def revisions_of(draft: FrameworkDraft) -> list[DraftRevision]:
    """The draft's revisions, newest first, without their texts."""
    return list(draft.revisions.defer("source").select_related("author").order_by("-number"))


@dataclass
class DiffLine:
    kind: str  # add | remove | hunk | file | same
    text: str


@dataclass
class RevisionDiff:
    old: DraftRevision
    new: DraftRevision
    text: str
    lines: list[DiffLine]
    #: What changed item by item (``pramern.scoring.diff``), when both revisions compile.
    framework: FrameworkDiff | None = None

    @property
    def empty(self) -> bool:
        return not self.text


def unified_lines(text: str) -> list[DiffLine]:
    """A unified diff as lines marked for the page's colours."""
    lines = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "same"
        lines.append(DiffLine(kind, line))
    return lines


def _compiled(source: str, name: str) -> CompiledFramework | None:
    try:
        return parse_framework(source, name)
    except FrameworkError:
        return None


def revision_diff(old: DraftRevision, new: DraftRevision) -> RevisionDiff:
    """From revision ``old`` to revision ``new`` of a draft: the YAML text diff, and what changed
    item by item when both compile."""
    text = text_diff(old.source, new.source, old.filename, new.filename)
    before, after = _compiled(old.source, old.filename), _compiled(new.source, new.filename)
    structured = diff_frameworks(before, after) if before and after and text else None
    return RevisionDiff(old, new, text, unified_lines(text), structured)


def source_diff(draft: FrameworkDraft, revision: DraftRevision) -> FrameworkDiff | None:
    """What the revision changes against the framework the draft was copied from (None when the
    draft was not copied or does not compile)."""
    after = _compiled(revision.source, revision.filename)
    if draft.based_on is None or after is None:
        return None
    return diff_frameworks(draft.based_on.compiled(), after)


def _with_draft(url: str, pk: int) -> str:
    """The dry run page's address with this draft chosen (empty when the page is not installed)."""
    return f"{url}?draft={pk}" if url else ""
