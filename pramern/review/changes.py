"""What a unit changed in a round since the Evaluation Centre returned it: per item, the records
added, changed (field by field, old → new) and removed, the evidence added to or taken from a
record, and the verdicts withdrawn by those changes.

Read from the audit log, which holds all of it: every record change keeps the record as it was
before and after (``Record.snapshot``), every evidence change the records it touched, every
withdrawn verdict its status and reason, and the return and the resubmission are entries too.
(Importing a file, which replaces records wholesale, is refused once a round is submitted.)
The window is from the round's latest return to the resubmission that followed it, or to now
while the round is still with the unit. A record changed twice counts once, from its state at
the return to its state at the end; a record added and removed again in the window is left out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pramern.assessments.models import Record
from pramern.audit.models import AuditEntry
from pramern.review.models import Verdict
from pramern.scoring.model import FactSpec
from pramern.scoring.model import Framework as CompiledFramework
from pramern.thaidates import thai_month
from pramern.ui.text import bedate, tr

RETURN, RESUBMIT = "pramern.round.return", "pramern.round.resubmit"
RECORD_ACTIONS = ("pramern.record.created", "pramern.record.copied", "pramern.record.changed", "pramern.record.deleted")
EVIDENCE_ACTIONS = {
    "pramern.evidence.added": "added",
    "pramern.evidence.attached": "added",
    "pramern.evidence.detached": "removed",
    "pramern.evidence.deleted": "removed",
    "pramern.evidence.purged": "removed",
}
WITHDRAWN = "pramern.verdict.withdrawn"
#: Why a verdict was withdrawn, as the history page words it.
CAUSES = {
    "pramern.record.changed": gettext_lazy("changed a record"),
    "pramern.record.deleted": gettext_lazy("deleted a record"),
    "pramern.evidence.added": gettext_lazy("added evidence"),
    "pramern.evidence.attached": gettext_lazy("used evidence for a record"),
    "pramern.evidence.detached": gettext_lazy("removed evidence from a record"),
    "pramern.evidence.deleted": gettext_lazy("deleted evidence"),
}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str  # "" for a record added
    after: str  # "" for a record removed


@dataclass(frozen=True)
class EvidenceChange:
    added: bool  # False: taken from the record (detached or deleted)
    name: str


@dataclass(frozen=True)
class RecordChange:
    kind: str  # added | changed | removed
    record_id: int
    fact_label: str
    date: dt.date  # as it is now (removed: as it was)
    title: str
    fields: list[FieldChange]  # changed: what changed; added and removed: what it holds
    evidence: list[EvidenceChange]


@dataclass(frozen=True)
class WithdrawnVerdict:
    record_id: int
    date: dt.date | None
    title: str
    status: str  # the label of the verdict withdrawn
    reason: str
    cause: str  # what the unit did
    by: str
    at: dt.datetime


@dataclass
class ItemChanges:
    """One item's changes since the return; the field names are the templates'."""

    item_code: str
    title: str = ""
    added: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)
    withdrawn: list[WithdrawnVerdict] = field(default_factory=list)

    @property
    def records(self) -> list[RecordChange]:
        return [*self.added, *self.changed, *self.removed]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.withdrawn)


@dataclass(frozen=True)
class ChangesSinceReturn:
    """The round's latest return, the resubmission after it (None: not yet) and the changes in
    between, by item in the framework's order (items without a change left out)."""

    returned_at: dt.datetime
    returned_by: str
    reason: str
    resubmitted_at: dt.datetime | None
    items: dict[str, ItemChanges]

    def item(self, code: str) -> ItemChanges:
        return self.items.get(code) or ItemChanges(code)


