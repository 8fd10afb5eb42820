"""Importing an assessment file in two steps (issue 11): upload → preview → confirm or cancel.

An import replaces every record of the assessment. ``stage_import`` reads and checks the upload
as the import itself would (size, syntax, unit, every field, rounds open and none submitted) and
keeps it as a ``PendingImport`` keyed to the person and the assessment; nothing else changes.
``import_preview`` says what confirming would add, change (field by field) and remove, and the
staff counts it would change. ``confirm_import`` applies exactly the kept file through
``services.import_document`` (which checks it again, under the assessment's write lock) and
only if the records are still those the preview was made from (``ImportPreview.fingerprint``);
``cancel_import`` forgets the upload.

Why the file is kept here rather than sent back from the preview page in a hidden field: a page
can send anything, so a hidden copy would have to be trusted or checked again, and what was
confirmed could differ from what was shown. Kept server-side, the confirm form carries only the
upload's token and the fingerprint; the person confirms the file they previewed, or nothing.

Records are matched for the preview by the record id an exported file carries (same item and
fact), then, for files written by hand, by identical content; a file's record without a match is
an addition, a current record without one a removal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pramern.assessments.adapter import record_document
from pramern.assessments.models import Assessment, PendingImport, Record
from pramern.assessments.rounds import lock_for_writing, lock_state
from pramern.assessments.services import (
    ImportResult,
    check_import,
    import_document,
    read_import_file,
    read_import_text,
)
from pramern.errors import WorkspaceError
from pramern.scoring.assessment import staff_per_round
from pramern.scoring.model import FactSpec
from pramern.scoring.model import Framework as CompiledFramework
from pramern.ui.text import bedate, field_parts, ordered_fields, tr

#: An upload not confirmed within this time is forgotten (at the next upload of anyone).
PENDING_FOR = dt.timedelta(hours=24)
#: Keys of a record in the file that are not the fact's fields. ``verified`` is the evaluator's:
#: an import never brings it (``services._replace_records``), so it is not compared either.
_NOT_FIELDS = ("date", "id", "title", "note", "evidence", "verified")


class ImportExpired(WorkspaceError):
    """The upload to confirm is no longer waiting (confirmed, cancelled, replaced or too old)."""


class ImportOutdated(WorkspaceError):
    """The records changed after the preview was made: the preview must be seen again."""


def import_refusal(assessment: Assessment) -> str:
    """Why the assessment takes no import now ("" when it does): see ``LockState.import_refusal``."""
    return lock_state(assessment).import_refusal


# --------------------------------------------------------------------------- staging


def stage_import(assessment: Assessment, upload: UploadedFile, *, user: Any) -> PendingImport:
    """Check an uploaded file as the import would and keep it for the preview (replacing the
    person's earlier upload for this assessment); ``WorkspaceError`` with the problems otherwise."""
    text, data = read_import_file(upload)
    with transaction.atomic():
        check_import(assessment, data)
        PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_FOR).delete()
        PendingImport.objects.filter(assessment=assessment, user=user).delete()
        return PendingImport.objects.create(
            assessment=assessment, user=user, file_name=(upload.name or "import.yaml")[:255], source=text
        )


def pending_import(assessment: Assessment, user: Any) -> PendingImport | None:
    """The person's upload waiting for confirmation for this assessment, if any (and not too old)."""
    return PendingImport.objects.filter(
        assessment=assessment, user=user, created_at__gte=timezone.now() - PENDING_FOR
    ).first()


@transaction.atomic
def confirm_import(assessment: Assessment, *, user: Any, token: str, fingerprint: str) -> ImportResult:
    """Apply the person's kept upload named by ``token``: refused (nothing changes) when it is no
    longer waiting, when the records changed after the preview (``fingerprint``) or when the file
    no longer passes the import's checks (a round closed or submitted meanwhile)."""
    pending = _pending(assessment, user, token, lock=True)
    lock_for_writing(assessment)  # nobody changes a record between this check and the import
    if current_fingerprint(assessment) != fingerprint:
        raise ImportOutdated(
            _("The records changed after the preview was made: check the new preview before importing.")
        )
    result = import_document(assessment, read_import_text(pending.source, pending.file_name), user=user)
    pending.delete()
    return result


def cancel_import(assessment: Assessment, *, user: Any, token: str) -> None:
    """Forget the person's upload (no record changes; a token no longer waiting is ignored)."""
    PendingImport.objects.filter(assessment=assessment, user=user, token=_uuid(token)).delete()


def _uuid(token: str) -> str | None:
    text = str(token or "").strip()
    return text if len(text) == 36 and all(c in "0123456789abcdef-" for c in text.lower()) else None


