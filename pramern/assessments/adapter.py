"""The one bridge between the database and the scoring engine.

Rows become a ``pramern-assessment/1`` document (what an exported file holds), which the
engine's own parser validates and turns into its ``Assessment``. Export, import and scoring
therefore share one format and one validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pramern.assessments.models import Assessment, Evidence, Record
from pramern.organizations.models import Section
from pramern.scoring import Assessment as ScoringAssessment
from pramern.scoring.assessment import FORMAT, Problem, parse_stored_assessment


def record_document(record: Record, evidence: Iterable[Evidence] = ()) -> dict[str, Any]:
    """One record in the file format: its date, its fact's fields, id, title, note, evidence."""
    out: dict[str, Any] = {"date": record.date.isoformat(), **record.data}
    if record.pk:
        out["id"] = record.pk
    if record.title:
        out["title"] = record.title
    if record.note:
        out["note"] = record.note
    refs = [evidence_reference(e) for e in evidence]
    if refs:
        out["evidence"] = refs
    return out


def evidence_reference(evidence: Evidence) -> dict[str, Any]:
    if evidence.kind == Evidence.Kind.LINK:
        ref: dict[str, Any] = {"url": evidence.url}
        if evidence.link_checked_on:
            ref["checked"] = evidence.link_checked_on.isoformat()
    else:
        ref = {"file": evidence.original_name, "sha256": evidence.sha256}
    if evidence.title:
        ref["title"] = evidence.title
    return ref


def assessment_document(
    assessment: Assessment,
    records: Iterable[Record],
    sections: Iterable[Section],
    *,
    with_evidence: bool = False,
) -> dict[str, Any]:
    """The whole assessment in the file format (records grouped by item and fact)."""
    items: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for record in records:
        evidence = record.evidence.all() if with_evidence else ()
        facts = items.setdefault(record.item_code, {})
        facts.setdefault(record.fact, []).append(record_document(record, evidence))
    unit = assessment.unit
    document: dict[str, Any] = {
        "format": FORMAT,
        "framework": {"code": assessment.framework.code, "version": assessment.framework.version},
        "unit": {"code": unit.code, "name_th": unit.name_th},
        "staff_count": dict(assessment.staff_counts),
        "sections": [{"code": s.code, "name": s.name_th} for s in sections],
        "items": items,
    }
    if unit.name_en:
        document["unit"]["name_en"] = unit.name_en
    return document


def load_scoring_assessment(
    assessment: Assessment, records: Iterable[Record] | None = None, sections: Iterable[Section] | None = None
) -> tuple[ScoringAssessment, tuple[Problem, ...]]:
    """The engine's view of an assessment, and the stored records that no longer validate
    (left out of it, never raised: see ``parse_stored_assessment``). Two queries when
    records/sections are not given."""
    if records is None:
        records = assessment.records.all()
    if sections is None:
        sections = assessment.unit.sections.all()
    document = assessment_document(assessment, records, sections)
    return parse_stored_assessment(document, assessment.framework.compiled(), f"assessment {assessment.pk}")
