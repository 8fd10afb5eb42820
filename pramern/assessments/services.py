"""Workflows of a unit's workspace: records, evidence, submission, import. Each raises
``WorkspaceError`` with a translated message and logs every change to the audit log."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pramern.assessments.adapter import assessment_document
from pramern.assessments.filetypes import ACCEPTED_TH, FileType, sniff
from pramern.assessments.models import Assessment, Evidence, ItemAssignment, Record
from pramern.assessments.rounds import LockState, lock_for_writing, lock_state
from pramern.audit.services import log_action
from pramern.errors import WorkspaceError
from pramern.filestore import (
    StorageUnavailable,
    delete_files,
    delete_files_after_commit,
    storage_answers,
    store_unavailable_message,
)
from pramern.organizations.models import Role
from pramern.organizations.permissions import access_for
from pramern.reports.scorecards import refresh_later
from pramern.review.models import Verdict
from pramern.scoring import AssessmentError, parse_assessment
from pramern.scoring.assessment import EXTRA_KEYS, MAX_STAFF, parse_stored_assessment, staff_per_round
from pramern.scoring.model import Assessment as ParsedAssessment
from pramern.scoring.model import FactSpec, Item
from pramern.scoring.model import Framework as CompiledFramework
from pramern.scoring.yamlio import SyntaxProblem, load_text
from pramern.ui.text import bedate, tr


def scores_changed(assessment: Assessment) -> None:
    """The stored score cards follow every change, once it is committed."""
    refresh_later(assessment)


# --------------------------------------------------------------------------- staff counts


def effective_staff_counts(framework: CompiledFramework, counts: dict[str, int]) -> dict[str, int]:
    """Each round's count as the engine reads it: a round left out takes the previous round's."""
    return staff_per_round(framework, counts)


def clean_staff_counts(framework: CompiledFramework, counts: Any) -> dict[str, int]:
    """Staff per round as stored ({"R6": 40, "R12": 42}, in round order), or ``WorkspaceError``
    naming every problem: known rounds only, whole numbers from 1 to ``MAX_STAFF`` (the
    engine's limit), the first round required."""
    codes = [rnd.code for rnd in framework.rounds]
    titles = {rnd.code: tr(rnd.title) for rnd in framework.rounds}
    problems = []
    if not isinstance(counts, dict):
        counts, problems = {}, [_('Enter one number per round, for example {"R6": 40, "R12": 42}.')]
    for code, value in counts.items():
        if code not in titles:
            problems.append(
                _("Unknown round %(round)s (rounds: %(rounds)s).") % {"round": code, "rounds": ", ".join(codes)}
            )
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STAFF:
            problems.append(
                _("%(round)s: the staff count is a whole number from 1 to %(max)s.")
                % {"round": titles[code], "max": f"{MAX_STAFF:,}"}
            )
    if not problems and codes[0] not in staff_per_round(framework, counts):
        problems.append(_("%(round)s: the staff count is required.") % {"round": titles[codes[0]]})
    if problems:
        raise WorkspaceError(_("The staff counts have problems; nothing was changed."), problems)
    return {code: counts[code] for code in codes if code in counts}


def check_staff_counts(
    assessment: Assessment, counts: Any, *, locks: LockState | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """(before, after) of a change to the staff counts, or ``WorkspaceError`` when a round whose
    score would move is submitted, closed or past its deadline (scores, score cards and the
    submitted total of such a round must stay as they were), or when a stored count of staff
    (``maximum: staff``) would exceed the new count (the engine would leave it out of every score)."""
    framework = assessment.framework.compiled()
    after = clean_staff_counts(framework, counts)
    before = dict(assessment.staff_counts)
    old, new = effective_staff_counts(framework, before), effective_staff_counts(framework, after)
    for status in (locks or lock_state(assessment)).rounds:
        if status.locked and old.get(status.round.code) != new.get(status.round.code):
            raise WorkspaceError(
                _("The staff count of %(round)s cannot change: %(reason)s.")
                % {"round": tr(status.round.title), "reason": status.reason}
            )
    if old != new:
        _check_records_fit_staff(assessment, framework, after, new)
    return before, after


def _check_records_fit_staff(
    assessment: Assessment, framework: CompiledFramework, after: dict[str, int], new: dict[str, int]
) -> None:
    """``WorkspaceError`` naming the stored records that validate with the current counts and
    would not with ``after`` (a record already out of bounds does not block the change)."""
    records = {r.pk: r for r in assessment.records.all()}
    sections = list(assessment.unit.sections.all())

    def failing(document: dict[str, Any]) -> set[Any]:
        issues = parse_stored_assessment(document, framework, f"assessment {assessment.pk}")[1]
        return {issue.record_id for issue in issues if issue.record_id is not None}

    document = assessment_document(assessment, records.values(), sections)
    already = failing(document)
    newly = sorted(failing({**document, "staff_count": after}) - already, key=lambda pk: (records[pk].date, pk))
    if not newly:
        return
    problems = []
    for pk in newly:
        rec = records[pk]
        rnd = framework.round_for(rec.date)
        problems.append(
            _(
                "Item %(item)s, record of %(date)s: %(value)s is more than the new staff count "
                "of the %(round)s (%(staff)s people)."
            )
            % {
                "item": rec.item_code,
                "date": bedate(rec.date),
                "value": rec.data.get("value", "—"),
                "round": tr(rnd.title),
                "staff": new.get(rnd.code, 0),
            }
        )
    raise WorkspaceError(
        _(
            "The staff count cannot be lower than counts of staff already recorded; nothing was changed. "
            "Correct or delete these records first, or enter a larger count."
        ),
        problems,
    )


@transaction.atomic
def change_staff_counts(assessment: Assessment, counts: Any, *, user: Any) -> bool:
    """Change the staff per round after the lock rules; audited, score cards refreshed.
    Returns whether anything changed."""
    # The row is locked first, so that a submission cannot slip in between check and save.
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.staff_counts = current.staff_counts
    before, after = check_staff_counts(assessment, counts)
    if before == after:
        return False
    assessment.staff_counts = after
    assessment.save(update_fields=["staff_counts"])
    log_action(
        "pramern.assessment.staff_changed",
        assessment,
        actor=user,
        data={"before": before, "after": after},
        assessment_id=assessment.pk,
    )
    scores_changed(assessment)
    return True


# --------------------------------------------------------------------------- records


def item_and_fact(assessment: Assessment, item_code: str, fact_name: str) -> tuple[Item, FactSpec]:
    framework = assessment.framework.compiled()
    item = framework.items_by_code.get(item_code)
    if item is None or fact_name not in item.facts:
        raise WorkspaceError(_("Unknown item or fact."))
    return item, item.facts[fact_name]


def _validate_fact_records(assessment: Assessment, item_code: str, fact_name: str, candidates: list[Record]) -> None:
    """Check a fact's records as the engine will read them (types, order of cumulative counts…)."""
    document = assessment_document(assessment, candidates, assessment.unit.sections.all())
    try:
        parse_assessment(document, assessment.framework.compiled(), _("record"))
    except AssessmentError as exc:
        raise WorkspaceError(_("The record does not fit this item."), _plain(exc.problems)) from None


def _plain(problems: Sequence[str]) -> list[str]:
    """Engine messages without their file-name prefix; item, record and field stay."""
    return [p.split(": ", 1)[1] if ": " in p else p for p in problems]


def _withdraw_verdicts(records: Sequence[Record], *, user: Any, change: str) -> bool:
    """A verdict judges a record as it was: when the unit changes the record or its evidence,
    the verdict (and a judgement's verified value) no longer applies, and the record waits for
    the Evaluation Centre again. The withdrawn verdict stays in the history. Returns whether a
    verdict was withdrawn (the verified score moved: the caller calls ``scores_changed``)."""
    withdrawn = False
    for verdict in Verdict.objects.filter(record__in=[r for r in records if r.pk]).select_related("record"):
        withdrawn = True
        record = verdict.record
        log_action(
            "pramern.verdict.withdrawn",
            record,
            actor=user,
            data={
                "before": {"status": verdict.status, "reason": verdict.reason, "verified": record.data.get("verified")},
                "after": None,
                "change": change,
            },
            assessment_id=record.assessment_id,
            item_code=record.item_code,
        )
        verdict.delete()
        if "verified" in record.data:
            record.data = {k: v for k, v in record.data.items() if k != "verified"}
            record.save(update_fields=["data", "updated_at"])
    return withdrawn


def _same_claim(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a save changes nothing the unit claims (the evaluator's value aside)."""
    unverified = {k: v for k, v in before["data"].items() if k != "verified"}
    return {**before, "data": unverified} == after


class RecordConflict(WorkspaceError):
    """A save refused because someone else changed the record after the form was loaded;
    ``current`` is the record as it is now saved."""

    def __init__(self, current: Record) -> None:
        super().__init__(_("Someone else saved a change to this record after you opened this form."))
        self.current = current


class FormAlreadySaved(WorkspaceError):
    """The same new-record form posted again with other values (the person went back in the
    browser and changed it): it was saved already, as ``record``; the new values were not."""

    def __init__(self, record: Record) -> None:
        super().__init__(
            _("This form was saved already, as the record dated %(date)s; what you changed since was not saved.")
            % {"date": bedate(record.date)}
        )
        self.record = record


def _saved_before(made: Record, *, date: dt.date, data: dict[str, Any], title: str, note: str) -> Record:
    """The record a new-record form made, when the form is posted again: the same values (a
    double click) return it; other values raise ``FormAlreadySaved``."""
    posted = copy.copy(made)
    posted.date, posted.title, posted.note = date, title.strip(), note.strip()
    posted.data = {k: v for k, v in data.items() if k != "verified"}
    if not _same_claim(made.snapshot(), posted.snapshot()):
        raise FormAlreadySaved(made)
    return made


@transaction.atomic
def save_record(
    assessment: Assessment,
    item_code: str,
    fact_name: str,
    *,
    date: dt.date,
    data: dict[str, Any],
    title: str = "",
    note: str = "",
    user: Any,
    record: Record | None = None,
    version: int | None = None,
    form_key: uuid.UUID | None = None,
    locks: LockState | None = None,
) -> Record:
    """Create (``record`` None) or change a record after checking locks and the fact's rules.

    ``version``: the record's version the person's form was loaded with; a save over a newer
    one raises ``RecordConflict``. ``form_key``: the creating form's one-time key; the same
    form posted again returns the record it made instead of making a second one. ``locks``:
    the writer's lock the caller already holds in its transaction (``lock_for_writing``).
    """
    item_and_fact(assessment, item_code, fact_name)
    locks = locks or lock_for_writing(assessment)  # until this change commits, nobody else writes here
    if record is None and form_key is not None:
        made = Record.objects.filter(assessment=assessment, form_key=form_key).first()
        if made is not None:
            return _saved_before(made, date=date, data=data, title=title, note=note)
    if record is not None:
        # The record as saved now (read under the assessment's lock).
        current = Record.objects.filter(pk=record.pk, assessment=assessment).first()
        if current is None:
            raise WorkspaceError(_("This record was deleted meanwhile; nothing was saved."))
        record = current
    locks.check_dates([date] if record is None else [date, record.date])
    before = record.snapshot() if record is not None else None
    # Work on a copy: a refused change leaves the caller's object as it was.
    target = (
        copy.copy(record)
        if record is not None
        else Record(assessment=assessment, item_code=item_code, fact=fact_name, created_by=user, form_key=form_key)
    )
    # The evaluator's value of a judgement is never the unit's to write (see _withdraw_verdicts).
    data = {k: v for k, v in data.items() if k != "verified"}
    target.date, target.data, target.title, target.note = date, data, title.strip(), note.strip()
    unchanged = before is not None and _same_claim(before, target.snapshot())
    if record is not None and version is not None and record.version != version and not unchanged:
        raise RecordConflict(record)
    others = list(
        assessment.records.filter(item_code=item_code, fact=fact_name).exclude(pk=target.pk if target.pk else None)
    )
    limit = assessment.framework.compiled().max_records_per_fact
    if record is None and len(others) >= limit:
        raise WorkspaceError(
            _(
                "This item already holds %(count)d records of this kind, the most the framework allows "
                "(%(limit)d). Combine or delete records before adding another."
            )
            % {"count": len(others), "limit": limit}
        )
    _validate_fact_records(assessment, item_code, fact_name, [*others, target])
    if record is not None and unchanged:
        return record  # saved unchanged (or the same save twice): nothing to log, the verdict still applies
    if record is not None:
        _withdraw_verdicts([target], user=user, change="pramern.record.changed")
        target.version = record.version + 1
        target.save()
    else:
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            # The same form, posted twice at once, was saved by the other request meanwhile
            # (PostgreSQL waits for it at the unique key): its record is this post's result too.
            made = Record.objects.filter(assessment=assessment, form_key=form_key).first() if form_key else None
            if made is None:
                raise
            return _saved_before(made, date=date, data=data, title=title, note=note)
    scores_changed(assessment)
    log_action(
        "pramern.record.changed" if before else "pramern.record.created",
        target,
        actor=user,
        data={"before": before, "after": target.snapshot()},
        assessment_id=assessment.pk,
        item_code=item_code,
    )
    return target


@transaction.atomic
def delete_record(record: Record, *, user: Any) -> None:
    assessment = record.assessment
    locks = lock_for_writing(assessment)
    current = Record.objects.filter(pk=record.pk).first()
    if current is None:
        return  # deleted meanwhile: nothing left to delete
    record = current
    locks.check_dates([record.date])
    before = record.snapshot()
    _withdraw_verdicts([record], user=user, change="pramern.record.deleted")
    log_action(
        "pramern.record.deleted",
        record,
        actor=user,
        data={"before": before, "after": None},
        assessment_id=assessment.pk,
        item_code=record.item_code,
    )
    record.delete()
    scores_changed(assessment)


# --------------------------------------------------------------------------- assignment


@transaction.atomic
def assign_item(assessment: Assessment, item_code: str, assignee_id: int | None, *, user: Any) -> ItemAssignment | None:
    """Give an item of the assessment to one of the unit's own people (``None``: nobody), as one
    of the unit's people (officer or director); audited. Refused for another unit's person, for
    an item not in the framework, and once the assessment is read-only. Returns the assignment."""
    if not access_for(user).can_edit(assessment.unit_id):
        raise PermissionDenied(_("Only the unit's own people assign its items."))
    if item_code not in assessment.framework.compiled().items_by_code:
        raise WorkspaceError(_("Unknown item."))
    locks = lock_for_writing(assessment)
    if locks.read_only:
        raise WorkspaceError(_("This assessment is read-only: %(reason)s.") % {"reason": locks.reason})
    current = ItemAssignment.objects.filter(assessment=assessment, item_code=item_code).select_related("assignee")
    existing = current.first()
    before = existing.assignee.get_username() if existing else None
    if assignee_id is None:
        if existing is None:
            return None
        existing.delete()
        log_action(
            "pramern.item.unassigned",
            assessment,
            actor=user,
            data={"before": before, "after": None},
            assessment_id=assessment.pk,
            item_code=item_code,
        )
        return None
    member = Role.objects.of_unit(assessment.unit_id).filter(user_id=assignee_id).first()
    if member is None:
        raise WorkspaceError(_("Items are given only to the unit's own officers and director."))
    if existing is not None and existing.assignee_id == member.user_id:
        return existing
    assignment, _created = ItemAssignment.objects.update_or_create(
        assessment=assessment, item_code=item_code, defaults={"assignee": member.user, "assigned_by": user}
    )
    log_action(
        "pramern.item.assigned",
        assignment,
        actor=user,
        data={"before": before, "after": member.user.get_username()},
        assessment_id=assessment.pk,
        item_code=item_code,
    )
    return assignment


# --------------------------------------------------------------------------- evidence


class EvidenceRejected(WorkspaceError):
    """An upload or link that is refused, with the reason in the message."""


def evidence_refusal(records: Sequence[Record], locks: LockState) -> str:
    """Why evidence supporting ``records`` (or to support them) may not change now ("" when it
    may): it may change while every record it supports may. Evidence supporting no record (an
    orphan) counts in no round, so no round's lock applies to it."""
    return locks.dates_refusal([r.date for r in records]) if records else ""


def _check_record_writable(records: Sequence[Record], locks: LockState) -> None:
    if refusal := evidence_refusal(records, locks):
        raise WorkspaceError(refusal)


def _log_evidence(
    action: str,
    evidence: Evidence,
    user: Any,
    records: Sequence[Record],
    before: Any = None,
    *,
    removed: bool = False,
    **extra: Any,
) -> None:
    """One entry per item it supports (or one without an item), so each item's history shows it.
    ``removed``: the evidence is about to go; the entry keeps its name, size and SHA-256."""
    before, after = (evidence.snapshot(), None) if removed else (before, evidence.snapshot())
    for item_code in sorted({r.item_code for r in records}) or [""]:
        log_action(
            action,
            evidence,
            actor=user,
            data={"before": before, "after": after, "records": [r.pk for r in records], **extra},
            assessment_id=evidence.assessment_id,
            item_code=item_code,
        )


def check_upload(upload: UploadedFile) -> FileType:
    """The accepted type of an uploaded file, or ``EvidenceRejected`` saying why not: empty, over
    ``EVIDENCE_MAX_MB``, or content of a type not accepted (the name is never trusted)."""
    limit_mb = settings.EVIDENCE_MAX_MB
    size = upload.size or 0
    if size == 0:
        raise EvidenceRejected(_("The file is empty."))
    if size > limit_mb * 1024 * 1024:
        raise EvidenceRejected(
            _("The file is too large: %(size).1f MB; at most %(limit)d MB is accepted.")
            % {"size": size / 1024 / 1024, "limit": limit_mb}
        )
    kind = sniff(upload.file)
    if kind is None:
        raise EvidenceRejected(
            _("This type of file is not accepted. Accepted: %(types)s (checked from the content, not the name).")
            % {"types": ACCEPTED_TH}
        )
    return kind


@dataclass(frozen=True)
class NewLink:
    """A link typed with a record: its address and an optional title."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class CheckedEvidence:
    """Files and links checked once, before any lock is taken: each file with its accepted type,
    each link's address cleaned (``clean_url``)."""

    files: Sequence[tuple[UploadedFile, FileType]] = ()
    links: Sequence[NewLink] = ()


def check_evidence(files: Sequence[UploadedFile], links: Sequence[NewLink]) -> CheckedEvidence:
    """The files and links checked, or ``EvidenceRejected`` listing every refused one by name,
    with the reason (one line each): nothing is saved when one is refused."""
    problems = []
    checked_files = []
    for upload in files:
        try:
            checked_files.append((upload, check_upload(upload)))
        except EvidenceRejected as exc:
            problems.append(
                _("File %(name)s: %(reason)s") % {"name": os.path.basename(upload.name or ""), "reason": exc.message}
            )
    checked_links = []
    for link in links:
        try:
            checked_links.append(NewLink(clean_url(link.url), link.title))
        except EvidenceRejected as exc:
            problems.append(_("Link %(url)s: %(reason)s") % {"url": link.url, "reason": exc.message})
    if problems:
        raise EvidenceRejected(
            _("Nothing was saved: a file or link was refused. Choose the files again once corrected."), problems
        )
    return CheckedEvidence(checked_files, checked_links)


@contextmanager
def _unstored_on_failure() -> Iterator[list[Evidence]]:
    """A list for the evidence whose files are stored inside the block: when the block fails (its
    transaction rolled back), those files leave storage too."""
    stored: list[Evidence] = []
    try:
        yield stored
    except BaseException:
        for evidence in stored:  # a storage that is down now leaves it: logged and audited
            delete_files(
                [(evidence.file.storage, evidence.file.name)],
                about=evidence.assessment,
                reason="stored for a change that failed",
            )
        raise


def _add_evidence(
    locks: LockState,
    assessment: Assessment,
    checked: CheckedEvidence,
    *,
    user: Any,
    records: Sequence[Record],
    stored: list[Evidence] | None = None,
    title: str = "",
    checked_on: dt.date | None = None,
) -> tuple[list[Evidence], list[Evidence]]:
    """(files, links): ``checked``'s files stored (titled ``title``) and its links added, all
    supporting ``records``, under ``locks`` (the writer's lock the caller holds in its
    transaction). Each is audited once per item; the records' verdicts are withdrawn once.
    Every stored file joins ``stored`` as soon as it is in storage (``_unstored_on_failure``)."""
    _check_record_writable(records, locks)
    files = stored if stored is not None else []
    for upload, kind in checked.files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = Evidence(
            assessment=assessment,
            kind=Evidence.Kind.FILE,
            original_name=os.path.basename(upload.name or "file")[:255],
            content_type=kind.mime,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            title=title.strip()[:300],
            uploaded_by=user,
        )
        try:  # streamed to storage in parts, from the upload's temporary file
            with storage_answers(store_unavailable_message()):
                evidence.file.save(kind.extension, upload, save=False)
        except StorageUnavailable as exc:  # shown at the files, with what was typed kept
            raise EvidenceRejected(exc.message) from exc
        files.append(evidence)
        evidence.save()
    links = [
        Evidence.objects.create(
            assessment=assessment,
            kind=Evidence.Kind.LINK,
            url=link.url,
            title=link.title.strip()[:300],
            link_checked_on=checked_on,  # only the link checker dates a link (manage.py check_evidence_links)
            uploaded_by=user,
        )
        for link in checked.links
    ]
    added = [*files, *links]
    through = Evidence.records.through
    # bulk_create sends no m2m_changed: the Evidence rows created above (post_save) have already
    # given the assessment a new revision in this transaction (reports/caching.py).
    through.objects.bulk_create([through(evidence=e, record=r) for e in added for r in records])
    for evidence in added:
        _log_evidence("pramern.evidence.added", evidence, user, records)
    if _withdraw_verdicts(records, user=user, change="pramern.evidence.added"):
        scores_changed(assessment)
    return files, links


def add_file_evidence(
    assessment: Assessment,
    upload: UploadedFile,
    *,
    user: Any,
    records: Sequence[Record] = (),
    title: str = "",
    deadlines: dict[str, dt.date] | None = None,
) -> Evidence:
    """Store an uploaded file under a name of our choosing, after checking size and real type
    (``EvidenceRejected`` with the reason). ``deadlines`` replace the scheduled ones (the demo
    writes history)."""
    checked = CheckedEvidence(files=[(upload, check_upload(upload))])
    with _unstored_on_failure() as stored, transaction.atomic():
        locks = lock_for_writing(assessment, deadlines=deadlines)
        _add_evidence(locks, assessment, checked, user=user, records=records, stored=stored, title=title)
    return stored[0]


def add_files_evidence(
    assessment: Assessment, uploads: Sequence[UploadedFile], *, user: Any, records: Sequence[Record], title: str = ""
) -> list[Evidence]:
    """Several files for the same records at once, all or none: one refused file (named, with the
    reason) adds none of them. A single file is refused with its reason as the message."""
    if len(uploads) == 1:
        checked = CheckedEvidence(files=[(uploads[0], check_upload(uploads[0]))])
    else:
        checked = check_evidence(uploads, [])
    with _unstored_on_failure() as stored, transaction.atomic():
        locks = lock_for_writing(assessment)
        _add_evidence(locks, assessment, checked, user=user, records=records, stored=stored, title=title)
    return stored


def clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EvidenceRejected(_("A link must start with http:// or https:// and name a site."))
    return url


@transaction.atomic
def add_link_evidence(
    assessment: Assessment,
    url: str,
    *,
    user: Any,
    title: str = "",
    records: Sequence[Record] = (),
    checked_on: dt.date | None = None,
    deadlines: dict[str, dt.date] | None = None,
) -> Evidence:
    """A link as evidence; ``deadlines`` replace the scheduled ones (the demo writes history)."""
    checked = CheckedEvidence(links=[NewLink(clean_url(url), title)])
    locks = lock_for_writing(assessment, deadlines=deadlines)
    _files, links = _add_evidence(locks, assessment, checked, user=user, records=records, checked_on=checked_on)
    return links[0]


@transaction.atomic
def attach_evidence(evidence: Evidence, record: Record, *, user: Any) -> None:
    """Let one piece of evidence support another record (of this or another item)."""
    if evidence.assessment_id != record.assessment_id:
        raise WorkspaceError(_("Evidence can only support records of the same assessment."))
    _check_record_writable([record], lock_for_writing(record.assessment))
    if evidence.records.filter(pk=record.pk).exists():
        return  # already supports it: nothing changes
    before = evidence.snapshot()
    evidence.records.add(record)
    _log_evidence("pramern.evidence.attached", evidence, user, [record], before)
    if _withdraw_verdicts([record], user=user, change="pramern.evidence.attached"):
        scores_changed(record.assessment)


@transaction.atomic
def detach_evidence(evidence: Evidence, record: Record, *, user: Any) -> None:
    _check_record_writable([record], lock_for_writing(record.assessment))
    if not evidence.records.filter(pk=record.pk).exists():
        return  # does not support it: nothing changes
    before = evidence.snapshot()
    evidence.records.remove(record)
    _log_evidence("pramern.evidence.detached", evidence, user, [record], before)
    if _withdraw_verdicts([record], user=user, change="pramern.evidence.detached"):
        scores_changed(record.assessment)


@dataclass(frozen=True)
class RecordWithEvidence:
    """What ``save_record_with_evidence`` saved: the record, and its new files and links
    (none when the same new-record form was posted twice: the first post added them)."""

    record: Record
    files: list[Evidence]
    links: list[Evidence]


def save_record_with_evidence(
    assessment: Assessment,
    item_code: str,
    fact_name: str,
    *,
    files: Sequence[UploadedFile] = (),
    links: Sequence[NewLink] = (),
    user: Any,
    record: Record | None = None,
    version: int | None = None,
    form_key: uuid.UUID | None = None,
    **fields: Any,
) -> RecordWithEvidence:
    """Create or change a record (``save_record``) and add its new files and links, all in one
    transaction under one writer's lock: a file or link that is refused (``check_evidence``),
    or any refusal of the record, saves nothing. Files stored before a later failure leave
    storage again."""
    checked = check_evidence(files, links)
    with _unstored_on_failure() as stored, transaction.atomic():
        locks = lock_for_writing(assessment)  # held until commit: the record and its evidence
        repeated = (
            record is None
            and form_key is not None
            and Record.objects.filter(assessment=assessment, form_key=form_key).exists()
        )
        saved = save_record(
            assessment,
            item_code,
            fact_name,
            user=user,
            record=record,
            version=version,
            form_key=form_key,
            locks=locks,
            **fields,
        )
        if repeated:
            return RecordWithEvidence(saved, [], [])
        _files, added = _add_evidence(locks, assessment, checked, user=user, records=[saved], stored=stored)
    return RecordWithEvidence(saved, stored, added)


def _remove_evidence(evidence: Evidence) -> None:
    """The row goes now; the file leaves storage (through the storage API) once the change is
    committed, so that a change that fails keeps its file."""
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    delete_files_after_commit([(storage, name)], about=evidence.assessment, reason="evidence deleted")


@transaction.atomic
def delete_evidence(evidence: Evidence, *, user: Any) -> None:
    """The unit removes evidence added by mistake. Refused while it supports a record of a
    submitted, closed or past-deadline round: what the Centre reviews stays as submitted."""
    locks = lock_for_writing(evidence.assessment)
    records = list(evidence.records.all())  # read under the lock: none attached meanwhile
    _check_record_writable(records, locks)
    _log_evidence("pramern.evidence.deleted", evidence, user, records, removed=True)
    withdrawn = _withdraw_verdicts(records, user=user, change="pramern.evidence.deleted")
    _remove_evidence(evidence)
    if withdrawn:
        scores_changed(evidence.assessment)


@transaction.atomic
def purge_evidence(evidence: Evidence, *, reason: str, user: Any, only_if_orphan: bool = False) -> bool:
    """An administrator removes evidence whatever the locks (personal data, a file that must
    not be kept). ``user`` None is the system (a scheduled command). The records it supported
    keep their verdicts: the evaluator judged them with the file.

    ``only_if_orphan``: removed only if it still supports no record when the assessment's lock is
    taken (it may have been attached since it was listed). Returns whether it was removed."""
    if user is not None and not access_for(user).is_administrator:
        raise PermissionDenied(_("Only an administrator purges evidence."))
    reason = reason.strip()
    if not reason:
        raise WorkspaceError(_("Give the reason for removing the evidence."))
    lock_for_writing(evidence.assessment)  # attaching takes the same lock
    if not Evidence.objects.filter(pk=evidence.pk).exists():
        return False  # removed meanwhile
    records = list(evidence.records.all())
    if only_if_orphan and records:
        return False
    _log_evidence("pramern.evidence.purged", evidence, user, records, removed=True, reason=reason)
    _remove_evidence(evidence)
    return True


def log_evidence_download(evidence: Evidence, *, user: Any, inline: bool) -> None:
    """Who opened which evidence file, and when (PDPA: evidence may name people). Kept out of the
    assessment's history (no ``assessment_id``): a download changes nothing there, and the review
    page previews files on every visit. The entry names the unit's assessment in its data."""
    log_action(
        "pramern.evidence.downloaded",
        evidence,
        actor=user,
        data={
            "assessment": evidence.assessment_id,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "inline": inline,
        },
    )


# --------------------------------------------------------------------------- import / export


def export_document(assessment: Assessment, *, verified_until: dt.date = dt.date.max) -> dict[str, Any]:
    """The assessment in the file format, with evidence references (files by name and hash).
    The evaluator's values (``verified``) are kept only on records dated up to ``verified_until``
    (what the reader may see: ``review.visibility.verified_values_visible_until``)."""
    records = assessment.records.prefetch_related("evidence")
    document = assessment_document(assessment, records, assessment.unit.sections.all(), with_evidence=True)
    for facts in document["items"].values():
        for entries in facts.values():
            for entry in entries:
                if entry["date"] > verified_until.isoformat():
                    entry.pop("verified", None)
    return document


@dataclass(frozen=True)
class ImportResult:
    records: int
    links: int
    files_matched: int
    files_missing: list[str]


#: The largest assessment file ``read_import_file`` reads (YAML or JSON).
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def read_import_file(upload: UploadedFile) -> tuple[str, Any]:
    """An uploaded YAML or JSON file's text and what it holds, or ``WorkspaceError`` when it is too
    large or cannot be read."""
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise WorkspaceError(_("The file is too large (at most 10 MB)."))
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorkspaceError(_("The file could not be read; nothing was changed."), [str(exc)]) from None
    return text, read_import_text(text, upload.name or "import.yaml")


def read_import_text(text: str, name: str) -> Any:
    """What an assessment file's text holds (YAML aliases refused), or ``WorkspaceError``."""
    try:
        return load_text(text, name, aliases=False)
    except SyntaxProblem as exc:
        raise WorkspaceError(_("The file could not be read; nothing was changed."), [str(exc)]) from None


@transaction.atomic
def import_document(assessment: Assessment, data: Any, *, user: Any) -> ImportResult:
    """Replace the assessment's records with a file's, all or nothing.

    Links are recreated; files are matched to evidence already uploaded (by SHA-256, then by
    name) because a file carries references, not the files themselves.
    """
    parsed = check_import(assessment, data)
    records = _replace_records(assessment, parsed, data, user=user)
    links, matched, missing = _relink_evidence(assessment, records, user=user)
    scores_changed(assessment)
    log_action(
        "pramern.assessment.imported",
        assessment,
        actor=user,
        data={"records": len(records), "links": links, "files_matched": matched, "files_missing": missing},
        assessment_id=assessment.pk,
    )
    return ImportResult(len(records), links, matched, missing)


def check_import(assessment: Assessment, data: Any) -> ParsedAssessment:
    """The file parsed against the framework and the unit's own sections, once the assessment is
    locked for writing; raises ``WorkspaceError`` when a round is closed or submitted, or the
    file is for another unit or has problems."""
    locks = lock_for_writing(assessment)  # no submission can commit while the records are replaced
    refusal = locks.import_refusal
    if refusal:
        raise WorkspaceError(refusal)
    framework: CompiledFramework = assessment.framework.compiled()
    if not isinstance(data, dict):
        raise WorkspaceError(_("The file has problems; nothing was changed."), [_("not an assessment file")])
    unit = data.get("unit") if isinstance(data.get("unit"), dict) else {}
    if unit.get("code") != assessment.unit.code:
        raise WorkspaceError(
            _("The file is for unit %(file)s, not %(unit)s; nothing was changed.")
            % {"file": unit.get("code"), "unit": assessment.unit.code}
        )
    # Sections are the unit's own: records must name those, whatever the file lists.
    checked = {**data, "sections": [{"code": s.code, "name": s.name_th} for s in assessment.unit.sections.all()]}
    try:
        return parse_assessment(checked, framework, _("import"))
    except AssessmentError as exc:
        raise WorkspaceError(_("The file has problems; nothing was changed."), _plain(exc.problems)) from None


def _replace_records(
    assessment: Assessment, parsed: ParsedAssessment, data: dict[str, Any], *, user: Any
) -> list[tuple[Record, dict[str, Any]]]:
    """Delete the assessment's records (the evidence stays) and create the checked file's, with its
    staff counts; returns each new record with its entry in the file, in file order."""
    assessment.records.all().delete()
    assessment.staff_counts = dict(parsed.staff_count)
    assessment.save(update_fields=["staff_counts"])
    entries = [
        (str(item_code), fact_name, raw)
        for item_code, facts in data.get("items", {}).items()
        for fact_name, raws in (facts or {}).items()
        for raw in raws or []
    ]
    return [
        (
            Record.objects.create(
                assessment=assessment,
                item_code=item_code,
                fact=fact_name,
                date=dt.date.fromisoformat(raw["date"]),
                # A file cannot bring the evaluator's value of a judgement: that is the Centre's.
                data={k: v for k, v in raw.items() if k not in ("date", "verified", *EXTRA_KEYS)},
                title=str(raw.get("title", ""))[:300],
                note=str(raw.get("note", "")),
                created_by=user,
            ),
            raw,
        )
        for item_code, fact_name, raw in entries
    ]


def _relink_evidence(
    assessment: Assessment, records: list[tuple[Record, dict[str, Any]]], *, user: Any
) -> tuple[int, int, list[str]]:
    """Link each new record to the evidence its entry in the file names; returns the links created, the
    files matched and the names of the files not found.

    The parser has checked every reference: {url, title?, checked?} or {file, sha256?, title?},
    all text. A link is the assessment's link of that URL, or a new one (a link's "checked" date
    is not taken from the file: only the link checker dates a link); a file is one already
    uploaded, matched by SHA-256, then by name."""
    files = list(assessment.evidence.filter(kind=Evidence.Kind.FILE))
    links = {e.url: e for e in assessment.evidence.filter(kind=Evidence.Kind.LINK)}
    links_made = matched = 0
    missing: list[str] = []
    for record, raw in records:
        for ref in raw.get("evidence", []) or []:
            if "url" in ref:
                link = links.get(ref["url"])
                if link is None:
                    link = links[ref["url"]] = Evidence.objects.create(
                        assessment=assessment,
                        kind=Evidence.Kind.LINK,
                        url=clean_url(ref["url"]),
                        title=ref.get("title", "").strip(),
                        uploaded_by=user,
                    )
                    links_made += 1
                link.records.add(record)
                continue
            same = [e for e in files if ref.get("sha256") and e.sha256 == ref.get("sha256")]
            same = same or [e for e in files if e.original_name == ref["file"]]
            if same:
                same[0].records.add(record)
                matched += 1
            else:
                missing.append(ref["file"])
    return links_made, matched, missing
