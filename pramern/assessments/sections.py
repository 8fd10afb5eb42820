"""A section that records use keeps its code and cannot be deleted (security review, issue 8).

A record names its section by code (in ``Record.data``, in exported files, in the audit log), so
renaming a used section's code would leave its records pointing at nothing, and deleting it
would too. Its name and position may change freely. The guard runs on every path that saves or
deletes a section through the ORM (admin, importer, shell): see ``AssessmentsConfig.ready``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, ProtectedError, Q
from django.db.models.fields.json import KT
from django.utils.translation import ngettext

from pramern.assessments.models import Assessment, Record
from pramern.organizations.models import Section


class SectionInUse(ProtectedError):
    """A change that would leave records naming a section that is not there."""

    def __init__(self, section: Section, count: int) -> None:
        self.message = in_use_message(section.code, count)
        self.count = count
        super().__init__(self.message, set())


def in_use_message(code: str, count: int) -> str:
    return ngettext(
        "Section %(code)s is used by %(count)d record: its code cannot change and it cannot be deleted "
        "(its name can change).",
        "Section %(code)s is used by %(count)d records: its code cannot change and it cannot be deleted "
        "(its name can change).",
        count,
    ) % {"code": code, "count": count}


def section_use(unit_id: int) -> Counter[str]:
    """How many records of the unit's assessments name each section code (one query per section
    field name the frameworks use, besides reading the assessments)."""
    by_field: dict[str, Q] = {}
    for assessment in Assessment.objects.filter(unit_id=unit_id).select_related("framework").defer("framework__source"):
        for item in assessment.framework.compiled().items:
            for fact in item.facts.values():
                field = fact.section_field()
                if field is not None:
                    match = Q(assessment_id=assessment.pk, item_code=item.code, fact=fact.name)
                    by_field[field] = by_field.get(field, Q()) | match
    counts: Counter[str] = Counter()
    for field, match in by_field.items():
        rows = (
            Record.objects.filter(match)
            .annotate(section_code=KT(f"data__{field}"))
            .values("section_code")
            .annotate(n=Count("pk"))
            .values_list("section_code", "n")
        )
        counts.update({str(code): n for code, n in rows})
    return counts


def records_using(section: Section) -> int:
    return section_use(section.unit_id)[section.code] if section.pk else 0


def refuse_changing_a_used_code(sender: Any, instance: Section, raw: bool = False, **kwargs: Any) -> None:
    """pre_save: a used section keeps its unit and code."""
    if raw or instance.pk is None:
        return
    stored = Section.objects.filter(pk=instance.pk).values_list("unit_id", "code").first()
    if stored is None or stored == (instance.unit_id, instance.code):
        return
    count = section_use(stored[0])[stored[1]]
    if count:
        raise SectionInUse(Section(unit_id=stored[0], code=stored[1]), count)


def refuse_deleting_a_used_section(sender: Any, instance: Section, **kwargs: Any) -> None:
    """pre_delete: a used section stays (on every path, queryset deletes included)."""
    count = records_using(instance)
    if count:
        raise SectionInUse(instance, count)
