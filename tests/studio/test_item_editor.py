"""The studio's item editor, tree and live rule check (pramern.studio.item_views)."""

from __future__ import annotations

import difflib

import pytest

from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.scoring.yamlio import dump_framework
from pramern.studio import edits, services
from pramern.studio.models import FrameworkDraft
from tests.factories import framework, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def fern(world):
    return person("fern", Role.Kind.FRAMEWORK_EDITOR)


@pytest.fixture
def draft(world, fern):
    return services.start_draft(framework(), "oae-2570", "1", fern)


def url(draft, code="1.1.2", tail=""):
    return f"/studio/d/{draft.pk}/items/{code}/{tail}"


def changed_lines(before, after):
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def line_post(draft, line_id="second-presented", **changes):
    line = edits.find_line(draft.document(), "1.1.2", line_id)
    data = {
        "base": draft.current_revision().number,
        "action": "save",
        "id": line["id"],
        "round": line["round"],
        "kind": "when",
        "points": str(line["points"]),
        "when": line["when"],
        "th": line["th"],
        "en": line["en"],
        "missing_th": line["missing_th"],
        "missing_en": line["missing_en"],
        "combine": "replace",
    }
    data.update(changes)
    return data


def fact_data(form, **changes):
    """What the fact page's form sends as shown (its rows and their management forms)."""
    data = {key: ("" if value is None else value) for key, value in form.initial.items()}
    data["cumulative"] = "on" if form.initial.get("cumulative") else ""
    for rows in (form.field_rows, form.option_rows):
        management = rows.management_form
        for name in management.fields:
            data[f"{rows.prefix}-{name}"] = management.initial.get(name, 0)
        for index, row in enumerate(rows.forms):
            for name in row.fields:
                value = row.initial.get(name, "")
                if isinstance(value, bool):
                    value = "on" if value else ""
                data[f"{rows.prefix}-{index}-{name}"] = "" if value is None else value
    data.update(changes)
    return data


# --------------------------------------------------------------------------- who may

PAGES = ["", "lines/second-presented/", "lines/new/", "facts/followups/", "facts/new/"]


@pytest.mark.parametrize("tail", PAGES)
def test_anonymous_is_sent_to_log_in(client, draft, tail):
    response = client.get(url(draft, tail=tail))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["alice", "eve", "xena"])
@pytest.mark.parametrize("tail", PAGES)
def test_unit_people_evaluators_and_executives_are_refused(client, world, draft, username, tail):
    client.force_login(getattr(world, username))
    assert client.get(url(draft, tail=tail)).status_code == 403
    assert client.post(url(draft, tail="check/"), {"when": "count(followups) >= 1"}).status_code == 403
    assert client.get(f"/studio/d/{draft.pk}/tree/").status_code == 403


@pytest.mark.parametrize("tail", PAGES)
def test_an_administrator_and_a_framework_editor_open_every_page(client, world, draft, fern, tail):
    for user in (world.adam, fern):
        client.force_login(user)
        assert client.get(url(draft, tail=tail)).status_code == 200
    assert client.get(f"/studio/d/{draft.pk}/tree/").status_code == 200


def test_refused_people_change_nothing(client, world, draft):
    client.force_login(world.eve)
    response = client.post(url(draft, tail="lines/second-presented/"), line_post(draft, points="1"))
    assert response.status_code == 403
    assert draft.revisions.count() == 1


def test_an_unknown_item_line_or_fact_is_404(client, draft, fern):
    client.force_login(fern)
    assert client.get(url(draft, code="9.9")).status_code == 404
    assert client.get(url(draft, code="1.1")).status_code == 404  # a sub-dimension, not an item
    assert client.get(url(draft, tail="lines/nope/")).status_code == 404
    assert client.get(url(draft, tail="facts/nope/")).status_code == 404


