"""Publishing a draft makes its version immutable; afterwards only texts may be corrected, as a recorded patch."""

from __future__ import annotations

import pytest

from pramern.audit.models import AuditEntry
from pramern.frameworks.models import Framework, FrameworkItem
from pramern.organizations.models import Role
from pramern.scoring.yamlio import load_text
from pramern.studio import services
from pramern.studio.models import FrameworkDraft, FrameworkPatch
from tests.factories import framework, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def fern():
    return person("fern", Role.Kind.FRAMEWORK_EDITOR)


@pytest.fixture
def draft(fern):
    return services.start_draft(framework(), "oae-2570", "1", fern)


def first_item(document):
    return document["dimensions"][0]["items"][0]["items"][0]


def test_publishing_installs_the_version_and_makes_the_draft_read_only(draft, fern):
    published = services.publish(draft, fern)
    draft.refresh_from_db()
    assert draft.state == FrameworkDraft.State.PUBLISHED and not draft.is_editable
    assert draft.published == published and draft.published_at is not None
    assert (published.code, published.version) == ("oae-2570", "1")
    assert published.source == draft.current_revision().source
    assert published.items.filter(code="1.1.1").exists()
    assert published.schedules.count() == 2
    entry = AuditEntry.objects.get(action="pramern.studio.draft_published")
    assert entry.actor == fern and entry.data["framework"] == "oae-2570@1"
    assert AuditEntry.objects.filter(action="pramern.framework.installed", object_id=str(published.pk)).exists()


def test_a_published_draft_takes_no_more_revisions_and_is_not_published_twice(draft, fern):
    services.publish(draft, fern)
    document = draft.document()
    document["title_en"] = "Changed after publishing"
    with pytest.raises(services.StudioError) as refused:
        services.save_revision(draft, document, fern)
    assert "ประกาศใช้แล้ว" in refused.value.message
    with pytest.raises(services.StudioError):
        services.publish(draft, fern)
    assert draft.revisions.count() == 1
    assert Framework.objects.get(code="oae-2570").source == draft.current_revision().source


def test_publishing_is_refused_while_the_draft_has_problems(draft, fern):
    document = draft.document()
    first_item(document)["points"] = 3  # lines of 1.1.1 give 2; 1.1 no longer adds up
    services.save_revision(draft, document, fern)
    with pytest.raises(services.StudioError) as refused:
        services.publish(draft, fern)
    assert refused.value.problems and any("1.1.1" in p for p in refused.value.problems)
    assert not Framework.objects.filter(code="oae-2570").exists()
    draft.refresh_from_db()
    assert draft.is_editable
    assert not AuditEntry.objects.filter(action="pramern.studio.draft_published").exists()


def test_a_failing_line_test_blocks_publishing(draft, fern):
    document = draft.document()
    case = first_item(document)["lines"][0]["tests"][0]
    case["expect"] = 1  # the line gives 2 for this case
    services.save_revision(draft, document, fern, "a wrong expectation")
    check = services.check_draft(draft)
    assert check.problems == [] and [t.passed for t in check.failing_tests] == [False]
    assert len(check.passed_tests) == len(check.line_tests) - 1 > 100
    with pytest.raises(services.StudioError) as refused:
        services.publish(draft, fern)
    assert refused.value.problems == [f"กรณีทดสอบไม่ผ่าน: {check.failing_tests[0].message}"]
    assert "1.1.1" in refused.value.problems[0] and "expected 1, got 2" in refused.value.problems[0]
    assert not Framework.objects.filter(code="oae-2570").exists()


@pytest.fixture
def published(draft, fern):
    return services.publish(draft, fern)


def test_a_text_correction_is_recorded_as_a_patch_with_its_diff(published, fern):
    document = load_text(published.source, "x.yaml")
    first_item(document)["title_th"] = "หน่วยงานมีแนวทางในการป้องกันการทุจริต (แก้คำ)"
    first_item(document)["guidance_en"] = "Corrected guidance.\n"
    sha_before = published.source_sha256
    patch = services.patch_published(published, document, fern, "  แก้คำผิด  ")
    published.refresh_from_db()
    assert published.source_sha256 == patch.after_sha256 != sha_before == patch.before_sha256
    assert "(แก้คำ)" in published.source
    assert published.compiled().items_by_code["1.1.1"].title.th.endswith("(แก้คำ)")
    assert FrameworkItem.objects.get(framework=published, code="1.1.1").title_th.endswith("(แก้คำ)")
    assert "+      title_th: หน่วยงานมีแนวทางในการป้องกันการทุจริต (แก้คำ)" in patch.diff.splitlines()
    assert patch.reason == "แก้คำผิด" and patch.author == fern
    entry = AuditEntry.objects.get(action="pramern.framework.patched")
    assert entry.data["reason"] == "แก้คำผิด" and entry.data["sha256_after"] == patch.after_sha256