def latest_return(assessment_id: int, round_code: str) -> tuple[AuditEntry, AuditEntry | None] | None:
    """The round's latest return entry and the resubmission entry that followed it (one query)."""
    entries = AuditEntry.objects.filter(assessment_id=assessment_id, action__in=(RETURN, RESUBMIT)).order_by(
        "created", "id"
    )
    returned: AuditEntry | None = None
    resubmitted: AuditEntry | None = None
    for entry in entries:
        if (entry.data or {}).get("round") != round_code:
            continue
        if entry.action == RETURN:
            returned, resubmitted = entry, None
        elif returned is not None and resubmitted is None:
            resubmitted = entry
    return (returned, resubmitted) if returned is not None else None


def changes_since_return(
    assessment_id: int,
    round_code: str,
    framework: CompiledFramework,
    records: Iterable[Record],
    *,
    sections: Mapping[str, str] | None = None,
    item_code: str = "",
) -> ChangesSinceReturn | None:
    """The changes to the round's records (dated up to its cut-off) since its latest return,
    of one item or of all; None when the round was never returned. ``records`` are the
    assessment's records as they are now (for records whose evidence alone changed);
    ``sections`` the unit's section names by code. Two queries."""
    window = latest_return(assessment_id, round_code)
    if window is None:
        return None
    returned, resubmitted = window
    entries = AuditEntry.objects.filter(
        assessment_id=assessment_id,
        id__gt=returned.pk,
        action__in=(*RECORD_ACTIONS, *EVIDENCE_ACTIONS, WITHDRAWN),
    ).order_by("created", "id")
    if resubmitted is not None:
        entries = entries.filter(id__lt=resubmitted.pk)
    if item_code:
        entries = entries.filter(item_code=item_code)
    cutoff = framework.round(round_code).cutoff
    now = {r.pk: r for r in records}
    reader = _Reader(framework, sections or {})
    first: dict[int, dict[str, Any] | None] = {}  # record id -> as it was at the return (None: added since)
    last: dict[int, dict[str, Any] | None] = {}  # record id -> as it is at the end (None: removed)
    evidence: dict[int, list[EvidenceChange]] = {}
    withdrawn: list[tuple[AuditEntry, int]] = []
    for entry in entries:
        data = entry.data or {}
        if entry.action in RECORD_ACTIONS:
            pk = int(entry.object_id)
            first.setdefault(pk, data.get("before"))
            last[pk] = data.get("after")
        elif entry.action == WITHDRAWN:
            withdrawn.append((entry, int(entry.object_id)))
        else:
            ev = data.get("after") or data.get("before") or {}
            name = ev.get("title") or ev.get("name") or ev.get("url") or ""
            for pk in data.get("records") or []:
                evidence.setdefault(pk, []).append(EvidenceChange(EVIDENCE_ACTIONS[entry.action] == "added", name))

    def snapshot_of(pk: int) -> dict[str, Any] | None:
        """The record as it is now, or as the log last saw it."""
        if pk in now:
            return now[pk].snapshot()
        return last.get(pk) or first.get(pk)

    def in_round(*states: dict[str, Any] | None) -> bool:
        return any(s and dt.date.fromisoformat(s["date"]) <= cutoff for s in states)

    items = {item.code: ItemChanges(item.code, tr(item.title)) for item in framework.items}
    for pk in sorted({*first, *evidence}, key=lambda pk: (snapshot_of(pk) or {}).get("date", "")):
        before, after = (first[pk], last[pk]) if pk in first else (snapshot_of(pk), snapshot_of(pk))
        if before is None and after is None:
            continue  # added and removed again
        if not in_round(before, after) or (item_code and (after or before or {}).get("item") != item_code):
            continue
        shown = after or before
        assert shown is not None
        changes = items.get(shown["item"])
        if changes is None:
            continue  # an item this framework does not have (never, unless the log was edited)
        fact = framework.items_by_code[shown["item"]].facts.get(shown["fact"])
        if before is None:
            kind, fields = "added", reader.fields(fact, {}, shown)
        elif after is None:
            kind, fields = "removed", reader.fields(fact, shown, {})
        else:
            kind, fields = "changed", reader.fields(fact, before, after)
        ev = evidence.get(pk, []) if kind != "removed" else []
        if kind == "changed" and not fields and not ev:
            continue  # changed and changed back
        row = RecordChange(
            kind,
            pk,
            tr(fact.label) if fact else shown["fact"],
            dt.date.fromisoformat(shown["date"]),
            shown.get("title", ""),
            fields,
            ev,
        )
        getattr(changes, kind).append(row)
    statuses = dict(Verdict.Status.choices)
    for entry, pk in withdrawn:
        shown = snapshot_of(pk)
        if shown is None or not in_round(shown) or shown.get("item") not in items:
            continue
        before = (entry.data or {}).get("before") or {}
        cause = (entry.data or {}).get("change", "")
        items[shown["item"]].withdrawn.append(
            WithdrawnVerdict(
                record_id=pk,
                date=dt.date.fromisoformat(shown["date"]),
                title=shown.get("title", ""),
                status=str(statuses.get(before.get("status"), before.get("status") or "")),
                reason=before.get("reason") or "",
                cause=str(CAUSES.get(cause, cause)),
                by=entry.actor_name,
                at=entry.created,
            )
        )
    return ChangesSinceReturn(
        returned_at=returned.created,
        returned_by=returned.actor_name,
        reason=(returned.data or {}).get("reason", ""),
        resubmitted_at=resubmitted.created if resubmitted else None,
        items={code: changes for code, changes in items.items() if changes},
    )