def test_a_published_draft_is_shown_but_refuses_changes(client, draft, fern):
    FrameworkDraft.objects.filter(pk=draft.pk).update(state=FrameworkDraft.State.PUBLISHED)
    client.force_login(fern)
    page = client.get(url(draft))
    assert page.status_code == 200
    assert "เผยแพร่แล้ว" in page.content.decode()
    assert client.post(url(draft, tail="lines/second-presented/"), line_post(draft, points="1")).status_code == 403
    assert client.post(f"/studio/d/{draft.pk}/tree/remove/", {"code": "1.1.3"}).status_code == 403
    assert draft.revisions.count() == 1


# --------------------------------------------------------------------------- the item page


def test_the_item_page_shows_texts_lines_facts_and_validation(client, draft, fern):
    client.force_login(fern)
    body = client.get(url(draft)).content.decode()
    assert "มีการติดตามการดำเนินงานตามแนวทาง" in body
    assert "count(followups where presented_to_director) &gt;= 2" in body
    assert f'href="/studio/d/{draft.pk}/items/1.1.2/lines/second-presented/"' in body
    assert "followups" in body
    assert "บรรทัดคะแนนรวมกันให้ได้ 2 จากคะแนนเต็มของข้อ 2 คะแนน" in body
    assert "ร่างทั้งฉบับผ่านการตรวจสอบ" in body  # the clone of FY2567 is valid
    assert "66.5" in body and "120" in body  # each round's potential of the whole framework


def test_saving_a_line_stores_a_revision_with_that_edit_only(client, draft, fern):
    client.force_login(fern)
    before = draft.current_revision().source
    response = client.post(
        url(draft, tail="lines/second-presented/"),
        line_post(draft, when="count(followups where presented_to_director) >= 1"),
    )
    assert response.status_code == 302 and response["Location"] == url(draft)
    revision = draft.current_revision()
    assert revision.number == 2
    assert revision.summary == "1.1.2: แก้ไขบรรทัดคะแนน second-presented"
    assert revision.author == fern
    assert changed_lines(before, revision.source) == [
        "-        when: count(followups where presented_to_director) >= 2",
        "+        when: count(followups where presented_to_director) >= 1",
    ]
    assert AuditEntry.objects.filter(action="pramern.studio.revision_saved").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "บันทึกแล้ว: 1.1.2: แก้ไขบรรทัดคะแนน second-presented" in page
    # the line's own tests now catch the change: one follow-up presented earns it
    assert (
        '<span class="error">1/2</span>' in page and "(two follow-ups, one presented), R12: expected 0, got 0.5" in page
    )
    assert "ร่างทั้งฉบับผ่านการตรวจสอบ" not in page
    # and the item's validation panel says why the draft does not pass (not "0 problems")
    assert "กรณีทดสอบบรรทัดคะแนน: ผ่าน 180 ไม่ผ่าน 1" in page and "ร่างนี้มีปัญหา 0 รายการ" not in page


