"""Carry-over: a unit copies chosen records of its previous year into its new year's assessment.

A copy is a new record of this year, dated by the person inside this year's window, counted by
this year's rules like any other, and it says where it came from (``Record.copied_from``). The
item and fact it goes to follow the mapping between the two frameworks (``year_mapping``).
Evidence files are copied through Django's storage API, not linked: each year's evidence
belongs to its own assessment (access, retention and purging work per assessment), so removing
a file from one year never takes it from the other.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from pramern.assessments.adapter import assessment_document
from pramern.assessments.models import Assessment, Evidence, Record
from pramern.assessments.rounds import lock_for_writing
from pramern.assessments.services import scores_changed
from pramern.audit.services import log_action
from pramern.errors import WorkspaceError
from pramern.filestore import StorageUnavailable, delete_files, open_stored, storage_answers, store_unavailable_message
from pramern.organizations.permissions import access_for
from pramern.scoring import AssessmentError, parse_assessment
from pramern.scoring.mapping import ItemMapping, mapping_for
from pramern.scoring.model import Framework as CompiledFramework
from pramern.ui.text import bedate


class CarryOverError(WorkspaceError):
    """A carry-over refused: nothing was copied."""


@dataclass(frozen=True)
class CarryPick:
    """One record of last year to copy: the date the copy gets, and whether its evidence comes too."""

    record_id: int
    date: dt.date
    with_evidence: bool = True


def year_mapping(old: CompiledFramework, new: CompiledFramework) -> ItemMapping:
    """Which of ``old``'s items and facts continue which of ``new``'s: what ``new``'s
    ``previous:`` declares when it names ``old``, on top of same item codes and fact names."""
    return mapping_for(old, new)


def year_window(framework: CompiledFramework) -> tuple[dt.date, dt.date]:
    """The days a record of this year may be dated: from the first round's start to the final cut-off."""
    return framework.rounds[0].starts, framework.final_round.cutoff


def previous_assessment(assessment: Assessment) -> Assessment | None:
    return Assessment.objects.previous_for(assessment.unit, assessment.framework)


def carry_over(assessment: Assessment, picks: Sequence[CarryPick], *, user: Any) -> list[Record]:
    """Copy the picked records of the unit's previous assessment into ``assessment`` as new
    records (with their evidence when asked), all or nothing: ``CarryOverError`` lists every
    problem (no successor item, a date outside this year's window, copied already, a record
    this year's fact does not accept, a file storage that does not answer) and nothing is
    copied: files copied before a failure leave storage again. Audited per record. Only the
    unit's own people (``PermissionDenied``)."""
    stored: list[Evidence] = []
    try:
        with storage_answers(store_unavailable_message()):
            return _carry_over(assessment, picks, user=user, stored=stored)
    except BaseException as exc:
        delete_files(
            [(e.file.storage, e.file.name) for e in stored],
            about=assessment,
            reason="copied for a carry-over that failed",
        )
        if isinstance(exc, StorageUnavailable):
            raise CarryOverError(exc.message) from exc
        raise


