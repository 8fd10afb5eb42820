"""The studio's pages: who may open them, Thai text, forms that keep what was typed, Buddhist-era
dates, exact round trips through upload, edit and download, publishing and text patches."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.audit.models import AuditEntry
from pramern.frameworks.document import DRAFT_NOTE
from pramern.frameworks.models import Framework
from pramern.frameworks.workbook import XLSX_CONTENT_TYPE, read_authoring_workbook, workbook_bytes
from pramern.organizations.models import Role
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import services
from pramern.studio.models import FrameworkDraft, FrameworkPatch
from tests.conftest import FRAMEWORK_FILE
from tests.factories import page_queries, person


@pytest.fixture
def fern(world):
    return person("fern", Role.Kind.FRAMEWORK_EDITOR, first_name="เฟิร์น", last_name="ผู้ร่าง")


@pytest.fixture
def draft(world, fern):
    return services.start_draft(world.framework, "oae-2570", "1", fern)


class FormReader(HTMLParser):
    """The fields a browser would send for the form posting to ``action`` (inputs, selects, textareas)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.data = action, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action and a.get("method") == "post"
        elif self.inside and tag == "input" and a.get("name") and "disabled" not in a:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[a["name"]] = "on"
            elif a.get("type") not in {"submit", "file"}:
                self.data[a["name"]] = a.get("value", "")
        elif self.inside and tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = ""
        elif self.inside and tag == "select":
            self._select = a["name"]
        elif self.inside and tag == "option" and self._select and ("selected" in a or self._select not in self.data):
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(client, url: str, action: str | None = None) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader(action or url)
    reader.feed(response.content.decode())
    data = reader.data
    for name, value in data.items():  # the browser drops the newline that follows <textarea>
        if value.startswith("\n"):
            data[name] = value[1:]
    return data


# ---- who may open each page --------------------------------------------------------------------