def _pending(assessment: Assessment, user: Any, token: str, *, lock: bool = False) -> PendingImport:
    found = PendingImport.objects.filter(
        assessment=assessment, user=user, token=_uuid(token), created_at__gte=timezone.now() - PENDING_FOR
    )
    pending = (found.select_for_update() if lock else found).first()
    if pending is None:
        raise ImportExpired(_("This import is no longer waiting for confirmation: upload the file again."))
    return pending


# --------------------------------------------------------------------------- the preview


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class PreviewRecord:
    """A record as the preview shows it: where it is, its date and title, and either its fields
    (added, removed) or what changes in it."""

    item_code: str
    item_title: str
    fact_label: str
    date: str
    title: str
    fields: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ImportPreview:
    pending: PendingImport
    added: list[PreviewRecord] = field(default_factory=list)
    changed: list[PreviewRecord] = field(default_factory=list)
    removed: list[PreviewRecord] = field(default_factory=list)
    unchanged: int = 0
    staff: list[FieldChange] = field(default_factory=list)
    #: The records and staff counts the preview was made from (``confirm_import`` compares it).
    fingerprint: str = ""

    @property
    def changes_nothing(self) -> bool:
        return not (self.added or self.changed or self.removed or self.staff)


@dataclass
class _Entry:
    """One record, from the database (``record``) or from the file, in the file's format."""

    item_code: str
    fact: str
    raw: Mapping[str, Any]
    record: Record | None = None

    @property
    def id(self) -> Any:
        return self.record.pk if self.record is not None else self.raw.get("id")

    @property
    def normal(self) -> dict[str, Any]:
        return _normal(self.raw)


def _normal(raw: Mapping[str, Any]) -> dict[str, Any]:
    """What of a record an import keeps, comparable between the file and the database: a flag
    left out and a flag false are the same; links and files by their address or name."""
    fields = {k: v for k, v in raw.items() if k not in _NOT_FIELDS and v not in (None, "", False)}
    evidence = raw.get("evidence") or []
    return {
        "date": str(raw.get("date", "")),
        "title": str(raw.get("title", "") or ""),
        "note": str(raw.get("note", "") or ""),
        "fields": fields,
        "evidence": sorted(_reference(ref) for ref in evidence if isinstance(ref, Mapping)),
    }


def _reference(ref: Mapping[str, Any]) -> str:
    return str(ref.get("file") or ref.get("url") or "")


def _current_entries(assessment: Assessment) -> list[_Entry]:
    records = assessment.records.prefetch_related("evidence").order_by("item_code", "fact", "date", "pk")
    return [_Entry(r.item_code, r.fact, record_document(r, r.evidence.all()), r) for r in records]


def current_fingerprint(assessment: Assessment, entries: Iterable[_Entry] | None = None) -> str:
    """A hash of the assessment's records (as an import compares them) and staff counts."""
    rows = [[e.item_code, e.fact, e.id, e.normal] for e in (entries or _current_entries(assessment))]
    state = {"staff": dict(assessment.staff_counts), "records": rows}
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _file_entries(data: Mapping[str, Any]) -> list[_Entry]:
    items = data.get("items")
    if not isinstance(items, Mapping):
        return []
    return [
        _Entry(str(code), str(fact), raw)
        for code, facts in items.items()
        for fact, raws in (facts or {}).items()
        for raw in raws or []
        if isinstance(raw, Mapping)
    ]


def import_preview(assessment: Assessment, pending: PendingImport) -> ImportPreview:
    """What confirming ``pending`` would add, change (field by field) and remove."""
    assessment.refresh_from_db(fields=["staff_counts"])
    current = _current_entries(assessment)
    data = read_import_text(pending.source, pending.file_name)
    incoming = _file_entries(data if isinstance(data, Mapping) else {})
    compiled = assessment.framework.compiled()
    pairs, added, removed = _match(current, incoming)
    shown = _Shown(compiled)
    changed = []
    unchanged = 0
    for old, new in pairs:
        changes = shown.changes(old, new)
        if changes:
            changed.append(shown.record(new, changes=changes))
        else:
            unchanged += 1
    return ImportPreview(
        pending=pending,
        added=[shown.record(entry) for entry in added],
        changed=changed,
        removed=[shown.record(entry) for entry in removed],
        unchanged=unchanged,
        staff=_staff_changes(compiled, dict(assessment.staff_counts), data.get("staff_count") if data else None),
        fingerprint=current_fingerprint(assessment, current),
    )