@transaction.atomic
def _carry_over(
    assessment: Assessment, picks: Sequence[CarryPick], *, user: Any, stored: list[Evidence]
) -> list[Record]:
    if not access_for(user).can_edit(assessment.unit_id):
        raise PermissionDenied(_("Only the unit's own people copy its records."))
    if not picks:
        raise CarryOverError(_("Tick the records to copy."))
    previous = previous_assessment(assessment)
    if previous is None:
        raise CarryOverError(_("This unit has no assessment of an earlier year to copy from."))
    locks = lock_for_writing(assessment)
    new_fw = assessment.framework.compiled()
    mapping = year_mapping(previous.framework.compiled(), new_fw)
    start, end = year_window(new_fw)
    sources = {r.pk: r for r in previous.records.filter(pk__in=[p.record_id for p in picks])}
    evidence = Evidence.objects.by_record(sources)
    copied = {r.copied_from_id: r for r in assessment.records.filter(copied_from__in=list(sources))}
    problems: list[str] = []
    planned: list[tuple[CarryPick, Record, Record]] = []  # pick, source, the copy (unsaved)
    seen: set[int] = set()
    for pick in picks:
        source = sources.get(pick.record_id)
        if source is None or pick.record_id in seen:
            problems.append(_("A record to copy is not one of last year's records of this unit."))
            continue
        seen.add(pick.record_id)
        where = _("Item %(item)s, record of %(date)s") % {"item": source.item_code, "date": bedate(source.date)}
        item = mapping.new_item(source.item_code)
        fact = mapping.new_fact(source.item_code, source.fact)
        if item is None or fact is None:
            problems.append(
                _("%(where)s: this year's framework has no item or fact that continues it.") % {"where": where}
            )
            continue
        if source.pk in copied:
            problems.append(
                _("%(where)s: copied already, as the record of item %(item)s dated %(date)s.")
                % {"where": where, "item": copied[source.pk].item_code, "date": bedate(copied[source.pk].date)}
            )
            continue
        if not start <= pick.date <= end:
            problems.append(
                _("%(where)s: the copy must be dated inside this year (%(start)s – %(end)s), not %(date)s.")
                % {"where": where, "start": bedate(start), "end": bedate(end), "date": bedate(pick.date)}
            )
            continue
        if pick.with_evidence:
            for ev in evidence[source.pk]:
                if ev.kind == Evidence.Kind.FILE and not (ev.file.name and ev.file.storage.exists(ev.file.name)):
                    problems.append(
                        _("%(where)s: the file %(name)s is no longer stored; copy the record without its evidence.")
                        % {"where": where, "name": ev.original_name or ev.title}
                    )
        copy = Record(
            assessment=assessment,
            item_code=item,
            fact=fact,
            date=pick.date,
            data={k: v for k, v in source.data.items() if k != "verified"},  # the evaluator's, of last year
            title=source.title,
            note=source.note,
            created_by=user,
            copied_from=source,
        )
        planned.append((pick, source, copy))
    if not problems:
        problems = _check_fit(assessment, new_fw, [copy for _pick, _source, copy in planned])
    if problems:
        raise CarryOverError(_("Nothing was copied."), problems)
    locks.check_dates([pick.date for pick in picks])
    files: dict[str, Evidence] = {}
    links: dict[str, Evidence] = {}
    made = []
    for pick, source, copy in planned:
        copy.save()
        brought = (
            _copy_evidence(assessment, evidence[source.pk], copy, user, files, links, stored)
            if pick.with_evidence
            else []
        )
        log_action(
            "pramern.record.copied",
            copy,
            actor=user,
            data={
                "before": None,
                "after": copy.snapshot(),
                "from": {
                    "assessment": previous.pk,
                    "framework": str(previous.framework),
                    "record": source.pk,
                    "item": source.item_code,
                    "fact": source.fact,
                    "date": source.date.isoformat(),
                },
                "evidence": brought,
            },
            assessment_id=assessment.pk,
            item_code=copy.item_code,
        )
        made.append(copy)
    scores_changed(assessment)
    return made


def _check_fit(assessment: Assessment, framework: CompiledFramework, copies: list[Record]) -> list[str]:
    """The engine's problems with the copies beside the records each fact holds already, and a
    fact that would hold more records than the framework allows ([] when they fit)."""
    by_fact: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for copy in copies:
        by_fact[(copy.item_code, copy.fact)].append(copy)
    problems = []
    sections = list(assessment.unit.sections.all())
    for (item, fact), new in by_fact.items():
        others = list(assessment.records.filter(item_code=item, fact=fact))
        if len(others) + len(new) > framework.max_records_per_fact:
            problems.append(
                _("Item %(item)s would hold more than %(limit)d records of this kind.")
                % {"item": item, "limit": framework.max_records_per_fact}
            )
            continue
        document = assessment_document(assessment, [*others, *new], sections)
        try:
            parse_assessment(document, framework, _("copy"))
        except AssessmentError as exc:
            problems.extend(p.split(": ", 1)[1] if ": " in p else p for p in exc.problems)
    return problems


def _copy_evidence(
    assessment: Assessment,
    sources: list[Evidence],
    record: Record,
    user: Any,
    files: dict[str, Evidence],
    links: dict[str, Evidence],
    stored: list[Evidence],
) -> list[dict[str, Any]]:
    """Last year's evidence of a record, now supporting its copy: a link becomes (or reuses) this
    assessment's link of that URL; a file is copied into storage once (or reuses this
    assessment's file of the same SHA-256), streamed, and joins ``stored``. Returns what each
    became, for the audit."""
    out = []
    for source in sources:
        if source.kind == Evidence.Kind.LINK:
            target = (
                links.get(source.url) or assessment.evidence.filter(kind=Evidence.Kind.LINK, url=source.url).first()
            )
            if target is None:
                target = Evidence.objects.create(
                    assessment=assessment, kind=Evidence.Kind.LINK, url=source.url, title=source.title, uploaded_by=user
                )
            links[source.url] = target
        else:
            target = files.get(source.sha256 or f"evidence-{source.pk}") or (
                assessment.evidence.filter(kind=Evidence.Kind.FILE, sha256=source.sha256).first()
                if source.sha256
                else None
            )
            if target is None:
                target = Evidence(
                    assessment=assessment,
                    kind=Evidence.Kind.FILE,
                    original_name=source.original_name,
                    content_type=source.content_type,
                    size=source.size,
                    sha256=source.sha256,
                    title=source.title,
                    uploaded_by=user,
                )
                # Written to storage before the change commits, after every check; a failure
                # after it takes it out of storage again (``carry_over``).
                content = open_stored(source.file)
                try:
                    target.file.save(posixpath.basename(source.file.name), File(content), save=False)
                finally:
                    content.close()
                stored.append(target)
                target.save()
            files[source.sha256 or f"evidence-{source.pk}"] = target
        target.records.add(record)
        out.append({"from": source.pk, "to": target.pk, "kind": source.kind})
    return out