PAGES = [
    "/studio/",
    "/studio/d/{pk}/",
    "/studio/d/{pk}/check/",
    "/studio/d/{pk}/revisions/",
    "/studio/d/{pk}/r1.yaml",
    "/studio/d/{pk}/diff/",
    "/studio/d/{pk}/compare/",
    "/studio/d/{pk}/publish/",
    "/studio/d/{pk}/guideline.docx",
    "/studio/d/{pk}/workbook.xlsx",
    "/studio/f/oae-2567/1/patch/",
    "/studio/d/{pk}/predecessor/",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_sends_anonymous_visitors_to_log_in(client, draft, page):
    response = client.get(page.format(pk=draft.pk))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("username", ["alice", "eve", "xena"])
def test_each_page_refuses_unit_people_evaluators_and_executives(client, world, draft, page, username):
    client.force_login(getattr(world, username))
    response = client.get(page.format(pk=draft.pk))
    assert response.status_code == 403
    assert "oae-2570" not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("username", ["adam", "fern"])
def test_each_page_opens_for_administrators_and_framework_editors(client, world, fern, draft, page, username):
    client.force_login(fern if username == "fern" else world.adam)
    assert client.get(page.format(pk=draft.pk)).status_code == 200


@pytest.mark.parametrize(
    "page",
    ["/studio/new/", "/studio/upload/", "/studio/d/{pk}/", "/studio/d/{pk}/publish/", "/studio/d/{pk}/predecessor/"],
)
def test_changes_are_refused_to_anyone_else(client, world, draft, page):
    url = page.format(pk=draft.pk)
    assert client.post(url, {})["Location"].startswith("/login/")
    client.force_login(world.alice)
    assert client.post(url, {}).status_code == 403
    assert FrameworkDraft.objects.count() == 1 and draft.revisions.count() == 1


def test_an_unknown_draft_or_revision_is_not_found(client, world, draft):
    client.force_login(world.adam)
    assert client.get(f"/studio/d/{draft.pk + 99}/").status_code == 404
    assert client.get(f"/studio/d/{draft.pk}/r7.yaml").status_code == 404
    assert client.get(f"/studio/d/{draft.pk}/diff/?old=1&new=7").status_code == 404


# ---- starting drafts ---------------------------------------------------------------------------


def test_the_index_lists_drafts_in_thai(client, fern, draft):
    client.force_login(fern)
    body = client.get("/studio/").content.decode()
    assert "ร่างกรอบการประเมิน" in body and "เริ่มร่างจากกรอบที่ติดตั้งแล้ว" in body
    assert f'href="/studio/d/{draft.pk}/"' in body and "ฉบับแก้ไขที่ 1" in body
    assert "เฟิร์น ผู้ร่าง (fern)" in body


def test_the_index_takes_the_same_queries_for_one_draft_or_many(client, world, fern, draft):
    client.force_login(fern)
    one = page_queries(client, "/studio/")
    for version in ("2", "3", "4"):
        more = services.start_draft(world.framework, "oae-2570", version, fern)
        document = more.document()
        document["title_en"] = f"Version {version}"
        services.save_revision(more, document, world.adam)
    # session, user, roles (access); the drafts with their frameworks and people; their revisions
    # with their authors; the installed frameworks (the clone form's choices, read twice by the
    # form's rendering, and the list); the bell's unread count (the header)
    assert one == 9
    assert page_queries(client, "/studio/") == one


def test_cloning_from_the_index_opens_the_new_draft(client, world, fern):
    client.force_login(fern)
    response = client.post(
        "/studio/new/",
        {
            "clone-framework": world.framework.pk,
            "clone-fiscal_year": "2570",
            "clone-code": "oae-2570",
            "clone-version": "1",
        },
    )
    created = FrameworkDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/studio/d/{created.pk}/"
    assert "ปี 2570" in created.title_th
    assert AuditEntry.objects.filter(action="pramern.studio.draft_started", actor=fern).count() == 1


def test_a_refused_clone_keeps_what_was_typed(client, world, fern):
    client.force_login(fern)
    data = {
        "clone-framework": world.framework.pk,
        "clone-fiscal_year": "2570",
        "clone-code": "oae-2567",
        "clone-version": "1",
        "clone-title_th": "ชื่อที่พิมพ์ไว้",
    }
    response = client.post("/studio/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "oae-2567@1" in body and "ติดตั้งแล้ว" in body
    assert 'value="ชื่อที่พิมพ์ไว้"' in body and 'value="oae-2567"' in body
    assert not FrameworkDraft.objects.exists()


def test_upload_then_download_gives_the_canonical_text(client, world, fern):
    text = FRAMEWORK_FILE.read_text(encoding="utf-8").replace("code: oae-2567", "code: oae-2571", 1)
    client.force_login(fern)
    upload = SimpleUploadedFile("oae-2571.yaml", text.encode("utf-8"), content_type="application/yaml")
    response = client.post("/studio/upload/", {"upload-file": upload})
    created = FrameworkDraft.objects.get(code="oae-2571")
    assert response["Location"] == f"/studio/d/{created.pk}/"
    download = client.get(f"/studio/d/{created.pk}/r1.yaml")
    assert download["Content-Disposition"] == 'attachment; filename="oae-2571-1-r1.yaml"'
    assert download.content.decode("utf-8") == dump_framework(load_text(text, "oae-2571.yaml"))


def test_an_authoring_workbook_round_trips_through_a_draft(client, world, fern):
    text = FRAMEWORK_FILE.read_text(encoding="utf-8").replace("code: oae-2567", "code: oae-2572", 1)
    client.force_login(fern)
    upload = SimpleUploadedFile("oae-2572.xlsx", workbook_bytes(text, "oae-2572.yaml"), content_type=XLSX_CONTENT_TYPE)
    response = client.post("/studio/upload/", {"upload-file": upload})
    created = FrameworkDraft.objects.get(code="oae-2572")
    assert response["Location"] == f"/studio/d/{created.pk}/"
    assert created.current_revision().source == dump_framework(load_text(text, "oae-2572.yaml"))
    download = client.get(f"/studio/d/{created.pk}/workbook.xlsx")
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    again = read_authoring_workbook(io.BytesIO(download.content))
    assert dump_framework(again) == created.current_revision().source


def test_an_unreadable_workbook_is_refused_naming_its_place(client, fern):
    stream = io.BytesIO(workbook_bytes(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    book = openpyxl.load_workbook(stream)
    book.remove(book[book.sheetnames[0]])
    broken = io.BytesIO()
    book.save(broken)
    client.force_login(fern)
    for content in (b"not a zip", broken.getvalue()):
        upload = SimpleUploadedFile("next.xlsx", content, content_type=XLSX_CONTENT_TYPE)
        response = client.post("/studio/upload/", {"upload-file": upload})
        assert response.status_code == 400 and "สมุดงาน" in response.content.decode()
    assert not FrameworkDraft.objects.exists()


def test_an_unreadable_upload_is_refused_with_its_reason(client, fern):
    client.force_login(fern)
    upload = SimpleUploadedFile("bad.yaml", b"code: [oops", content_type="application/yaml")
    response = client.post("/studio/upload/", {"upload-file": upload})
    assert response.status_code == 400 and "not valid YAML" in response.content.decode()
    assert not FrameworkDraft.objects.exists()


# ---- the draft page ----------------------------------------------------------------------------


def test_the_draft_page_shows_fields_tree_validation_and_revisions_in_thai(client, fern, draft):
    client.force_login(fern)
    body = client.get(f"/studio/d/{draft.pk}/").content.decode()
    assert "ไม่พบปัญหา" in body  # the validation panel
    cases = len(services.check_draft(draft).line_tests)
    assert cases > 100 and f"ผ่าน {cases} ไม่ผ่าน 0" in body  # FY2567's line tests, all passing
    assert "66.5" in body and "120" in body  # the potential per round
    assert "01/08/2566" in body and "28/02/2567" in body  # round dates in the Buddhist era
    assert "หน่วยงานมีแนวทางในการป้องกันการทุจริต" in body  # the tree
    assert f'href="/studio/d/{draft.pk}/items/1.1.1/"' in body  # each item opens the item editor
    assert f'href="/studio/d/{draft.pk}/tree/"' in body and f'href="/studio/dry-run/?draft={draft.pk}"' in body
    assert "ฉบับแก้ไข" in body and f"/studio/d/{draft.pk}/r1.yaml" in body
    assert 'hx-trigger="draft-saved from:body"' in body


def test_a_half_written_draft_shows_its_problems_and_what_it_has(client, fern):
    text = (
        "code: oae-2571\nversion: '1'\ntitle_th: ร่างทดลอง\ntotal_points: abc\n"
        "rounds: [{code: R6, starts: '2026-02-30'}]\n"
        "dimensions:\n- code: '1'\n  title_th: ด้านแรก\n  points: 1x\n  items:\n"
        "  - code: '1.1'\n    title_th: ข้อแรก\n    points: 2\n    lines: [{id: a}]\n  - just text\n"
    )
    draft = services.start_draft_from_text(text.encode(), "half.yaml", fern)
    client.force_login(fern)
    response = client.get(f"/studio/d/{draft.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "ปัญหาที่ต้องแก้ก่อนประกาศใช้" in body and "ด้านแรก" in body and "ข้อแรก" in body
    assert 'value="2026-02-30"' in body  # the impossible date is shown as it is, to be fixed
    assert client.get(f"/studio/d/{draft.pk}/publish/").status_code == 200


def test_saving_the_page_unchanged_stores_no_revision(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    response = client.post(url, form_data(client, url), follow=True)
    assert draft.revisions.count() == 1
    assert "ไม่มีการเปลี่ยนแปลง" in response.content.decode()


def test_an_edit_on_the_page_changes_only_what_was_edited(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    data = form_data(client, url)
    data["fw-title_en"] = "OAE unit development, fiscal year 2570 (draft)"
    data["summary"] = "ชื่อภาษาอังกฤษ"
    response = client.post(url, data)
    assert response.status_code == 302
    before, after = (r.source for r in draft.revisions.order_by("number"))
    changed = [line for line in services.text_diff(before, after).splitlines() if line[:1] in "+-"]
    assert changed[2:] == [
        "-title_en: OAE unit-development programme for bureaus, centres and divisions, fiscal year 2570",
        "+title_en: OAE unit development, fiscal year 2570 (draft)",
    ]
    revision = draft.current_revision()
    assert (revision.number, revision.summary, revision.author) == (2, "ชื่อภาษาอังกฤษ", fern)
    assert AuditEntry.objects.filter(action="pramern.studio.revision_saved", actor=fern).count() == 1


def test_round_dates_are_typed_and_shown_in_the_buddhist_era(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    data = form_data(client, url)
    data.update({"rounds-0-starts": "01/10/2569", "rounds-0-cutoff": "31/03/2570"})
    data.update({"rounds-1-starts": "1 ต.ค. 2569", "rounds-1-cutoff": "30/09/2570"})
    assert client.post(url, data).status_code == 302
    rounds = draft.document()["rounds"]
    assert [(r["starts"], r["cutoff"]) for r in rounds] == [
        ("2026-10-01", "2027-03-31"),
        ("2026-10-01", "2027-09-30"),
    ]
    body = client.get(url).content.decode()
    assert 'value="31/03/2570"' in body and 'value="30/09/2570"' in body
    assert "31 มี.ค. 2570" in body  # the validation panel's round table


def test_a_form_error_keeps_everything_typed(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    data = form_data(client, url)
    data.update({"rounds-1-cutoff": "31/02/2570", "fw-title_th": "ชื่อใหม่ที่พิมพ์", "summary": "ลองแก้"})
    data.update({"rounds-2-code": "R9", "rounds-2-title_th": "รอบ 9 เดือน"})  # the empty row, half filled
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "พ.ศ." in body  # the date's error message
    for typed in ("31/02/2570", "ชื่อใหม่ที่พิมพ์", "ลองแก้", "R9", "รอบ 9 เดือน"):
        assert f'value="{typed}"' in body
    assert draft.revisions.count() == 1


def test_rounds_and_assumptions_can_be_added_and_removed(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    data = form_data(client, url)
    data.update({"assumptions-0-DELETE": "on"})
    data.update({"assumptions-3-id": "new-year", "assumptions-3-th": "ข้อสมมติใหม่", "assumptions-3-en": "A new one"})
    assert client.post(url, data).status_code == 302
    ids = [a["id"] for a in draft.document()["assumptions"]]
    assert ids == ["round-split", "windows", "new-year"]


def test_a_save_through_htmx_answers_with_the_form_and_asks_the_panels_to_refresh(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    data = form_data(client, url)
    data["fw-total_points"] = "121"  # the dimensions no longer add up: saved all the same
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Trigger"] == "draft-saved"
    assert 'id="draft-fields"' in response.content.decode() and "<html" not in response.content.decode()
    panel = client.get(f"/studio/d/{draft.pk}/check/").content.decode()
    assert "121" in panel and "ปัญหา" in panel


def test_the_diff_page_shows_what_changed_between_revisions(client, fern, draft):
    document = draft.document()
    document["title_en"] = "Changed title"
    line = document["dimensions"][0]["items"][0]["items"][1]["lines"][0]  # 1.1.2's first line
    line["round"] = "R12"
    services.save_revision(draft, document, fern, "แก้ชื่อและรอบ")
    client.force_login(fern)
    body = client.get(f"/studio/d/{draft.pk}/diff/?old=1&new=2").content.decode()
    assert '<span class="add">+title_en: Changed title</span>' in body  # the text, line by line
    assert 'id="diff-1.1.2"' in body and "<del>R6</del> → <ins>R12</ins>" in body  # item by item
    assert 'id="diff-1.1.1"' not in body  # unchanged items are not listed
    assert "แก้ชื่อและรอบ" in body


def test_a_revision_with_problems_is_compared_as_text(client, fern, draft):
    document = draft.document()
    document["total_points"] = 121
    services.save_revision(draft, document, fern)
    client.force_login(fern)
    body = client.get(f"/studio/d/{draft.pk}/diff/").content.decode()
    assert "-total_points: 120" in body and "+total_points: 121" in body
    assert "diff-item" not in body and "เปรียบเทียบได้เฉพาะข้อความ" in body


def test_the_draft_is_compared_with_the_framework_it_was_copied_from(client, fern, draft):
    document = draft.document()
    item = document["dimensions"][0]["items"][0]["items"][1]
    item["title_th"] = item["title_th"] + "อย่างสม่ำเสมอ"
    services.save_revision(draft, document, fern)
    client.force_login(fern)
    assert f'href="/studio/d/{draft.pk}/compare/"' in client.get(f"/studio/d/{draft.pk}/").content.decode()
    body = client.get(f"/studio/d/{draft.pk}/compare/").content.decode()
    assert "oae-2567@1" in body and 'id="diff-1.1.2"' in body and "<ins>อย่างสม่ำเสมอ</ins>" in body


def test_the_guideline_document_of_a_draft_says_it_is_a_draft(client, fern, draft):
    client.force_login(fern)
    response = client.get(f"/studio/d/{draft.pk}/guideline.docx")
    assert response.status_code == 200 and "oae-2570-1.docx" in response["Content-Disposition"]
    word = docx.Document(io.BytesIO(response.content))
    header = " ".join(p.text for p in word.sections[0].header.paragraphs)
    assert DRAFT_NOTE in header
    assert any("ปี 2570" in p.text for p in word.paragraphs)


def test_a_draft_with_problems_has_no_guideline_document_yet(client, fern, draft):
    document = draft.document()
    document["total_points"] = 121
    services.save_revision(draft, document, fern)
    client.force_login(fern)
    response = client.get(f"/studio/d/{draft.pk}/guideline.docx")
    assert response.status_code == 400 and "121" in response.content.decode()


# ---- publishing ----------------------------------------------------------------------------


def test_the_publish_page_says_what_will_happen_and_needs_confirming(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/publish/"
    body = client.get(url).content.decode()
    assert "ไม่สามารถเปลี่ยนแปลงได้อีก" in body and "เปิดแบบประเมิน" in body
    assert client.post(url, {}).status_code == 400
    assert not Framework.objects.filter(code="oae-2570").exists()
    response = client.post(url, {"confirm": "on"})
    assert response["Location"] == f"/studio/d/{draft.pk}/"
    assert Framework.objects.filter(code="oae-2570", version="1").exists()
    page = client.get(response["Location"]).content.decode()
    assert "ประกาศใช้แล้ว" in page and "Save as a new revision" not in page and "disabled" in page


def test_a_failing_line_test_is_shown_in_the_panel_and_on_the_publish_page(client, fern, draft):
    document = draft.document()
    document["dimensions"][0]["items"][0]["items"][0]["lines"][0]["tests"][0]["expect"] = 1
    services.save_revision(draft, document, fern)
    client.force_login(fern)
    panel = client.get(f"/studio/d/{draft.pk}/check/").content.decode()
    assert "ไม่ผ่าน 1" in panel and "item 1.1.1: line" in panel and "expected 1, got 2" in panel
    response = client.post(f"/studio/d/{draft.pk}/publish/", {"confirm": "on"})
    assert response.status_code == 400 and "กรณีทดสอบไม่ผ่าน" in response.content.decode()


def test_publishing_with_problems_is_refused_on_the_page(client, fern, draft):
    document = draft.document()
    document["total_points"] = 121
    services.save_revision(draft, document, fern)
    client.force_login(fern)
    response = client.post(f"/studio/d/{draft.pk}/publish/", {"confirm": "on"})
    assert response.status_code == 400 and "121" in response.content.decode()
    assert not Framework.objects.filter(code="oae-2570").exists()


def test_a_published_draft_takes_no_more_saves(client, fern, draft):
    client.force_login(fern)
    url = f"/studio/d/{draft.pk}/"
    data = form_data(client, url)
    services.publish(draft, fern)
    data["fw-title_en"] = "Too late"
    response = client.post(url, data)
    assert response.status_code == 400 and "ประกาศใช้แล้ว" in response.content.decode()
    assert draft.revisions.count() == 1


# ---- text patches ------------------------------------------------------------------------------


def test_a_text_patch_is_previewed_then_saved_with_its_reason(client, world, fern):
    client.force_login(fern)
    url = "/studio/f/oae-2567/1/patch/"
    data = form_data(client, url)
    data["source"] = data["source"].replace("title_en: Anti-corruption\n", "title_en: Preventing corruption\n", 1)
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    assert '<span class="add">+    title_en: Preventing corruption</span>' in preview.content.decode()
    missing_reason = client.post(url, {**data, "save": "1", "reason": ""})
    assert missing_reason.status_code == 400 and "Preventing corruption" in missing_reason.content.decode()
    assert not FrameworkPatch.objects.exists()
    saved = client.post(url, {**data, "save": "1", "reason": "คำแปลชัดขึ้น"})
    assert saved.status_code == 302
    world.framework.refresh_from_db()
    assert "Preventing corruption" in world.framework.source
    assert FrameworkPatch.objects.get().reason == "คำแปลชัดขึ้น"
    assert "คำแปลชัดขึ้น" in client.get(url).content.decode()


def test_a_points_change_is_refused_as_a_patch_on_the_page(client, world, fern):
    client.force_login(fern)
    url = "/studio/f/oae-2567/1/patch/"
    data = form_data(client, url)
    data["source"] = data["source"].replace("points: 26\n", "points: 27\n", 1)
    response = client.post(url, {**data, "save": "1", "reason": "เพิ่มคะแนน"})
    body = response.content.decode()
    assert response.status_code == 400 and "เวอร์ชันใหม่" in body
    assert "points: 27" in body  # what was typed is kept
    assert not FrameworkPatch.objects.exists()


def test_texts_are_corrected_with_the_studios_forms_and_applied_with_a_reason(client, world, fern):
    client.force_login(fern)
    patch_page = client.get("/studio/f/oae-2567/1/patch/").content.decode()
    assert 'action="/studio/f/oae-2567/1/patch/draft/"' in patch_page
    response = client.post("/studio/f/oae-2567/1/patch/draft/")
    correction = FrameworkDraft.objects.get(patch_of=world.framework)
    assert response["Location"] == f"/studio/d/{correction.pk}/"
    url = f"/studio/d/{correction.pk}/"
    page = client.get(url).content.decode()
    assert "แก้ได้เฉพาะข้อความ" in page and "บันทึกการแก้ข้อความ…" in page
    data = form_data(client, url)
    data["fw-title_en"] = "OAE unit development, fiscal year 2567"
    assert client.post(url, data).status_code == 302
    publish_page = client.get(f"{url}publish/").content.decode()
    assert "เหตุผลของการแก้ไข" in publish_page
    assert client.post(f"{url}publish/", {"reason": ""}).status_code == 400
    response = client.post(f"{url}publish/", {"reason": "ชื่อภาษาอังกฤษสั้นลง"})
    assert response["Location"] == "/studio/f/oae-2567/1/patch/"
    world.framework.refresh_from_db()
    assert world.framework.title_en == "OAE unit development, fiscal year 2567"
    assert FrameworkPatch.objects.get().reason == "ชื่อภาษาอังกฤษสั้นลง"


def test_only_editors_may_open_a_correction(client, world):
    assert client.post("/studio/f/oae-2567/1/patch/draft/")["Location"].startswith("/login/")
    client.force_login(world.eve)
    assert client.post("/studio/f/oae-2567/1/patch/draft/").status_code == 403
    assert not FrameworkDraft.objects.exists()
