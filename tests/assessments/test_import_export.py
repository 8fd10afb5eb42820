"""Export and import in the assessment file format: a round trip keeps all but the files."""

from __future__ import annotations

import json

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.models import Evidence, Record
from pramern.assessments.scores import compute_scores
from pramern.assessments.services import (
    ImportResult,
    add_file_evidence,
    add_link_evidence,
    export_document,
    import_document,
)
from pramern.audit.models import AuditEntry
from pramern.scoring import load_framework, parse_assessment
from tests.conftest import EXAMPLES, FRAMEWORK_FILE
from tests.factories import import_and_confirm, record

PDF = b"%PDF-1.4\n%%EOF\n"


def make_records(world):
    first = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.a, "5.1", "respondents", "2024-06-30", value=22)
    record(world.a, "6.1", "flowcharts", "2024-03-02", section="s1", task="งานสารบรรณ", meets_standard=True)
    add_file_evidence(world.a, SimpleUploadedFile("บันทึก.pdf", PDF), user=world.alice, records=[first])
    add_link_evidence(world.a, "https://example.go.th/a", user=world.alice, title="เว็บไซต์", records=[first])
    return first


def test_export_is_a_valid_assessment_file_with_thai_intact(client, world):
    make_records(world)
    client.force_login(world.alice)
    exported = client.get(f"/a/{world.a.pk}/export.yaml")
    assert exported["Content-Disposition"] == 'attachment; filename="oae-bapp-oae-2567.yaml"'
    data = yaml.safe_load(exported.content.decode("utf-8"))
    assert data["unit"]["name_th"] == "สำนักวิจัยเศรษฐกิจการเกษตร"
    assert data["items"]["6.1"]["flowcharts"][0]["task"] == "งานสารบรรณ"
    refs = data["items"]["1.2.2"]["followups"][0]["evidence"]
    assert {ref.get("file") or ref.get("url") for ref in refs} == {"บันทึก.pdf", "https://example.go.th/a"}
    parse_assessment(data, load_framework(FRAMEWORK_FILE))
    as_json = json.loads(client.get(f"/a/{world.a.pk}/export.json").content.decode("utf-8"))
    assert as_json == data


def test_a_round_trip_keeps_records_links_and_file_references(client, world):
    make_records(world)
    client.force_login(world.alice)
    before_scores = {
        c: r.total
        for c, r in compute_scores(world.a, world.a.records.all(), world.unit_a.sections.all()).by_round.items()
    }
    exported = client.get(f"/a/{world.a.pk}/export.json").content
    Evidence.objects.filter(kind="link").delete()
    response = import_and_confirm(client, world.a.pk, SimpleUploadedFile("back.json", exported))
    assert response.status_code == 302, response.content.decode()[-1500:]
    again = json.loads(client.get(f"/a/{world.a.pk}/export.json").content)
    original = json.loads(exported)

    def strip_ids(doc):
        for facts in doc["items"].values():
            for records in facts.values():
                for rec in records:
                    rec.pop("id", None)
        return doc

    assert strip_ids(again) == strip_ids(original)
    after_scores = {
        c: r.total
        for c, r in compute_scores(world.a, world.a.records.all(), world.unit_a.sections.all()).by_round.items()
    }
    assert after_scores == before_scores
    pdf = Evidence.objects.get(kind="file")
    assert pdf.records.get().item_code == "1.2.2"  # the file was matched again by its hash
    assert AuditEntry.objects.filter(action="pramern.assessment.imported").exists()


def test_an_import_with_errors_names_item_and_field_and_changes_nothing(client, world):
    make_records(world)
    client.force_login(world.alice)
    bad = yaml.safe_load((EXAMPLES / "strong-unit.yaml").read_text(encoding="utf-8"))
    bad["unit"]["code"] = "oae-bapp"
    bad["sections"] = []
    bad["items"]["5.1"]["respondents"][0]["value"] = "many"
    response = client.post(
        f"/a/{world.a.pk}/import/",
        {"file": SimpleUploadedFile("bad.yaml", yaml.safe_dump(bad, allow_unicode=True).encode())},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "item 5.1: respondents[0].value: expected a number, got &#x27;many&#x27;" in page
    assert "item 6.1: flowcharts[0].section: &#x27;admin&#x27; is not one of the unit&#x27;s sections" in page
    assert Record.objects.filter(assessment=world.a).count() == 3


def test_a_file_of_another_unit_is_refused(client, world):
    client.force_login(world.alice)
    other = (EXAMPLES / "empty-unit.yaml").read_bytes()
    response = client.post(f"/a/{world.a.pk}/import/", {"file": SimpleUploadedFile("other.yaml", other)})
    assert response.status_code == 400
    assert "oae-rao-5" in response.content.decode()


def test_a_file_that_is_not_yaml_is_refused(client, world):
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/import/", {"file": SimpleUploadedFile("x.yaml", b"\xff\xfe\x00garbage: [")}
    )
    assert response.status_code == 400


def test_an_import_reuses_links_creates_each_new_link_once_and_matches_files_by_hash_then_by_name(world):
    make_records(world)
    document = export_document(world.a)
    followup = document["items"]["1.2.2"]["followups"][0]
    followup["evidence"] = [
        {"url": "https://example.go.th/a"},  # the assessment's own link
        {"url": "https://example.go.th/new", "title": "ใหม่"},
        {"file": "บันทึก.pdf"},  # no hash: matched by name
        {"file": "หาย.pdf", "sha256": "0" * 64},
    ]
    document["items"]["5.1"]["respondents"][0]["evidence"] = [{"url": "https://example.go.th/new"}]

    result = import_document(world.a, document, user=world.alice)

    assert result == ImportResult(records=3, links=1, files_matched=1, files_missing=["หาย.pdf"])
    assert Evidence.objects.filter(kind="link").count() == 2
    new = Evidence.objects.get(url="https://example.go.th/new")
    assert new.title == "ใหม่"
    assert sorted(new.records.values_list("item_code", flat=True)) == ["1.2.2", "5.1"]
    assert Evidence.objects.get(kind="file").records.get().item_code == "1.2.2"
    entry = AuditEntry.objects.get(action="pramern.assessment.imported")
    assert entry.data == {"records": 3, "links": 1, "files_matched": 1, "files_missing": ["หาย.pdf"]}
