"""Drafts: started from an installed framework or a file, saved as revisions, checked like `pramern framework check`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import services
from pramern.studio.models import FrameworkDraft
from tests.conftest import FRAMEWORK_FILE
from tests.factories import framework, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def fy2567():
    return framework()


@pytest.fixture
def fern():
    return person("fern", Role.Kind.FRAMEWORK_EDITOR, first_name="เฟิร์น", last_name="ผู้ร่าง")


@pytest.fixture
def draft(fy2567, fern):
    return services.start_draft(fy2567, "oae-2570", "1", fern)


def test_a_clone_is_the_framework_under_a_new_code_version_and_year(fy2567, draft, fern):
    document = draft.document()
    original = load_text(fy2567.source, "oae-2567.yaml")
    assert (document["code"], document["version"]) == ("oae-2570", "1")
    assert "ปี 2570" in document["title_th"] and "2567" not in document["title_th"]
    assert document["title_en"].endswith("fiscal year 2570")
    assert (draft.code, draft.version, draft.title_th) == ("oae-2570", "1", document["title_th"])
    assert document["dimensions"] == original["dimensions"]
    assert draft.based_on == fy2567 and draft.created_by == fern and draft.is_editable
    revision = draft.current_revision()
    assert revision.number == 1 and revision.author == fern
    assert revision.source == dump_framework(document)
    entry = AuditEntry.objects.get(action="pramern.studio.draft_started")
    assert entry.object_id == str(draft.pk) and entry.actor == fern and entry.data["based_on"] == "oae-2567@1"


def test_titles_given_replace_the_copied_ones(fy2567, fern):
    draft = services.start_draft(fy2567, "oae-2570", "2", fern, title_th="กรอบทดลอง", title_en="A trial")
    assert (draft.document()["title_th"], draft.title_en) == ("กรอบทดลอง", "A trial")


@pytest.mark.parametrize(
    ("code", "version", "message"),
    [
        ("oae-2567", "1", "oae-2567@1"),  # installed
        ("oae-2570", "1", "oae-2570@1"),  # a draft already
        ("oae 2570", "1", "รหัสใช้ได้เฉพาะ"),
        ("oae-2570", "", "ฉบับใช้ได้เฉพาะ"),
    ],
)
def test_a_taken_or_malformed_code_or_version_is_refused(fy2567, draft, fern, code, version, message):
    with pytest.raises(services.StudioError) as refused:
        services.start_draft(fy2567, code, version, fern)
    assert message in refused.value.message
    assert FrameworkDraft.objects.count() == 1


def test_an_uploaded_file_round_trips_exactly(fern):
    text = FRAMEWORK_FILE.read_text(encoding="utf-8").replace("code: oae-2567", "code: oae-2570", 1)
    draft = services.start_draft_from_text(text.encode("utf-8"), "next.yaml", fern)
    assert draft.current_revision().source == dump_framework(load_text(text, "next.yaml"))
    assert draft.based_on is None and draft.source_name == "next.yaml"
    assert services.check_draft(draft).ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"code: [unclosed", "not valid YAML"),
        (b"- a list\n", "ไม่ใช่กรอบการประเมิน"),
        (b"title_th: x\n", "ไม่ได้ระบุ code, version"),
        ("code: x\n".encode("utf-16"), "ไม่ใช่ไฟล์ข้อความ UTF-8"),
        (b"a: &x [1]\nb: *x\ncode: z\nversion: '1'\n", "aliases"),
    ],
)
def test_an_unreadable_file_is_refused_with_its_reason(fern, content, message):
    with pytest.raises(services.StudioError) as refused:
        services.start_draft_from_text(content, "bad.yaml", fern)
    assert message in refused.value.message
    assert not FrameworkDraft.objects.exists()


def test_a_file_with_problems_still_becomes_a_draft_to_fix(fern):
    draft = services.start_draft_from_text(b"code: oae-2571\nversion: '1'\n", "empty.yaml", fern)
    check = services.check_draft(draft)
    assert not check.ok and check.problems and check.compiled is None


def test_each_save_is_a_numbered_audited_revision_even_with_problems(draft, fern):
    document = draft.document()
    document["dimensions"][0]["points"] = 27  # the dimensions no longer add up to 120
    revision = services.save_revision(draft, document, fern, "ด้าน 1 เป็น 27")
    assert revision.number == 2 and revision.summary == "ด้าน 1 เป็น 27"
    assert draft.current_revision() == revision
    check = services.check_draft(draft)
    assert not check.ok and any("120" in p or "27" in p for p in check.problems)
    entry = AuditEntry.objects.get(action="pramern.studio.revision_saved")
    assert entry.data["number"] == 2 and entry.actor == fern


def test_saving_the_same_text_stores_nothing(draft, fern):
    assert services.save_revision(draft, draft.document(), fern, "no change").number == 1
    assert draft.revisions.count() == 1
    assert not AuditEntry.objects.filter(action="pramern.studio.revision_saved").exists()


def test_a_save_on_top_of_a_newer_revision_is_refused(draft, fern):
    document = draft.document()
    document["title_en"] = "Someone else's"
    services.save_revision(draft, document, fern, base=1)
    document["title_en"] = "Mine"
    with pytest.raises(services.StudioError):
        services.save_revision(draft, document, fern, base=1)
    assert draft.document()["title_en"] == "Someone else's"


def test_an_edit_changes_only_the_edited_line_of_the_text(draft, fern):
    before = draft.current_revision().source
    document = draft.document()
    document["dimensions"][0]["items"][0]["items"][0]["title_en"] = "A changed title"
    after = services.save_revision(draft, document, fern).source
    diff = [line for line in services.text_diff(before, after).splitlines() if line[:1] in "+-"]
    assert diff[2:] == [
        "-      title_en: The unit has an anti-corruption guideline",
        "+      title_en: A changed title",
    ]


def test_renaming_the_code_in_the_document_renames_the_draft(draft, fern):
    document = draft.document()
    document["version"] = "2"
    services.save_revision(draft, document, fern)
    draft.refresh_from_db()
    assert str(draft) == "oae-2570@2"


def test_the_check_of_a_clone_matches_the_command_line_check(draft):
    check = services.check_draft(draft)
    assert check.ok and check.problems == []
    assert (check.dimensions, check.items, check.total) == (7, len(check.compiled.items), Decimal(120))
    assert check.lines == sum(len(item.lines) for item in check.compiled.items)
    assert [(r.code, r.potential, r.added) for r in check.rounds] == [
        ("R6", Decimal("66.5"), Decimal("66.5")),
        ("R12", Decimal(120), Decimal("53.5")),
    ]