def test_a_bad_condition_is_refused_with_the_text_kept_and_its_column_shown(client, draft, fern):
    client.force_login(fern)
    typed = "count(followups where presented_to_director) = 2"
    response = client.post(url(draft, tail="lines/second-presented/"), line_post(draft, when=typed, th="ข้อความใหม่"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "count(followups where presented_to_director) = 2</textarea>" in body
    assert 'value="ข้อความใหม่"' in body
    assert "ตัวอักษร &#x27;=&#x27; ใช้ที่นี่ไม่ได้ (เปรียบเทียบว่าเท่ากันให้ใช้ ==)" in body
    assert "<mark>=</mark>" in body and "คอลัมน์ 46" in body
    assert draft.revisions.count() == 1


def test_a_line_giving_more_than_its_item_is_refused(client, draft, fern):
    client.force_login(fern)
    response = client.post(url(draft, tail="lines/second-presented/"), line_post(draft, points="3"))
    assert response.status_code == 200
    assert "มากกว่าคะแนนเต็มของข้อ 2 คะแนน" in response.content.decode()
    assert draft.revisions.count() == 1


def test_adding_a_line_then_the_item_shows_its_lines_total(client, draft, fern):
    client.force_login(fern)
    data = line_post(draft, id="third", when="count(followups) >= 3", points="0.5")
    response = client.post(url(draft, tail="lines/new/"), data)
    assert response.status_code == 302
    assert draft.current_revision().summary == "1.1.2: เพิ่มบรรทัดคะแนน third"
    assert [line["id"] for line in edits.find_item(draft.document(), "1.1.2")["lines"]][-1] == "third"
    body = client.get(url(draft)).content.decode()
    assert "บรรทัดคะแนนรวมกันให้ได้ 2.5 จากคะแนนเต็มของข้อ 2 คะแนน" in body
    again = client.post(url(draft, tail="lines/new/"), {**data, "base": draft.current_revision().number})
    assert again.status_code == 200 and "มีบรรทัดคะแนน third อยู่แล้ว" in again.content.decode()


def test_lines_move_and_are_removed(client, draft, fern):
    client.force_login(fern)
    client.post(url(draft, tail="lines/second/move/"), {"direction": "up"})
    assert [ln["id"] for ln in edits.find_item(draft.document(), "1.1.2")["lines"]] == [
        "second",
        "first",
        "second-presented",
    ]
    client.post(url(draft, tail="lines/second/remove/"))
    assert [ln["id"] for ln in edits.find_item(draft.document(), "1.1.2")["lines"]] == ["first", "second-presented"]
    body = client.get(url(draft)).content.decode()
    assert "บรรทัดคะแนนรวมกันให้ได้ 1.5 จากคะแนนเต็มของข้อ 2 คะแนน" in body
    assert "ปัญหาของข้อนี้" in body and "the lines can give at most 1.5" in body


def test_saving_the_texts_unchanged_stores_nothing_and_a_change_stores_only_it(client, draft, fern):
    client.force_login(fern)
    form = client.get(url(draft)).context["form"]
    data = {key: ("" if value is None else value) for key, value in form.initial.items()}
    data["base"] = 1
    assert client.post(url(draft), data).status_code == 302
    assert draft.revisions.count() == 1
    data["title_en"] = "Follow-up of the guideline"
    data["evidence_th_3"], data["evidence_en_3"] = "ภาพถ่าย", "Photos"  # the empty set the page offers
    client.post(url(draft), data)
    revision = draft.current_revision()
    assert revision.number == 2 and revision.summary == "1.1.2: แก้ไขข้อความของข้อ"
    assert changed_lines(draft.revisions.get(number=1).source, revision.source) == [
        "-      title_en: The implementation of the guideline is followed up",
        "+      title_en: Follow-up of the guideline",
        "+      - th: ภาพถ่าย",
        "+        en: Photos",
    ]
    data.update(evidence_th_0="", evidence_en_0="", base=2)  # an emptied example is dropped
    client.post(url(draft), data)
    assert len(edits.find_item(draft.document(), "1.1.2")["evidence"]) == 3


def test_every_fy2567_item_saved_as_it_opened_is_unchanged():
    """The texts form round-trips every item (multi-line evidence, assumptions, source notes)."""
    from pramern.scoring.yamlio import load_text
    from pramern.studio.item_forms import ItemTextsForm
    from tests.conftest import FRAMEWORK_FILE

    document = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), "oae-2567.yaml")
    for item in edits.items(document):
        shown = ItemTextsForm.for_item(item)
        data = {key: ("" if value is None else str(value)) for key, value in shown.initial.items()}
        form = ItemTextsForm.for_item(item, data)
        assert form.is_valid(), (item["code"], form.errors)
        assert edits.set_texts(document, item["code"], **form.values()) == document, item["code"]


def test_a_save_on_top_of_a_newer_revision_is_refused(client, draft, fern):
    client.force_login(fern)
    services.save_revision(draft, edits.set_texts(draft.document(), "1.1.2", title_en="Someone else's"), fern, "x")
    response = client.post(url(draft, tail="lines/second-presented/"), {**line_post(draft, points="1"), "base": 1})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="banner error"' in body and 'name="points" value="1"' in body
    assert draft.revisions.count() == 2


# --------------------------------------------------------------------------- facts


