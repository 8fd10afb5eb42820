"""The evidence ZIP's manifest is read by people: Buddhist-era dates and the facts' Thai labels,
never ISO dates or fact keys."""

from __future__ import annotations

import csv
import io
import zipfile

from pramern.assessments.services import add_link_evidence
from pramern.reports.evidence_zip import build_evidence_zip
from tests.factories import record


def test_the_manifest_shows_thai_dates_and_fact_labels(world):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    add_link_evidence(world.a, "https://example.go.th/x", user=world.alice, title="แนวทาง", records=[rec])
    stream = io.BytesIO()
    build_evidence_zip(world.a, "R12", stream)
    rows = list(csv.reader(io.StringIO(zipfile.ZipFile(stream).read("manifest.csv").decode("utf-8-sig"))))
    (item,) = [item for item in world.framework.compiled().items if item.code == "1.1.1"]
    label = item.facts["guideline"].label.th
    assert rows[1][2:4] == ["1 มี.ค. 2567", label]
    assert "guideline" not in label
