"""The unit home's read model: "what must I do now?" A card per open round (deadline, days left,
points claimed of those possible, records the Centre rejected with its reason, items claiming
points without evidence, the submit step), a state chip per item, and the items given to the
reader. Built on ``workspace.load_workspace`` in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment, Evidence, ItemAssignment, Record, UnitRound
from pramern.assessments.rounds import RoundLabel, RoundStatus
from pramern.assessments.workspace import Workspace, load_workspace, unsupported_claim
from pramern.audit.services import display_name
from pramern.organizations.models import Role
from pramern.organizations.permissions import access_for
from pramern.reports import caching
from pramern.review import visibility
from pramern.review.models import Verdict
from pramern.review.verdicts import VerifiedRound
from pramern.scoring import ItemResult, LineResult, ScoreResult, format_points
from pramern.scoring.model import Item
from pramern.ui.text import tr

#: Verdicts the unit must act on: shown in red with the Centre's reason.
REFUSED = frozenset({Verdict.Status.REJECTED, Verdict.Status.NEEDS_REVISION})


@dataclass(frozen=True)
class ChipState:
    """An item's state as its chip says it, by colour (``css``) and by icon and words."""

    code: str  # full | partial | none | rejected | no-evidence
    icon: str

    @property
    def css(self) -> str:
        return f"chip-{self.code}"

    @property
    def text(self) -> str:
        texts: dict[str, str] = {
            "full": _("full points"),
            "partial": _("partly earned"),
            "none": _("no points yet"),
            "rejected": _("rejected by the Centre"),
            "no-evidence": _("no evidence"),
        }
        return texts[self.code]


FULL = ChipState("full", "✓")
PARTIAL = ChipState("partial", "◐")
NONE = ChipState("none", "○")
REJECTED = ChipState("rejected", "✗")
NO_EVIDENCE = ChipState("no-evidence", "!")


def chip_state(result: ItemResult, *, has_evidence: bool, rejected: bool) -> ChipState:
    """The one rule for an item's chip: the Centre's rejection first (the unit must act), then
    points claimed without evidence (they will not be verified), then full, partial or none."""
    if rejected:
        return REJECTED
    if unsupported_claim(result, has_evidence):
        return NO_EVIDENCE
    if result.points >= result.max_points:
        return FULL
    return PARTIAL if result.points > 0 else NONE


@dataclass(frozen=True)
class ItemChip:
    item: Item
    points: Decimal
    max_points: Decimal
    state: ChipState
    assignee: Any | None  # the unit's person looking after the item (None: nobody)
    url: str = ""  # the item's page

    @property
    def html(self) -> SafeString:
        """The chip: made here rather than by an include per item (41 of them on the home page)."""
        state = self.state
        return mark_safe(
            f'<span class="chip {state.css}" data-item="{escape(self.item.code)}" data-state="{state.code}">'
            f'<span aria-hidden="true">{state.icon}</span> <span class="points">{format_points(self.points)} / '
            f"{format_points(self.max_points)}</span> · {escape(state.text)}</span>"
        )


def item_urls(assessment: Assessment, items: Iterable[Item]) -> dict[str, str]:
    """Item code -> the address of its page, with one ``reverse`` (a page listing every item
    made 40 of them)."""
    pattern = reverse("workspace:item", args=[assessment.pk, "_"])
    head, tail = pattern.rsplit("/_/", 1)
    return {item.code: f"{head}/{item.code}/{tail}" for item in items}


@dataclass(frozen=True)
class RefusedRecord:
    record: Record
    verdict: Verdict


@dataclass(frozen=True)
class RefusedItem:
    """An item with records the Centre rejected (or wants revised) that the unit can still change."""

    item: Item
    records: list[RefusedRecord]


@dataclass(frozen=True)
class RoundCard:
    """One round at the top of the home: what the unit must do for it, and by when."""

    status: RoundStatus
    result: ScoreResult
    refused: list[RefusedItem]
    unsupported: list[Item]
    can_submit: bool  # this reader may submit it now (its director, before the deadline)
    can_resubmit: bool  # this reader may resubmit it (the unit's people, after a return)

    @property
    def label(self) -> RoundLabel:
        return self.status.label

    @property
    def claimed(self) -> Decimal:
        return self.result.total

    @property
    def possible(self) -> Decimal:
        return self.result.potential


@dataclass(frozen=True)
class HomePage:
    """The home page; the field names are the template's."""

    ws: Workspace
    assessment: Assessment
    cards: list[RoundCard]  # the open rounds; else the round the unit worked towards last
    chips: dict[str, ItemChip]  # by item code, in the final round
    submitters: list[Any]  # the unit's directors: who submits
    my_items: list[ItemChip]
    mine_only: bool
    can_edit: bool
    can_submit: bool
    next_lines: list[tuple[ItemResult, LineResult]]
    verified: dict[str, VerifiedRound]
    orphans: list[Evidence]
    item_urls: dict[str, str]

    item_list: SafeString  # the items with their chips (``item_list``)


def item_list(ws: Workspace, chips: dict[str, ItemChip], my_items: list[ItemChip], *, mine_only: bool) -> SafeString:
    """The items under their dimensions (only the reader's with ``mine_only``), each with its
    chip and who looks after it. Made here, not by the template: a template loop over the 41
    items was most of the page's server time (text escaped with ``escape``)."""
    mine = {chip.item.code for chip in my_items}
    out = []
    for dimension in ws.framework.dimensions:
        if not mine_only:
            title = _("Dimension %(code)s") % {"code": dimension.code}
            out.append(f'<h3 id="dim-{escape(dimension.code)}">{escape(title)} {escape(tr(dimension.title))}</h3>')
        out.append('<ul class="items">')
        for item in dimension.items:
            chip = chips.get(item.code)
            if chip is None or (mine_only and item.code not in mine):
                continue
            who = ""
            if chip.assignee is not None:
                name = escape(display_name(chip.assignee))
                who = f' <span class="muted assignee">· {escape(_("assigned to"))} {name}</span>'
            link = f'<a href="{escape(chip.url)}">{escape(item.code)} {escape(tr(item.title))}</a>'
            out.append(f"<li>{link} {chip.html}{who}</li>")
        out.append("</ul>")
    return mark_safe("\n".join(out))