def test_adding_renaming_and_removing_a_fact(client, draft, fern):
    client.force_login(fern)
    shown = client.get(url(draft, tail="facts/new/")).context["form"]
    new = fact_data(shown, base=1, name="meetings", th="การประชุม", en="Meetings")
    new.update({"field-0-name": "minuted", "field-0-type": "flag", "field-0-th": "มีรายงาน", "field-0-en": "Minuted"})
    assert client.post(url(draft, tail="facts/new/"), new).status_code == 302
    assert draft.current_revision().summary == "1.1.2: เพิ่มข้อเท็จจริง meetings"
    assert edits.find_item(draft.document(), "1.1.2")["facts"]["meetings"] == {
        "type": "event",
        "th": "การประชุม",
        "en": "Meetings",
        "fields": {"minuted": {"type": "flag", "th": "มีรายงาน", "en": "Minuted"}},
    }
    form = client.get(url(draft, tail="facts/followups/")).context["form"]
    assert client.post(url(draft, tail="facts/followups/"), fact_data(form, base=2, name="checks")).status_code == 302
    item = edits.find_item(draft.document(), "1.1.2")
    assert list(item["facts"]) == ["checks", "meetings"]
    assert item["lines"][2]["when"] == "count(checks where presented_to_director) >= 2"
    refused = client.post(url(draft, tail="facts/checks/remove/"), follow=True)
    assert "บรรทัดคะแนน first, second, second-presented ใช้ข้อเท็จจริง checks อยู่" in refused.content.decode()
    client.post(url(draft, tail="facts/meetings/remove/"))
    assert list(edits.find_item(draft.document(), "1.1.2")["facts"]) == ["checks"]


def test_options_and_their_points_are_edited_in_rows(client, draft, fern):
    client.force_login(fern)
    form = client.get(url(draft, code="7.3", tail="facts/applications/")).context["form"]
    assert form.option_rows.forms[0].initial == {
        "code": "moac", "th": "หน่วยงานสังกัด กษ.", "en": "A MOAC agency", "points": 1,
        "points_if": "related_to_mission=2",
    }  # fmt: skip
    data = fact_data(form, base=1)
    data["option-0-points_if"] = "related_to_mission=2.5"
    data["option-5-code"] = ""  # public_sector_excellence removed
    assert client.post(url(draft, code="7.3", tail="facts/applications/"), data).status_code == 302
    options = edits.find_item(draft.document(), "7.3")["facts"]["applications"]["options"]
    assert options["moac"]["points_if"] == {"related_to_mission": 2.5}
    assert "public_sector_excellence" not in options and len(options) == 5
    body = client.get(url(draft, code="7.3")).content.decode()
    assert "the lines can give at most 9 of the item&#x27;s 10 points" in body  # best(applications): at most 9
    assert "tests[2].records.applications[1].option: &#x27;public_sector_excellence&#x27; is not one" in body


