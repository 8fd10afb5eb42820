"""The whole yearly cycle in Chromium: a framework editor clones FY2567 into FY2570 in the studio,
changes a line (the live check marks a mistake at its column, then the fix), adds an item with a
fact, a line and a line test, sees the validation pass and the dry run's per-line counts,
publishes; the administrator opens the new year for three units; an officer records work and the
score follows the new rules; the guideline PDF lists the new item.

The line tests are edited on the line pages: the changed line's example is corrected and the
new line gets two cases, each typed into its form with its records as YAML."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from pramern.assessments.models import Assessment
from pramern.frameworks.models import Framework
from pramern.organizations.models import Role
from pramern.studio.dryrun import EXAMPLES
from pramern.studio.models import FrameworkDraft
from tests.browser.steps import log_in, log_out, open_menu
from tests.factories import assessment, person, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_TITLE = "การประเมินความเสี่ยงการทุจริตประจำปีของหน่วยงาน"


def be(day: dt.date) -> str:
    return f"{day:%d/%m}/{day.year + 543}"


def test_the_yearly_cycle_from_the_studio_to_the_guideline(page, live_server, world, tmp_path):
    unit_c = unit("oae-c", "ศูนย์ทดสอบ")
    assessment(unit_c, world.framework, staff=30)
    person("carol", Role.Kind.OFFICER, unit_c)
    person("fern", Role.Kind.FRAMEWORK_EDITOR)
    url = live_server.url

    # clone FY2567 into fiscal year 2570: rounds, dated rules and line tests move three years on
    log_in(page, live_server, "fern")
    open_menu(page)  # on a phone the header links are in the menu
    page.click("header a[href='/studio/']")
    page.fill("#id_clone-fiscal_year", "2570")
    page.fill("#id_clone-code", "oae-2570")
    page.fill("#id_clone-version", "1")
    page.click("#start-clone button.primary")
    page.wait_for_url(re.compile(r"/studio/d/\d+/$"))
    draft = FrameworkDraft.objects.get()
    studio = f"{url}/studio/d/{draft.pk}"
    assert page.input_value("#id_rounds-1-cutoff") == "31/07/2570"
    page.wait_for_selector("#check.ok")

    # change a line's points and condition: a mistake is marked at its column, then fixed
    page.goto(f"{studio}/items/1.1.2/lines/first/")
    page.fill("#id_points", "0.5")
    condition = page.locator("#id_when")
    condition.fill("")
    condition.type("count(followups where presented_to_director) = 1", delay=5)
    page.locator("#rule-check mark").wait_for()
    assert page.locator("#rule-check mark").inner_text() == "="
    assert "คอลัมน์ 46" in page.locator("#rule-check").inner_text()
    condition.fill("count(followups where presented_to_director) >= 1")
    condition.dispatch_event("input")
    page.get_by_text("เงื่อนไขถูกต้อง").wait_for()
    page.click("button[name=action][value=save]")
    page.wait_for_url(f"{studio}/items/1.1.2/")
    page.fill("#id_points", "1.5")  # the item gives up the half point the line lost ...
    page.click("#texts-title ~ form button.primary")
    page.wait_for_url(f"{studio}/items/1.1.2/")

    # ... to a new item, which starts with a fact and a line to edit
    page.goto(f"{studio}/tree/")
    page.select_option("#id_kind", "item")
    page.select_option("#id_parent", "1.1")
    page.fill("#id_title_th", NEW_TITLE)
    page.fill("#id_title_en", "Annual fraud-risk assessment of the unit")
    page.click("form[action$='/tree/add/'] button.primary")
    page.click("#node-1\\.1\\.5 a[href$='/items/1.1.5/']")
    page.fill("#id_points", "0.5")
    page.fill("#id_guidance_th", "หน่วยงานทบทวนความเสี่ยงการทุจริตอย่างน้อยปีละ 1 ครั้ง")
    page.fill("#id_guidance_en", "The unit reviews its fraud risks at least once a year.")
    page.click("#texts-title ~ form button.primary")
    page.wait_for_url(f"{studio}/items/1.1.5/")
    page.click("a[href$='/items/1.1.5/facts/records/']")
    page.fill("#id_name", "risk_reviews")  # renaming the fact renames it in the line's rule
    page.fill("#id_th", "การทบทวนความเสี่ยงการทุจริต")
    page.fill("#id_en", "Fraud-risk review")
    page.click("form.studio-form button.primary")
    page.wait_for_url(f"{studio}/items/1.1.5/")
    assert "count(risk_reviews) >= 1" in page.locator("#line-done").inner_text()
    page.click("#line-done a[href$='/lines/done/']")
    page.fill("#id_id", "reviewed")
    page.fill("#id_points", "0.5")
    page.fill("#id_th", "ทบทวนความเสี่ยงอย่างน้อย 1 ครั้ง")
    page.fill("#id_en", "At least one fraud-risk review")
    page.fill("#id_missing_th", "ต้องทบทวนความเสี่ยงอย่างน้อย 1 ครั้ง")
    page.fill("#id_missing_en", "Needs a fraud-risk review")
    page.click("button[name=action][value=save]")
    page.wait_for_url(f"{studio}/items/1.1.5/")
    page.goto(f"{studio}/items/1.1.2/")  # the draft adds up again: the line tests run, the changed line's fails
    expected = "line first: tests[0] (one follow-up), R6: expected 1, got 0"
    assert expected in page.locator("#line-first").inner_text()
    assert "ผ่าน 180 ไม่ผ่าน 1" in page.locator("#validation p.error").inner_text()  # the failing tests, not "0 problems"

    # line tests, on the line pages: the changed line's example is corrected ...
    page.goto(f"{studio}/items/1.1.2/lines/first/")
    page.fill("#id_case0_name", "one follow-up, presented")
    page.fill("#id_case0_records", 'followups:\n  - {date: "2026-10-02", presented_to_director: true}\n')
    page.fill("#id_case0_expect", "0.5")
    page.click("#case-0 button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/lines/first/"))
    assert "✓ tests[0] (one follow-up, presented)" in page.locator("#case-0").inner_text()
    # ... and the new line gets two cases: one just earning it, one just missing it
    page.goto(f"{studio}/items/1.1.5/lines/reviewed/")
    page.click("#case-new details summary")
    assert "risk_reviews:" in page.locator("#case-new details pre").inner_text()  # the hint names the item's fact
    page.fill("#id_casenew_name", "one review")
    page.fill("#id_casenew_records", 'risk_reviews:\n  - {date: "2026-11-01"}\n')
    page.fill("#id_casenew_expect", "0.5")
    page.click("#case-new button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/lines/reviewed/"))
    page.fill("#id_casenew_name", "none")
    page.fill("#id_casenew_expect", "0")
    page.click("#case-new button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/lines/reviewed/"))
    assert page.locator("#line-tests-title").inner_text().endswith("2/2")
    page.goto(f"{studio}/")
    check = page.locator("#check.ok")
    assert "ไม่พบปัญหา" in check.inner_text()
    assert "ไม่ผ่าน 0" in check.inner_text()  # every line test passes, the two new ones too
    final = FrameworkDraft.objects.get()

    # dry run against FY2567's assessments, from the draft page: per-line counts
    page.goto(f"{url}/studio/d/{final.pk}/")
    page.click("p.actions a[href^='/studio/dry-run/']")
    assert page.locator("#id_draft_studio").input_value() == str(final.pk)
    page.click("form button.primary")
    scored = 3 + len(list(EXAMPLES.glob("*.yaml")))  # the three units and the example files
    new_line = page.locator("tr", has_text="(reviewed)").filter(has_text="1.1.5")
    assert new_line.locator("td.num").all_inner_texts() == ["0.5", f"0/{scored}", f"0/{scored}"]  # nobody has it yet
    changed = page.locator("tr", has_text="(first)").filter(has_text="1.1.2")
    assert changed.locator("td.num").first.inner_text() == "0.5"
    assert re.fullmatch(rf"\d+/{scored}", changed.locator("td.num").nth(1).inner_text())

    # publish
    page.goto(f"{url}/studio/d/{final.pk}/")
    page.click(f"a[href='/studio/d/{final.pk}/publish/']")
    page.check("#id_confirm")
    page.click("button.primary")
    page.wait_for_url(re.compile(rf"/studio/d/{final.pk}/$"))
    assert "ประกาศใช้แล้ว" in page.locator(".banner.locked").inner_text()
    published = Framework.objects.get(code="oae-2570", version="1")
    log_out(page)

    # the administrator opens the year for the three units
    log_in(page, live_server, "adam")
    open_menu(page)  # on a phone the header links are in the menu
    page.click("header a[href='/years/open/']")
    page.select_option("#id_framework", str(published.pk))
    page.click("button.primary")
    page.wait_for_selector("#opening-staff")
    today = dt.date.today()
    page.fill("#id_deadline_R6", be(today + dt.timedelta(days=30)))
    page.fill("#id_deadline_R12", be(today + dt.timedelta(days=60)))
    page.click("button.primary")
    page.wait_for_selector("ul.messages")
    assert Assessment.objects.filter(framework=published).count() == 3
    log_out(page)

    # an officer records work; the score follows the new rules
    new = Assessment.objects.get(framework=published, unit=world.unit_a)
    log_in(page, live_server, "alice")
    page.goto(f"{url}/a/{new.pk}/items/1.1.2/")
    r6 = page.locator('.item-points[data-round="R6"]')
    page.click("#fact-followups details.add summary")
    page.fill("#id_followups-date", "15/08/2569")
    page.click("#fact-followups form.record-form button[type=submit]")
    page.wait_for_selector("#fact-followups li.record")
    assert r6.inner_text() == "0"  # FY2567 gave a point for it; now it must be presented
    page.click("#fact-followups details.add summary")
    page.fill("#id_followups-date", "16/08/2569")
    page.check("#id_followups-presented_to_director")
    page.click("#fact-followups form.record-form button[type=submit]")
    page.locator("#fact-followups li.record").nth(1).wait_for()
    assert r6.inner_text() == "0.5"
    page.goto(f"{url}/a/{new.pk}/items/1.1.5/")
    assert NEW_TITLE in page.locator("h1").inner_text()
    page.click("#fact-risk_reviews details.add summary")
    page.fill("#id_risk_reviews-date", "20/08/2569")
    page.click("#fact-risk_reviews form.record-form button[type=submit]")
    page.wait_for_selector("#fact-risk_reviews li.record")
    assert page.locator('.item-points[data-round="R6"]').inner_text() == "0.5"

    # the guideline PDF lists the new item, its Thai title intact in the text layer
    response = page.request.get(f"{url}/frameworks/oae-2570/1/guideline.pdf")
    assert response.ok, response.status
    pdf = tmp_path / "guideline.pdf"
    pdf.write_bytes(response.body())
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # the title column is narrow: the title wraps between words, each word intact (no ำ lost)
    assert f"1.1.5 {NEW_TITLE}0.5 คะแนน" in raw.replace("\n", "")
