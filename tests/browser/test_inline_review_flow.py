"""The evaluator at the speed of the Centre, at desktop and phone widths: accepts the rest of an
item at once, rejects one record inline with the keyboard (without a reason first: the error
shows at that record and keeps the choice), then with a two-line reason; and, once the unit has
revised and resubmitted a returned round, sees what changed since the return."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pramern.assessments.services import save_record
from pramern.review.models import Verdict
from pramern.review.services import transition
from tests.browser.steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add(world, day, presented):
    return save_record(
        world.a,
        "1.2.2",
        "followups",
        date=dt.date.fromisoformat(day),
        data={"presented_to_director": presented},
        user=world.alice,
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_evaluator_bulk_accepts_rejects_inline_and_sees_the_changes_since_the_return(
    page, live_server, world, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    first = add(world, "2024-03-15", True)
    second = add(world, "2024-04-20", False)
    third = add(world, "2024-05-25", True)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    item_page = f"{live_server.url}/review/a/{world.a.pk}/R12/items/1.2.2/"

    log_in(page, live_server, "eve")
    page.goto(item_page)
    assert page.locator("#review-progress").inner_text() == "0 / 3"
    assert_accessible(page, include="main")
    page.click("button[data-bulk=item]")
    page.wait_for_load_state()
    assert "รับรองแล้ว 3 รายการ" in page.locator("ul.messages").inner_text()
    assert page.locator("#review-progress").inner_text() == "3 / 3"
    assert page.locator("button[data-bulk=item]").count() == 0  # nothing left to accept

    # the keyboard alone: Space chooses "rejected", Enter on the button saves, without a reason
    page.focus(f"#record-{second.pk}-rejected")
    page.keyboard.press("Space")
    page.focus(f"#record-{second.pk}-save")
    page.keyboard.press("Enter")
    error = page.locator(f"#record-{second.pk}-error")
    error.wait_for()
    assert error.inner_text() == "กรุณาระบุเหตุผลที่ไม่รับรองหรือให้แก้ไข"
    assert page.locator(f"#record-{second.pk}-rejected").is_checked()
    assert page.evaluate("document.activeElement.id") == f"record-{second.pk}-save"  # focus stays
    assert Verdict.objects.get(record=second).status == "accepted"  # nothing saved
    assert_accessible(page, include=f"#record-{second.pk}")

    page.focus(f"#record-{second.pk}-reason")
    page.keyboard.type("ไม่มีบันทึกเสนอ ผอ.")
    page.keyboard.press("Enter")  # a new line in the reason
    page.keyboard.type("แนบบันทึกที่ลงนามแล้ว")
    page.click(f"#record-{second.pk}-save")
    page.wait_for_selector(f"#record-{second.pk}-saved:has-text('บันทึกแล้ว')")
    card = page.locator(f"#record-{second.pk}")
    assert card.locator(".verdict").inner_text() == "ไม่รับรอง"
    assert card.locator(".verdict-now .reason-text").inner_text() == "ไม่มีบันทึกเสนอ ผอ.\nแนบบันทึกที่ลงนามแล้ว"
    assert page.locator(f"#record-{second.pk}-error").count() == 0
    assert page.locator("#review-progress").inner_text() == "3 / 3"
    assert page.locator("#verified-points").inner_text() == "2"  # the two accepted follow-ups
    # the records are cards apart from each other, and the page fits the screen
    boxes = [page.locator(f"#record-{r.pk}").bounding_box() for r in (first, second, third)]
    assert all(a["y"] + a["height"] < b["y"] for a, b in itertools.pairwise(boxes))
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # the round goes back to the unit, which revises the rejected record and resubmits
    transition(world.a, "R12", "return", reason="แก้ไขการติดตามเดือนเมษายน", user=world.eve)
    second.refresh_from_db()
    save_record(
        world.a,
        "1.2.2",
        "followups",
        date=dt.date(2024, 4, 22),
        data={"presented_to_director": True},
        user=world.alice,
        record=second,
    )
    transition(world.a, "R12", "resubmit", user=world.alice)
    transition(world.a, "R12", "start_review", user=world.eve)

    page.goto(f"{live_server.url}/review/a/{world.a.pk}/R12/")
    assert_accessible(page, include="main")
    summary = page.locator("#changes-since-return")
    assert summary.locator("tr[data-item='1.2.2'] td.num").all_inner_texts() == ["0", "1", "0", "1"]
    summary.locator("tr[data-item='1.2.2'] a").click()
    page.wait_for_load_state()
    changes = page.locator("#changes-since-return")
    changed = changes.locator(f"li.change-changed[data-record='{second.pk}']")
    assert "วันที่: 20 เม.ย. 2567 → 22 เม.ย. 2567" in changed.inner_text()
    assert "เสนอ ผอ. ทราบ: ไม่ใช่ → ใช่" in changed.inner_text()
    withdrawn = changes.locator(f"li.change-withdrawn[data-record='{second.pk}']")
    assert "ไม่รับรอง" in withdrawn.inner_text() and "แนบบันทึกที่ลงนามแล้ว" in withdrawn.inner_text()
    assert page.locator("#review-progress").inner_text() == "2 / 3"  # the revised record waits again
    assert_accessible(page, include="main")