def test_a_fact_with_a_bad_row_keeps_what_was_typed(client, draft, fern):
    client.force_login(fern)
    shown = client.get(url(draft, tail="facts/new/")).context["form"]
    data = fact_data(shown, base=1, name="memos", th="บันทึก", en="Memos")
    data.update({"field-0-name": "kind", "field-0-type": "choice", "field-0-choices": "ภายใน ไม่มีตัวคั่น"})
    response = client.post(url(draft, tail="facts/new/"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "ภายใน ไม่มีตัวคั่น</textarea>" in body and 'value="memos"' in body
    assert "บรรทัดที่ 1: เขียน รหัส | ภาษาไทย | ภาษาอังกฤษ" in body
    assert draft.revisions.count() == 1


def test_every_fy2567_fact_saved_as_it_opened_is_unchanged():
    """The fact form's rows round-trip every fact of FY2567 (fields, choices, options, points_if)."""
    from pramern.scoring.yamlio import load_text
    from pramern.studio.item_forms import FactForm
    from tests.conftest import FRAMEWORK_FILE

    document = load_text(FRAMEWORK_FILE.read_text(encoding="utf-8"), "oae-2567.yaml")
    for item in edits.items(document):
        for name, fact in item["facts"].items():
            shown = FactForm(initial=FactForm.initial_for(name, fact), fact=fact)
            form = FactForm(fact_data(shown), fact=fact)
            assert form.is_valid(), (item["code"], name, form.errors, form.field_rows.errors)
            assert edits.update_fact(document, item["code"], name, form.fact()) == document, (item["code"], name)


# --------------------------------------------------------------------------- live check and builder


def test_the_live_check_shows_ok_and_the_maximum(client, draft, fern):
    client.force_login(fern)
    response = client.post(
        url(draft, tail="check/"),
        {"kind": "when", "when": "count(followups) >= 3", "points": "0.5", "original_id": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "เงื่อนไขถูกต้อง" in body
    assert "บรรทัดนี้ให้คะแนนได้สูงสุด 0.5 จากคะแนนเต็มของข้อ 2 คะแนน" in body
    assert "ให้ได้ 2.5 จาก 2 คะแนน" in body


def test_the_live_check_marks_the_column_of_an_error_in_thai(client, draft, fern):
    client.force_login(fern)
    response = client.post(url(draft, tail="check/"), {"kind": "when", "when": "count(folowups where x) >= 2"})
    body = response.content.decode()
    assert "ไม่รู้จักชื่อ folowups (ข้อเท็จจริงของข้อนี้: followups; ตัวแปร: sections, staff)" in body
    assert "count(<mark>f</mark>olowups where x) &gt;= 2" in body
    assert "      ^" in body and "คอลัมน์ 7" in body
    assert "ไม่รู้จักข้อเท็จจริง folowups" in body
    fields = client.post(url(draft, tail="check/"), {"kind": "when", "when": "count(followups where presnted) >= 2"})
    assert "followups ไม่มีช่องข้อมูล presnted" in fields.content.decode()
    best = client.post(
        url(draft, code="7.3", tail="check/"), {"kind": "points_from", "points_from": "best(applications)"}
    )
    assert "บรรทัดนี้ให้คะแนนได้สูงสุด 10 จากคะแนนเต็มของข้อ 10 คะแนน" in best.content.decode()


def test_the_builder_writes_the_rule_into_the_form_without_saving(client, draft, fern):
    client.force_login(fern)
    data = line_post(
        draft,
        action="build",
        shape="count",
        fact="followups",
        terms=["followups:presented_to_director"],
        op=">=",
        number="3",
        combine="and",
        when="count(followups) >= 1",
    )
    response = client.post(url(draft, tail="lines/second-presented/"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "count(followups) &gt;= 1 and count(followups where presented_to_director) &gt;= 3</textarea>" in body
    assert "เงื่อนไขถูกต้อง" in body
    assert draft.revisions.count() == 1
    wrong = client.post(url(draft, tail="lines/second-presented/"), {**data, "shape": "best"})
    assert "ไม่เหมาะกับข้อเท็จจริงชนิด event" in wrong.content.decode()


def test_an_existing_simple_condition_opens_in_the_builder(client, draft, fern):
    client.force_login(fern)
    form = client.get(url(draft, tail="lines/second-presented/")).context["form"]
    assert form.initial["shape"] == "count"
    assert form.initial["terms"] == ["followups:presented_to_director"]
    assert form.initial["number"] == 2


# --------------------------------------------------------------------------- the tree


def test_the_tree_lists_every_node_with_links_to_items(client, draft, fern):
    client.force_login(fern)
    body = client.get(f"/studio/d/{draft.pk}/tree/").content.decode()
    assert f'href="/studio/d/{draft.pk}/items/7.3/"' in body
    assert 'id="node-1.1"' in body


def test_tree_operations_save_revisions(client, draft, fern):
    client.force_login(fern)
    tree = f"/studio/d/{draft.pk}/tree/"
    assert (
        client.post(
            tree + "add/", {"base": 1, "kind": "item", "parent": "1.1", "code": "", "title_th": "ข้อใหม่ทดลอง"}
        ).status_code
        == 302
    )
    document = draft.document()
    assert edits.find_item(document, "1.1.5")["title_th"] == "ข้อใหม่ทดลอง"
    assert draft.current_revision().summary == "1.1.5: เพิ่มใต้ 1.1"
    client.post(tree + "move/", {"code": "1.1.5", "direction": "up"})
    assert [c["code"] for c in edits.find(draft.document(), "1.1")["items"]] == [
        "1.1.1",
        "1.1.2",
        "1.1.3",
        "1.1.5",
        "1.1.4",
    ]
    client.post(tree + "renumber/", {"code": "1.1"})
    assert edits.find(draft.document(), "1.1.4")["title_th"] == "ข้อใหม่ทดลอง"
    client.post(tree + "move/", {"code": "1.1.4", "direction": "to", "parent": "7"})
    assert edits.find(draft.document(), "7.9")["title_th"] == "ข้อใหม่ทดลอง"
    client.post(tree + "remove/", {"code": "7.9"})
    client.post(tree + "renumber/", {"code": "1.1"})
    assert dump_framework(draft.document()) == draft.revisions.get(number=1).source
    assert draft.revisions.count() == 7
    summaries = list(draft.revisions.order_by("number").values_list("summary", flat=True))
    assert summaries[2:] == ["1.1.5: เลื่อนขึ้น", "1.1: เรียงเลขข้อใหม่", "1.1.4: ย้ายไปไว้ใต้ 7", "7.9: ลบ", "1.1: เรียงเลขข้อใหม่"]


def test_an_impossible_tree_operation_is_explained(client, draft, fern):
    client.force_login(fern)
    tree = f"/studio/d/{draft.pk}/tree/"
    response = client.post(tree + "add/", {"base": 1, "kind": "item", "parent": "1.1", "code": "1.1.2"})
    assert response.status_code == 400
    assert "รหัส 1.1.2 มีอยู่แล้ว" in response.content.decode()
    moved = client.post(tree + "move/", {"code": "1.1", "direction": "to", "parent": "1.2"}, follow=True)
    assert "ตัวชี้วัดย่อยอยู่ได้เฉพาะใต้ด้าน" in moved.content.decode()
    assert draft.revisions.count() == 1


@pytest.mark.parametrize(
    ("code", "line_id"),
    [("7.3", "best-application"), ("1.1.1", "guideline"), ("6.1", "every-section"), ("5.1", "over-25")],
)
def test_saving_a_line_as_it_opened_stores_nothing(client, draft, fern, code, line_id):
    client.force_login(fern)
    form = client.get(url(draft, code=code, tail=f"lines/{line_id}/")).context["form"]
    data = {key: ("" if value is None else value) for key, value in form.initial.items()}
    data["assumed"] = "on" if form.initial["assumed"] else ""
    data.update(base=1, action="save")
    response = client.post(url(draft, code=code, tail=f"lines/{line_id}/"), data)
    assert response.status_code == 302
    assert draft.revisions.count() == 1


def test_a_points_from_line_is_checked_against_the_item(client, draft, fern):
    client.force_login(fern)
    form = client.get(url(draft, code="7.3", tail="lines/best-application/")).context["form"]
    assert form.initial["kind"] == "points_from" and form.initial["shape"] == "best"
    data = {key: ("" if value is None else value) for key, value in form.initial.items()}
    data.update(base=1, action="save", points_from="count(applications)")
    response = client.post(url(draft, code="7.3", tail="lines/best-application/"), data)
    assert response.status_code == 200
    assert "คะแนนจากสูตรต้องรู้คะแนนสูงสุด" in response.content.decode()
    assert draft.revisions.count() == 1


@pytest.mark.parametrize("junk", ["NaN", "Infinity", "1e999999999", "²", "-3", "\x00"])
def test_junk_numbers_are_refused_not_crashed(client, draft, fern, junk):
    client.force_login(fern)
    checked = client.post(url(draft, tail="check/"), {"kind": "when", "when": "count(followups) >= 1", "points": junk})
    assert checked.status_code == 200
    built = client.post(
        url(draft, tail="lines/second-presented/"),
        line_post(draft, action="build", shape="count", fact="followups", number=junk, base=junk),
    )
    assert built.status_code == 200
    assert "ตัวช่วยสร้างเงื่อนไขต้องมีตัวเลข" in built.content.decode()
    saved = client.post(url(draft, tail="lines/second-presented/"), line_post(draft, points=junk, base=junk))
    assert saved.status_code == 200
    assert draft.revisions.count() == 1


JUNK = ["\x00", "²", "NaN", "99999999999999999999", "x" * 3000, "(" * 300]
FIELDS = [
    "base", "action", "id", "round", "kind", "points", "when", "points_from", "th", "shape", "fact", "terms", "op",
    "number", "first_month", "last_month", "combine", "name", "type", "en", "fields", "options", "maximum", "step",
    "code", "parent", "direction", "title_th", "evidence_th_0", "assumption_id_0", "original_id",
    "field-TOTAL_FORMS", "field-INITIAL_FORMS", "field-0-name", "field-0-type", "field-0-choices",
    "option-TOTAL_FORMS", "option-INITIAL_FORMS", "option-0-code", "option-0-points", "option-0-points_if",
]  # fmt: skip


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_field_of_every_form_is_never_a_server_error(client, draft, fern, junk):
    client.force_login(fern)
    tree = f"/studio/d/{draft.pk}/tree/"
    targets = [
        url(draft), url(draft, tail="check/"), url(draft, tail="lines/new/"), url(draft, tail="lines/first/"),
        url(draft, tail="lines/first/move/"), url(draft, tail="lines/first/remove/"), url(draft, tail="facts/new/"),
        url(draft, tail="facts/followups/"), url(draft, tail="facts/followups/remove/"),
        tree + "add/", tree + "move/", tree + "remove/", tree + "renumber/",
    ]  # fmt: skip
    for target in targets:
        for action in ("save", "build") if "/lines/" in target else ("save",):
            data = dict.fromkeys(FIELDS, junk) | {"action": action}
            assert client.post(target, data).status_code < 500, target


def test_the_item_page_shows_each_lines_tests_passing_or_failing(client, draft, fern):
    client.force_login(fern)
    body = client.get(url(draft)).content.decode()
    assert '<span class="ok">3/3</span>' in body  # line "second": three cases, all passing
    response = client.post(url(draft, tail="lines/second/"), line_post(draft, line_id="second", points="1"))
    assert response.status_code == 302
    body = client.get(url(draft)).content.decode()
    assert '<span class="error">2/3</span>' in body
    assert "tests[0] (two follow-ups), R12: expected 0.5, got 1" in body


def test_a_sub_dimension_gets_new_titles_points_and_code(client, draft, fern, world):
    node = f"/studio/d/{draft.pk}/tree/1.1/"
    assert client.get(node).status_code == 302  # anonymous: to log in
    client.force_login(world.eve)
    assert client.get(node).status_code == 403
    client.force_login(fern)
    assert client.get(f"/studio/d/{draft.pk}/tree/1.1.2/")["Location"] == url(draft)  # an item: its editor
    form = client.get(node).context["form"]
    data = {key: ("" if value is None else value) for key, value in form.initial.items()}
    data.update(base=1, code="1.9", title_en="Preventing corruption", points="11")
    response = client.post(node, data)
    assert response.status_code == 302
    document = draft.document()
    assert [c["code"] for c in edits.find(document, "1.9")["items"]] == ["1.9.1", "1.9.2", "1.9.3", "1.9.4"]
    assert edits.find(document, "1.9")["points"] == 11
    assert draft.current_revision().summary == "1.1: แก้ไขชื่อและคะแนน"
    body = client.get(url(draft, code="1.9.2")).content.decode()
    assert "ปัญหาของข้อนี้" in body and "group 1.9: points: its items add up to 10, not 11" in body


def test_a_dimension_is_added_at_the_end(client, draft, fern):
    client.force_login(fern)
    data = {"base": 1, "kind": "dimension", "parent": "", "code": "", "title_th": "ด้านใหม่ทดลอง"}
    assert client.post(f"/studio/d/{draft.pk}/tree/add/", data).status_code == 302
    assert draft.document()["dimensions"][-1]["title_th"] == "ด้านใหม่ทดลอง"
    assert draft.current_revision().summary == "8: เพิ่มด้าน"


@pytest.mark.parametrize(
    ("code", "name"), [("7.3", "applications"), ("5.1", "respondents"), ("6.3", "manual"), ("2.3", "agreements")]
)
def test_saving_a_fact_as_it_opened_stores_nothing(client, draft, fern, code, name):
    client.force_login(fern)
    form = client.get(url(draft, code=code, tail=f"facts/{name}/")).context["form"]
    data = fact_data(form, base=1)
    response = client.post(url(draft, code=code, tail=f"facts/{name}/"), data)
    assert response.status_code == 302
    assert draft.revisions.count() == 1


def test_move_under_offers_only_places_the_node_may_go(client, draft, fern):
    client.force_login(fern)
    tree = client.get(f"/studio/d/{draft.pk}/tree/")
    rows = {row.code: row for row in tree.context["tree"]}
    assert [code for code, _label in rows["1.1"].targets] == ["2", "3", "4", "5", "6", "7"]  # dimensions only
    item_targets = [code for code, _label in rows["1.1.2"].targets]
    assert "1.1" not in item_targets and "1" in item_targets and "1.2" in item_targets


def test_the_line_page_lists_its_tests(client, draft, fern):
    client.force_login(fern)
    body = client.get(url(draft, tail="lines/second/")).content.decode()
    assert '<span class="ok">3/3</span>' in body
    assert "✓ tests[0] (two follow-ups)" in body and "✓ tests[2] (not open in R6)" in body


def test_the_live_check_runs_the_lines_tests_on_the_rule_as_typed(client, draft, fern):
    client.force_login(fern)
    data = {"kind": "when", "points": "0.5", "original_id": "second-presented"}
    same = client.post(url(draft, tail="check/"), {**data, "when": "count(followups where presented_to_director) >= 2"})
    assert "บรรทัดคะแนนผ่าน 2 จาก 2 กรณีทดสอบ" in same.content.decode()
    looser = client.post(
        url(draft, tail="check/"), {**data, "when": "count(followups where presented_to_director) >= 1"}
    )
    body = looser.content.decode()
    assert "บรรทัดคะแนนผ่าน 1 จาก 2 กรณีทดสอบ" in body
    assert (
        "✗ item 1.1.2: line second-presented: tests[1] (two follow-ups, one presented), R12: expected 0, got 0.5"
        in body
    )
    assert draft.revisions.count() == 1  # checking saves nothing
    new_line = client.post(url(draft, tail="check/"), {**data, "original_id": "", "when": "count(followups) >= 1"})
    assert "กรณีทดสอบ" not in new_line.content.decode()  # a new line has no tests yet


def test_the_draft_page_leads_to_the_tree_and_the_item_editor(client, draft, fern):
    client.force_login(fern)
    body = client.get(f"/studio/d/{draft.pk}/").content.decode()
    assert f'href="/studio/d/{draft.pk}/tree/"' in body
    assert f'href="/studio/d/{draft.pk}/items/1.1.2/"' in body


def test_the_fact_page_lists_the_lines_that_read_it(client, draft, fern):
    client.force_login(fern)
    body = client.get(url(draft, tail="facts/followups/")).content.decode()
    assert "บรรทัดคะแนนที่ใช้ข้อเท็จจริงนี้" in body
    for line in ("first", "second", "second-presented"):
        assert f'href="/studio/d/{draft.pk}/items/1.1.2/lines/{line}/"' in body
    assert "บรรทัดคะแนนที่ใช้ข้อเท็จจริงนี้" not in client.get(url(draft, tail="facts/new/")).content.decode()


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_the_rows_of_a_fact_is_never_a_server_error(client, draft, fern, junk):
    client.force_login(fern)
    shown = client.get(url(draft, code="7.3", tail="facts/applications/")).context["form"]
    data = fact_data(shown, base=1)
    for key in list(data):
        if key.startswith(("field-0-", "option-0-", "option-6-")):
            data[key] = junk
    assert client.post(url(draft, code="7.3", tail="facts/applications/"), data).status_code < 500
