"""An officer adds a record with two files and a link in one step and sees the confirmation; a
file of the wrong type or too large is refused in the browser before any upload; files dropped
on the drop zone join the list; the evidence library shows where each is used. At desktop
(1366 px) and phone (390 px) widths. Real browser, real server, real database."""

from __future__ import annotations

import pytest

from tests.browser.steps import log_in
from tests.factories import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize("width", [1366, 390])
def test_officer_adds_a_record_with_two_files_and_a_link_in_one_step(
    page, live_server, world, tmp_path, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    memo, photo = tmp_path / "บันทึกติดตามผล.pdf", tmp_path / "ภาพการประชุม.png"
    memo.write_bytes(PDF)
    photo.write_bytes(PNG)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    page.click("#fact-followups details.add summary")
    form = page.locator("#fact-followups form.record-form")
    assert form.locator("label.file-pick").inner_text() == "เลือกไฟล์"  # never the browser's English button
    form.locator("#id_followups-date").fill("15/03/2567")
    form.locator("#id_followups-presented_to_director").check()
    form.locator("#id_followups-evidence-links").fill("https://example.go.th/report รายงานบนเว็บ")
    form.locator("input[type=file]").set_input_files([str(memo), str(photo)])
    assert form.locator(".chosen-files li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    assert_accessible(page, include="#fact-followups form.record-form")
    form.locator("button[type=submit].primary").click()

    saved = page.locator(".banner.saved")
    saved.wait_for()
    assert saved.inner_text().startswith("บันทึกรายการแล้ว พร้อมไฟล์ 2 ไฟล์ และลิงก์ 1 ลิงก์")
    new = page.locator("#fact-followups li.record.just-saved")
    for name in ("บันทึกติดตามผล.pdf", "ภาพการประชุม.png", "รายงานบนเว็บ"):
        assert new.get_by_text(name).first.is_visible()
    assert page.locator('.item-points[data-round="R12"]').inner_text() == "1"

    page.goto(f"{live_server.url}/a/{world.a.pk}/evidence/")
    rows = page.locator("table.library tbody tr")
    assert rows.count() == 3
    assert "ข้อ 1.2.2" in rows.first.inner_text() and "รอบ 12 เดือน" in rows.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, include="main")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_wrong_type_or_too_large_file_is_refused_in_the_browser_before_upload(
    page, live_server, world, tmp_path, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    program, good = tmp_path / "โปรแกรม.exe", tmp_path / "รายงาน.pdf"
    program.write_bytes(b"MZ\x90\x00")
    good.write_bytes(PDF)
    huge = tmp_path / "ใหญ่มาก.pdf"
    with open(huge, "wb") as out:  # sparse: 101 MB on paper, nothing on disk
        out.truncate(101 * 1024 * 1024)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.click("#fact-followups details.add summary")
    form = page.locator("#fact-followups form.record-form")
    form.locator("input[type=file]").set_input_files([str(program), str(huge), str(good)])

    refused = form.locator(".file-refused")
    refused.wait_for()
    text = refused.inner_text()
    assert "โปรแกรม.exe: ไม่รับไฟล์ประเภทนี้" in text
    assert "ใหญ่มาก.pdf: ใหญ่เกิน 100 MB" in text
    assert form.locator(".chosen-files li").count() == 1
    assert form.locator(".chosen-files li").inner_text().startswith("รายงาน.pdf")
    assert form.locator("input[type=file]").evaluate("input => input.files.length") == 1
    assert posts == []  # nothing was sent
    assert_accessible(page, include="#fact-followups form.record-form")

    # a file dropped on the zone joins the list; the one chosen stays
    page.evaluate(
        """() => {
            const zone = document.querySelector("#fact-followups [data-file-drop]");
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array([37, 80, 68, 70, 45])], "ลากมาวาง.pdf", {type: "application/pdf"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }"""
    )
    assert form.locator(".chosen-files li").count() == 2
    assert form.locator(".file-refused").is_hidden()
    assert posts == []


def test_a_large_upload_shows_its_progress(page, live_server, world, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 900})
    large = tmp_path / "รายงานฉบับเต็ม.pdf"
    large.write_bytes(PDF + b"0" * (3 * 1024 * 1024))
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/items/1.2.2/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(  # about 1 MB/s up: the 3 MB upload takes a few seconds
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 1024 * 1024},
    )
    page.click("#fact-followups details.add summary")
    form = page.locator("#fact-followups form.record-form")
    form.locator("#id_followups-date").fill("15/03/2567")
    form.locator("input[type=file]").set_input_files(str(large))
    form.locator("button[type=submit].primary").click()
    bar = form.locator(".upload-progress")
    bar.wait_for(state="visible")
    page.wait_for_function(
        "() => { const p = document.querySelector('#fact-followups .upload-progress progress');"
        " return p && p.value > 0 && p.value < 100; }"
    )
    assert form.locator(".upload-percent").inner_text().endswith("%")
    page.locator(".banner.saved").wait_for(timeout=30_000)
    assert "พร้อมไฟล์ 1 ไฟล์" in page.locator(".banner.saved").inner_text()


def test_the_edit_page_adds_files_keeps_typing_after_a_refusal_and_confirms(page, live_server, world, tmp_path):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    memo = tmp_path / "บันทึกเพิ่มเติม.pdf"
    memo.write_bytes(PDF)
    fake = tmp_path / "ปลอม.pdf"  # a PDF by name only: the browser lets it through, the server does not
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/a/{world.a.pk}/records/{rec.pk}/edit/")
    page.fill("#id_followups-title", "ติดตามผลครั้งที่ 1")
    page.locator("input[type=file]").set_input_files([str(memo), str(fake)])
    page.click("#record-edit button.primary")
    refusal = page.locator("#record-edit .evidence-refused")
    refusal.wait_for()
    assert "ไฟล์ ปลอม.pdf: ไม่รับไฟล์ประเภทนี้" in refusal.inner_text()
    assert "โปรดเลือกไฟล์อีกครั้ง" in refusal.inner_text()
    assert page.input_value("#id_followups-title") == "ติดตามผลครั้งที่ 1"

    page.locator("input[type=file]").set_input_files(str(memo))
    page.click("#record-edit button.primary")
    page.wait_for_url(f"**/a/{world.a.pk}/items/1.2.2/#record-{rec.pk}")
    assert "บันทึกรายการแล้ว พร้อมไฟล์ 1 ไฟล์ และลิงก์ 0 ลิงก์" in page.locator(".messages").inner_text()
    assert page.locator(f"#record-{rec.pk}").get_by_text("บันทึกเพิ่มเติม.pdf").first.is_visible()
