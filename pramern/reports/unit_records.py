"""A unit's own records as an Excel workbook (issue 11), beside the YAML/JSON assessment file.

One sheet lists every record, one row each, with the item in a column rather than a sheet per
item: the framework has about sixty items, most with few records or none, and a sheet per item
would be a workbook of mostly empty tabs whose names Excel cuts at 31 characters; one sheet can be
filtered and sorted by item, fact or date. Each fact has its own fields, so they are written as
"label: value" lines in one column instead of a column per field (well over a hundred, nearly all
empty on any row). Dates come twice: as text in the Buddhist era ("25 ก.ค. 2567", what people read
and paste) and as a real date cell (Excel shows it in the Buddhist era too, and sorts and
computes with it). A second sheet says whose records these are and when they were exported.

The workbook is in Thai whatever the page's language: it is the unit's record in the language of
the guideline. It is written with the score lists' writer (``reports.exporters.XlsxBook``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pramern.assessments.models import Assessment, Record
from pramern.audit.services import display_name
from pramern.reports.exporters import ListExporter, XlsxBook
from pramern.scoring.model import Framework as CompiledFramework
from pramern.ui.text import bedate, field_parts, ordered_fields


def _sorted_records(compiled: CompiledFramework, records: Iterable[Record]) -> list[Record]:
    """Records in the framework's order of items and facts, then by date."""
    item_order = {code: n for n, code in enumerate(compiled.items_by_code)}

    def key(record: Record) -> tuple[int, int, dt.date, int]:
        item = compiled.items_by_code.get(record.item_code)
        facts = list(item.facts) if item is not None else []
        fact_rank = facts.index(record.fact) if record.fact in facts else len(facts)
        return (item_order.get(record.item_code, len(item_order)), fact_rank, record.date, record.pk or 0)

    return sorted(records, key=key)


class RecordsExporter(ListExporter):
    """Every record of one assessment, one row each."""

    max_width = 50

    def __init__(self, assessment: Assessment, records: Sequence[Record], verified_until: dt.date) -> None:
        self.assessment = assessment
        self.compiled = assessment.framework.compiled()
        self.records = records
        self.verified_until = verified_until
        self.verbose_name = self.sheet_title = _("Records")

    def headers(self) -> list[str]:
        return [
            _("Item code"),
            _("Item"),
            _("Fact recorded"),
            _("Date (Buddhist era)"),
            _("Date (date cell)"),
            _("Title"),
            _("Details"),
            _("Note"),
            _("Evidence"),
            _("Recorded by"),
            _("Last changed"),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for record in _sorted_records(self.compiled, self.records):
            item = self.compiled.items_by_code.get(record.item_code)
            fact = item.facts.get(record.fact) if item is not None else None
            yield [
                record.item_code,
                item.title.th if item is not None else "",
                fact.label.th if fact is not None else record.fact,
                bedate(record.date),
                record.date,
                record.title,
                "\n".join(self._details(record, fact)),
                record.note,
                "\n".join(str(evidence) for evidence in record.evidence.all()),
                display_name(record.created_by) if record.created_by else "",
                record.updated_at,
            ]

    def _details(self, record: Record, fact: Any) -> Iterable[str]:
        for name, value in ordered_fields(fact, record.data):
            if name == "verified" and record.date > self.verified_until:
                continue  # the evaluator's value, not yet shown to this reader
            if fact is None:
                yield f"{name}: {value}"
                continue
            if name in fact.fields and fact.fields[name].kind == "flag" and not value:
                continue  # a flag not ticked says nothing
            label, shown = field_parts(fact, name, value)
            yield f"{label}: {shown}"
        if record.copied_from_id:
            yield _("copied from last year's record")


class AboutExporter(ListExporter):
    """Whose records, from which framework, exported when; the staff count per round."""

    freeze_panes = None
    autofilter = False

    def __init__(self, assessment: Assessment, count: int) -> None:
        self.assessment = assessment
        self.count = count
        self.verbose_name = self.sheet_title = _("About this file")

    def headers(self) -> list[str]:
        return [_("Subject"), _("Value")]

    def rows(self) -> Iterable[Sequence[Any]]:
        assessment = self.assessment
        yield [_("Unit"), f"{assessment.unit.name_th} ({assessment.unit.code})"]
        yield [_("Framework"), f"{assessment.framework.title_th} ({assessment.framework.label})"]
        for code, staff in dict(assessment.staff_counts).items():
            yield [_("Staff in round %(round)s") % {"round": code}, staff]
        yield [_("Records"), self.count]
        now = timezone.localtime()
        yield [_("Exported on"), f"{bedate(now)} {now:%H:%M}"]


def records_workbook(assessment: Assessment, *, verified_until: dt.date = dt.date.max) -> bytes:
    """The assessment's records as xlsx, in Thai. The evaluator's values are kept only on records
    dated up to ``verified_until`` (as in ``services.export_document``)."""
    records = list(assessment.records.select_related("created_by").prefetch_related("evidence"))
    stream = io.BytesIO()
    with translation.override("th"):
        book = XlsxBook(stream, title=f"{assessment.unit.name_th} {assessment.framework.label}")
        book.add(RecordsExporter(assessment, records, verified_until))
        book.add(AboutExporter(assessment, len(records)))
        book.close()
    return stream.getvalue()