def _refused_records(ws: Workspace, user: Any) -> dict[str, list[RefusedRecord]]:
    """Item code -> its records whose verdict asks the unit to act, as ``user`` may see them."""
    seen_until = visibility.verdicts_visible_until(user, ws.assessment, ws.unit_rounds)
    out: dict[str, list[RefusedRecord]] = defaultdict(list)
    for record in ws.records:
        verdict = ws.verdicts.get(record.pk)
        if verdict is not None and verdict.status in REFUSED and record.date <= seen_until:
            out[record.item_code].append(RefusedRecord(record, verdict))
    return out


def _card(
    ws: Workspace, status: RoundStatus, refused: dict[str, list[RefusedRecord]], *, submits: bool, edits: bool
) -> RoundCard:
    """``refused``: the records left to list (what an earlier card lists is taken out of it)."""
    cutoff = status.round.cutoff
    items = ws.framework.items_by_code
    # Only what the unit can still fix: records of this round that no closed round holds.
    mine = {
        code: [r for r in rows if r.record.date <= cutoff and ws.can_change(r.record)] for code, rows in refused.items()
    }
    for code, rows in mine.items():
        refused[code] = [r for r in refused[code] if r not in rows]
    return RoundCard(
        status=status,
        result=ws.scores.by_round[status.round.code],
        refused=[RefusedItem(items[code], rows) for code, rows in sorted(mine.items()) if rows],
        unsupported=ws.unsupported(status.round.code),
        can_submit=submits and status.can_submit,
        can_resubmit=edits and status.state == UnitRound.State.RETURNED and not status.locked,
    )


def home_html(request: HttpRequest, assessment: Assessment, *, mine_only: bool = False) -> SafeString:
    """The home's content (``home_page`` rendered), made once for each state of what it shows and
    then read from the cache: the assessment's revision (its records, evidence, verdicts, round
    steps, item assignments, the unit's people and its year's round schedules move it:
    reports/caching.py), the day (deadlines, days left), the language, and the reader (their
    rights on the unit, the verified scores and verdicts they may see, their own items) with their
    item filter. No query of its own when cached: ``assessment`` was read in this request, with its
    revision. A form it shows would carry the reader's own CSRF token (``caching.cached_html``)."""
    user = request.user
    access = access_for(user)
    key = caching.key(
        "home",
        assessment.pk,
        assessment.revision,
        assessment.framework.source_sha256,
        get_language(),
        timezone.localdate(),
        user.pk,
        visibility.rule_key(access),
        int(access.can_edit(assessment.unit_id)),
        int(access.can_submit(assessment.unit_id)),
        int(mine_only),
    )

    def render(extra_context: dict[str, Any]) -> str:
        page = home_page(assessment, user, mine_only=mine_only, revision=assessment.revision)
        return render_to_string("assessments/_home_body.html", {**vars(page), "access": access, **extra_context})

    return caching.cached_html(key, render, request)


def home_page(
    assessment: Assessment,
    user: Any,
    *,
    mine_only: bool = False,
    revision: int | None = None,
) -> HomePage:
    """The home of ``assessment`` as ``user`` sees it (``mine_only``: the item list shows only
    the items given to ``user``). A fixed number of queries: the workspace's, the unit's people,
    the assignments and, for the unit's people, the evidence that supports no record.
    ``revision``: the assessment's, when read already (``load_workspace``)."""
    ws = load_workspace(assessment, with_verified=True, revision=revision)
    access = access_for(user)
    can_edit = access.can_edit(assessment.unit_id)
    can_submit = access.can_submit(assessment.unit_id)
    refused = _refused_records(ws, user)
    open_rounds = [s for s in ws.locks.rounds if s.open_to_unit]
    shown = open_rounds or [ws.locks.current]
    # A record is a task on the first card whose round holds it (the earliest one to fix).
    left = {code: list(rows) for code, rows in refused.items()}
    cards = [_card(ws, s, left, submits=can_submit, edits=can_edit) for s in shown]
    roles = list(Role.objects.of_unit(assessment.unit_id))
    assignments = ItemAssignment.objects.by_item(assessment)
    final = ws.scores.final
    urls = item_urls(assessment, ws.framework.items)
    chips = {}
    for code, result in final.items.items():
        assignment = assignments.get(code)
        chips[code] = ItemChip(
            item=result.item,
            points=result.points,
            max_points=result.max_points,
            state=chip_state(result, has_evidence=bool(ws.evidence_counts.get(code)), rejected=bool(refused.get(code))),
            assignee=assignment.assignee if assignment else None,
            url=urls[code],
        )
    my_items = [c for c in chips.values() if c.assignee is not None and c.assignee.pk == user.pk]
    return HomePage(
        ws=ws,
        assessment=assessment,
        cards=cards,
        chips=chips,
        submitters=[r.user for r in roles if r.kind == Role.Kind.DIRECTOR],
        my_items=my_items,
        mine_only=mine_only,
        can_edit=can_edit,
        can_submit=can_submit,
        next_lines=final.open_lines()[:5],
        verified=ws.verified_visible_to(user),
        orphans=list(assessment.evidence.orphans()) if can_edit else [],
        item_urls=urls,
        item_list=item_list(ws, chips, my_items, mine_only=mine_only),
    )
