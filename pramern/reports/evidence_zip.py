"""A unit's evidence for a round as one ZIP, with a manifest of what supports what."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.db.models import Count, Sum

from pramern.assessments.models import Assessment, Evidence, Record
from pramern.reports.exporters import csv_text
from pramern.review.models import Verdict
from pramern.thaidates import thai_date

MANIFEST_HEADERS = ["ข้อ", "รหัสรายการ", "วันที่", "ข้อมูล", "ชื่อเรื่อง", "หลักฐาน", "ไฟล์ในชุดนี้/ลิงก์", "ผลการตรวจ", "เหตุผล"]


def _safe(name: str) -> str:
    """A file name that cannot climb out of its folder inside the archive."""
    cleaned = name.replace("\\", "/").split("/")[-1].strip() or "file"
    return cleaned.lstrip(".") or "file"


@dataclass(frozen=True)
class ZipSize:
    files: int
    bytes: int


def evidence_zip_size(assessment: Assessment, round_code: str) -> ZipSize:
    """How many files the round's ZIP holds and their size before compression (from the sizes
    stored with the evidence, each file once however many records it supports): one query, read
    before the ZIP is asked for."""
    cutoff = assessment.framework.compiled().round(round_code).cutoff
    in_round = Record.objects.filter(assessment=assessment, date__lte=cutoff).values("evidence")
    totals = Evidence.objects.filter(kind=Evidence.Kind.FILE, pk__in=in_round).aggregate(
        files=Count("pk"), bytes=Sum("size")
    )
    return ZipSize(totals["files"], totals["bytes"] or 0)


def build_evidence_zip(
    assessment: Assessment,
    round_code: str,
    stream: IO[bytes],
    progress: Callable[[int], None] | None = None,
    *,
    verdicts_until: dt.date = dt.date.max,
) -> int:
    """Write the ZIP to ``stream`` (files streamed from storage in chunks); return the file count.
    Verdicts of records dated after ``verdicts_until`` are left out (``verdicts_visible_until``)."""
    compiled = assessment.framework.compiled()
    cutoff = compiled.round(round_code).cutoff
    # people read the manifest: a fact's Thai label, not its key ("followups")
    fact_labels = {(item.code, name): fact.label.th for item in compiled.items for name, fact in item.facts.items()}
    records = list(Record.objects.filter(assessment=assessment, date__lte=cutoff).order_by("item_code", "date", "id"))
    verdicts = {
        v.record_id: v for v in Verdict.objects.filter(record__in=[r for r in records if r.date <= verdicts_until])
    }
    by_record = Evidence.objects.by_record(r.pk for r in records)
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_HEADERS)
    written: dict[int, str] = {}
    files = 0
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, record in enumerate(records):
            verdict = verdicts.get(record.pk)
            status = (
                verdict.get_status_display() if verdict else ("ยังไม่ได้ตรวจ" if record.date <= verdicts_until else "")
            )
            reason = verdict.reason if verdict else ""
            for evidence in by_record.get(record.pk, []) or [None]:
                if evidence is None:
                    where, name = "", "—"
                elif evidence.kind == Evidence.Kind.LINK:
                    where, name = evidence.url, evidence.title or evidence.url
                else:
                    name = evidence.original_name
                    if evidence.pk not in written:  # one file, however many records it supports
                        path = f"{record.item_code}/{evidence.pk}-{_safe(evidence.original_name)}"
                        with evidence.file.open("rb") as source, archive.open(path, "w") as target:
                            for chunk in source.chunks():
                                target.write(chunk)
                        written[evidence.pk] = path
                        files += 1
                    where = written[evidence.pk]
                fact = fact_labels.get((record.item_code, record.fact), record.fact)
                cells = [record.item_code, record.pk, thai_date(record.date), fact, record.title, name, where,
                         status, reason]  # fmt: skip
                writer.writerow([csv_text(cell) for cell in cells])
            if progress is not None and records:
                progress(int(90 * (index + 1) / len(records)))
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
    if progress is not None:
        progress(100)
    return files