def _match(
    current: list[_Entry], incoming: list[_Entry]
) -> tuple[list[tuple[_Entry, _Entry]], list[_Entry], list[_Entry]]:
    """Pairs (current, from the file), the file's records without a pair, the current ones without."""
    by_place: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
    for entry in current:
        by_place[(entry.item_code, entry.fact)].append(entry)
    pairs: list[tuple[_Entry, _Entry]] = []
    unpaired: list[_Entry] = []
    for entry in incoming:  # first by the record id an exported file carries
        candidates = by_place[(entry.item_code, entry.fact)]
        same = next((c for c in candidates if entry.id is not None and c.id == entry.id), None)
        if same is None:
            unpaired.append(entry)
            continue
        candidates.remove(same)
        pairs.append((same, entry))
    added: list[_Entry] = []
    for entry in unpaired:  # then, for a file written by hand, by identical content
        candidates = by_place[(entry.item_code, entry.fact)]
        same = next((c for c in candidates if c.normal == entry.normal), None)
        if same is None:
            added.append(entry)
            continue
        candidates.remove(same)
        pairs.append((same, entry))
    left = {id(entry) for entries in by_place.values() for entry in entries}
    return pairs, added, [entry for entry in current if id(entry) in left]


def _staff_changes(compiled: CompiledFramework, stored: dict[str, Any], given: Any) -> list[FieldChange]:
    """The staff counts the import would change, per round as the engine reads them (a round left
    out takes the previous round's; a file's single number is every round's)."""
    if not isinstance(given, Mapping):
        given = {rnd.code: given for rnd in compiled.rounds} if isinstance(given, int) else {}
    before, after = staff_per_round(compiled, stored), staff_per_round(compiled, given)
    out = []
    for rnd in compiled.rounds:
        old, new = before.get(rnd.code), after.get(rnd.code)
        if old != new:
            out.append(
                FieldChange(
                    _("Staff in %(round)s") % {"round": tr(rnd.title)},
                    "" if old is None else str(old),
                    "" if new is None else str(new),
                )
            )
    return out


class _Shown:
    """Records and their fields as the preview shows them, in the active language."""

    def __init__(self, compiled: CompiledFramework) -> None:
        self.compiled = compiled

    def _fact(self, entry: _Entry) -> FactSpec | None:
        item = self.compiled.items_by_code.get(entry.item_code)
        return item.facts.get(entry.fact) if item is not None else None

    def record(self, entry: _Entry, *, changes: list[FieldChange] | None = None) -> PreviewRecord:
        item = self.compiled.items_by_code.get(entry.item_code)
        fact = self._fact(entry)
        normal = entry.normal
        fields = tuple(
            f"{label}: {value}"
            for name, raw in ordered_fields(fact, normal["fields"])
            for label, value in [self._field(fact, name, raw)]
        )
        if normal["evidence"]:
            fields += (f"{_('Evidence')}: {', '.join(normal['evidence'])}",)
        return PreviewRecord(
            item_code=entry.item_code,
            item_title=tr(item.title) if item is not None else "",
            fact_label=tr(fact.label) if fact is not None else entry.fact,
            date=_date(normal["date"]),
            title=normal["title"],
            fields=fields,
            changes=tuple(changes or ()),
        )

    def _field(self, fact: FactSpec | None, name: str, value: Any) -> tuple[str, str]:
        """(label, value shown); a field left out shows empty, a flag left out as not ticked."""
        if fact is None:
            return name, "" if value is None else str(value)
        if value is None:
            spec = fact.fields.get(name)
            if spec is None or spec.kind != "flag":
                return field_parts(fact, name, "")[0], ""
        return field_parts(fact, name, value)

    def changes(self, old: _Entry, new: _Entry) -> list[FieldChange]:
        before, after = old.normal, new.normal
        out = []
        if before["date"] != after["date"]:
            out.append(FieldChange(_("Date"), _date(before["date"]), _date(after["date"])))
        fact = self._fact(new)
        names = [name for name, _value in ordered_fields(fact, {**before["fields"], **after["fields"]})]
        for name in names:
            a, b = before["fields"].get(name), after["fields"].get(name)
            if a != b:
                label, shown_a = self._field(fact, name, a)
                out.append(FieldChange(label, shown_a, self._field(fact, name, b)[1]))
        for key, label in (("title", _("Title")), ("note", _("Note"))):
            if before[key] != after[key]:
                out.append(FieldChange(label, before[key], after[key]))
        if before["evidence"] != after["evidence"]:
            out.append(FieldChange(_("Evidence"), ", ".join(before["evidence"]), ", ".join(after["evidence"])))
        return out


def _date(iso: str) -> str:
    try:
        return bedate(dt.date.fromisoformat(iso))
    except ValueError:
        return iso