class _Reader:
    """A record's fields as people read them: labels from the framework, Thai dates, choices by label."""

    def __init__(self, framework: CompiledFramework, sections: Mapping[str, str]) -> None:
        self.framework = framework
        self.sections = sections

    def fields(self, fact: FactSpec | None, before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
        """The fields that differ between two snapshots ({} : the record did not exist)."""
        out = []
        for key, label in (("date", _("Date")), ("title", _("Title")), ("note", _("Note"))):
            old, new = before.get(key) or "", after.get(key) or ""
            if old != new:
                shown = bedate if key == "date" else str
                out.append(FieldChange(label, shown(old), shown(new)))
        old_data = {k: v for k, v in (before.get("data") or {}).items() if k != "verified"}
        new_data = {k: v for k, v in (after.get("data") or {}).items() if k != "verified"}
        order = [*(fact.fields if fact else ()), *sorted({*old_data, *new_data} - set(fact.fields if fact else ()))]
        for name in order:
            old, new = old_data.get(name), new_data.get(name)
            if old == new or (not before and not new) or (not after and not old):
                continue
            out.append(
                FieldChange(
                    self.label(fact, name),
                    self.value(fact, name, old) if before else "",
                    self.value(fact, name, new) if after else "",
                )
            )
        return out

    @staticmethod
    def label(fact: FactSpec | None, name: str) -> str:
        spec = fact.fields.get(name) if fact else None
        if spec is not None:
            return tr(spec.label)
        labels = {
            "option": _("option"),
            "value": _("number"),
            "claimed": _("claimed"),
            "covers": _("month"),
        }
        return str(labels.get(name, name))

    def value(self, fact: FactSpec | None, name: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        spec = fact.fields.get(name) if fact else None
        if spec is not None and spec.kind == "flag":
            return _("yes") if value else _("no")
        if spec is not None and spec.kind == "choice" and value in spec.choices:
            return tr(spec.choices[value])
        if spec is not None and spec.kind == "section":
            return self.sections.get(str(value), str(value))
        if name == "option" and fact is not None and value in fact.options:
            return tr(fact.options[value].label)
        if isinstance(value, str) and ISO_DAY.fullmatch(value):
            return bedate(value)
        if name == "covers" and isinstance(value, str) and ISO_MONTH.fullmatch(value):
            return thai_month(int(value[:4]), int(value[5:]))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)