@pytest.mark.parametrize(
    "change",
    [
        lambda d: first_item(d).update(points=3),
        lambda d: first_item(d)["lines"][0].update(when="count(guideline) >= 2"),
        lambda d: first_item(d)["lines"][0].update(round="R12"),
        lambda d: d["rounds"][0].update(cutoff="2024-03-31"),
        lambda d: d.update(version="2"),
        lambda d: first_item(d)["facts"]["guideline"].update(type="measurement"),
    ],
    ids=["item points", "condition", "line round", "round date", "version", "fact type"],
)
def test_a_scoring_change_is_refused_as_a_patch(published, fern, change):
    document = load_text(published.source, "x.yaml")
    change(document)
    source = published.source
    with pytest.raises(services.StudioError) as refused:
        services.patch_published(published, document, fern, "เปลี่ยนคะแนน")
    assert "ต้องทำเป็นเวอร์ชันใหม่" in refused.value.message
    published.refresh_from_db()
    assert published.source == source and not FrameworkPatch.objects.exists()
    assert not AuditEntry.objects.filter(action="pramern.framework.patched").exists()


def test_a_patch_needs_a_reason_and_a_change(published, fern):
    document = load_text(published.source, "x.yaml")
    with pytest.raises(services.StudioError):
        services.patch_published(published, document, fern, "ไม่มีอะไรเปลี่ยน")
    first_item(document)["title_en"] = "Changed"
    with pytest.raises(services.StudioError):
        services.patch_published(published, document, fern, "   ")
    assert not FrameworkPatch.objects.exists()


# ---- text corrections made with the studio's forms (a correction draft) -------------------------


def test_a_correction_draft_keeps_the_code_and_version_and_is_reopened_not_doubled(published, fern):
    correction = services.start_patch(published, fern)
    assert (correction.code, correction.version, correction.patch_of) == ("oae-2570", "1", published)
    assert correction.is_patch and correction.is_editable
    assert correction.current_revision().source == published.source
    assert services.start_patch(published, fern) == correction
    assert AuditEntry.objects.filter(action="pramern.studio.patch_started").count() == 1
    document = correction.document()
    document["version"] = "2"
    with pytest.raises(services.StudioError):
        services.save_revision(correction, document, fern)
    with pytest.raises(services.StudioError):
        services.publish(correction, fern)


def test_a_correction_draft_is_applied_as_a_patch(published, fern):
    correction = services.start_patch(published, fern)
    document = correction.document()
    first_item(document)["guidance_th"] = "แนวทางที่แก้คำผิดแล้ว\n"
    services.save_revision(correction, document, fern, "แก้คำผิด")
    check = services.check_draft(correction)
    assert check.ok and not check.scoring_changed
    patch = services.apply_patch(correction, fern, "คำผิดในแนวทาง")
    published.refresh_from_db()
    correction.refresh_from_db()
    assert "แนวทางที่แก้คำผิดแล้ว" in published.source and published.source_sha256 == patch.after_sha256
    assert correction.state == FrameworkDraft.State.PUBLISHED and not correction.is_editable
    assert AuditEntry.objects.filter(action="pramern.studio.patch_applied", actor=fern).count() == 1
    assert AuditEntry.objects.filter(action="pramern.framework.patched").count() == 1
    with pytest.raises(services.StudioError):
        services.apply_patch(correction, fern, "again")
    assert services.start_patch(published, fern) != correction  # a new correction may follow


def test_a_correction_draft_that_changes_a_score_cannot_be_applied(published, fern):
    correction = services.start_patch(published, fern)
    document = correction.document()
    first_item(document)["lines"][0]["when"] = "count(guideline) >= 2"
    services.save_revision(correction, document, fern)
    check = services.check_draft(correction)
    assert check.scoring_changed and not check.ok
    source = published.source
    with pytest.raises(services.StudioError) as refused:
        services.apply_patch(correction, fern, "เปลี่ยนเงื่อนไข")
    assert "ต้องทำเป็นเวอร์ชันใหม่" in refused.value.message
    published.refresh_from_db()
    correction.refresh_from_db()
    assert published.source == source and correction.is_editable and not FrameworkPatch.objects.exists()


def test_a_new_version_can_be_drafted_while_a_correction_is_open(published, fern):
    services.start_patch(published, fern)
    services.start_draft(published, "oae-2570", "2", fern)
    with pytest.raises(services.StudioError):
        services.start_draft(published, "oae-2570", "1", fern)  # the version is installed
