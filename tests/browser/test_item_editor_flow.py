"""The studio's item editor in Chromium: the live check marks an error at its column as one
types (htmx, under the Content-Security-Policy), the builder writes a rule, the save is a revision."""

from __future__ import annotations

import pytest

from pramern.studio import edits, services
from tests.browser.steps import log_in
from tests.factories import framework

pytestmark = pytest.mark.browser


def test_a_condition_is_checked_as_it_is_typed_then_built_and_saved(page, live_server, world):
    draft = services.start_draft(framework(), "oae-2570", "1", world.adam)
    log_in(page, live_server, "adam")
    page.goto(f"{live_server.url}/studio/d/{draft.pk}/items/1.1.2/lines/second-presented/")
    condition = page.locator("#id_when")
    condition.fill("")
    condition.type("count(followups where presented_to_director) = 2", delay=5)
    page.locator("#rule-check mark").wait_for()
    assert page.locator("#rule-check mark").inner_text() == "="
    assert "เปรียบเทียบว่าเท่ากันให้ใช้ ==" in page.locator("#rule-check").inner_text()
    assert "คอลัมน์ 46" in page.locator("#rule-check").inner_text()

    condition.fill("count(followups where presented_to_director) >= 1")
    condition.dispatch_event("input")
    page.get_by_text("เงื่อนไขถูกต้อง").wait_for()

    page.select_option("#id_shape", "count")
    page.select_option("#id_fact", "followups")
    page.fill("#id_number", "3")
    page.select_option("#id_combine", "replace")
    page.click("button[name=action][value=build]")
    page.wait_for_load_state()
    # the builder opened on the line's condition: its term is still ticked
    assert page.locator("#id_when").input_value() == "count(followups where presented_to_director) >= 3"

    page.click("button[name=action][value=save]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/studio/d/{draft.pk}/items/1.1.2/")
    assert "บันทึกแล้ว: 1.1.2: แก้ไขบรรทัดคะแนน second-presented" in page.content()
    assert (
        edits.find_line(draft.document(), "1.1.2", "second-presented")["when"]
        == "count(followups where presented_to_director) >= 3"
    )


def test_removing_from_the_tree_asks_first(page, live_server, world):
    draft = services.start_draft(framework(), "oae-2570", "1", world.adam)
    log_in(page, live_server, "adam")
    page.goto(f"{live_server.url}/studio/d/{draft.pk}/tree/")
    remove = page.locator("#node-1\\.1\\.3 form[data-confirm] button")
    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    assert draft.revisions.count() == 1  # not confirmed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    page.wait_for_load_state()
    page.locator("#node-1\\.1\\.4").wait_for()
    assert page.locator("#node-1\\.1\\.3").count() == 0
    assert draft.current_revision().summary == "1.1.3: ลบ"
