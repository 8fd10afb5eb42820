"""A dry run scores a draft against the database's assessments and the example files."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.reports.scorecards import refresh
from pramern.scoring import parse_framework
from pramern.scoring.mapping import mapping_between
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio.dryrun import dry_run
from tests.conftest import EXAMPLES, FRAMEWORK_FILE
from tests.factories import assessment, person, record, unit

pytestmark = pytest.mark.django_db

TEXT = FRAMEWORK_FILE.read_text(encoding="utf-8")
DOCUMENT = load_text(TEXT, FRAMEWORK_FILE.name)
URL = "/studio/dry-run/"


def draft(change=None, **top: Any) -> str:
    """The text of a draft: FY2567 with ``change`` applied to its document."""
    document = copy.deepcopy(DOCUMENT)
    document.update(top)
    if change is not None:
        change(document)
    return dump_framework(document)


def item(document: dict[str, Any], code: str) -> dict[str, Any]:
    for dimension in document["dimensions"]:
        for child in dimension["items"]:
            for candidate in child.get("items", [child]):
                if candidate["code"] == code:
                    return candidate
    raise KeyError(code)


def group(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(g for d in document["dimensions"] for g in d["items"] if g["code"] == code)


def move_123_to_134(document: dict[str, Any]) -> None:
    moved = group(document, "1.2")["items"].pop(2)
    group(document, "1.2")["points"] -= moved["points"]
    moved["code"] = "1.3.4"
    group(document, "1.3")["items"].append(moved)
    group(document, "1.3")["points"] += moved["points"]


def swap_first_and_second(document: dict[str, Any]) -> None:
    lines = item(document, "1.2.2")["lines"]
    lines[0]["points"] = 0.5  # first (R6): 1 -> 0.5
    lines[1]["points"] = 1  # second (R12): 0.5 -> 1


@pytest.fixture
def followups(world):
    """Unit A followed up once (R6), unit B twice, the second time presented to the director."""
    record(world.a, "1.2.2", "followups", "2023-10-02")
    record(world.b, "1.2.2", "followups", "2023-10-05")
    record(world.b, "1.2.2", "followups", "2024-04-01", presented_to_director=True)
    return world


def counts(result, code: str) -> dict[str, dict[str, int | None]]:
    [found] = [i for i in result.items if i.item.code == code]
    return {c.line.id: dict(c.earned) for c in found.lines}


def test_per_line_how_many_units_earn_it_in_each_round(followups):
    result = dry_run(TEXT, followups.framework, examples=[])
    assert (result.units, result.files, result.scored) == (2, 0, 2)
    assert counts(result, "1.2.2") == {
        "first": {"R6": 2, "R12": 2},
        "second": {"R6": None, "R12": 1},  # not open in R6
        "second-presented": {"R6": None, "R12": 0},  # B presented only one of its two
    }
    assert result.changes == ()  # the same framework: nobody's total moves


def test_the_distribution_of_totals(followups):
    result = dry_run(TEXT, followups.framework, examples=[])
    r6, r12 = result.rounds
    assert (r6.potential, r6.units, r6.minimum, r6.median, r6.maximum) == (
        Decimal("66.5"), 2, Decimal(1), Decimal(1), Decimal(1)
    )  # fmt: skip
    assert (r12.minimum, r12.median, r12.maximum) == (Decimal(1), Decimal("1.25"), Decimal("1.5"))
    assert [(b.low, b.high, b.count) for b in r12.buckets][:2] == [(0, 10, 2), (10, 20, 0)]
    assert len(r12.buckets) == 12 and r12.buckets[-1].high == 120
    assert [b.count for b in r6.buckets] == [2, 0, 0, 0, 0, 0, 0] and r6.buckets[-1].high == Decimal("66.5")


def test_a_total_changes_when_a_line_gives_other_points(followups):
    result = dry_run(draft(swap_first_and_second), followups.framework, examples=[])
    by_code = {run.code: run for run in result.changes}
    assert set(by_code) == {"oae-bapp"}  # B earns first and second: 1.5 either way
    run = by_code["oae-bapp"]
    assert run.name == "สำนักวิจัยเศรษฐกิจการเกษตร"
    assert (run.old_final, run.new_final, run.delta) == (Decimal(1), Decimal("0.5"), Decimal("-0.5"))
    assert dict(run.new) == {"R6": Decimal("0.5"), "R12": Decimal("0.5")}


def test_the_old_total_is_the_stored_score_card_when_there_is_one(followups):
    refresh(followups.a)
    refresh(followups.b)
    record(followups.b, "1.3.1", "guideline", "2023-11-01", signed_or_presented=True, published=True)
    # B's card (1.5) is older than its new record: the stored score is what the unit was given
    result = dry_run(TEXT, followups.framework, examples=[])
    [run] = result.changes
    assert (run.code, run.old_final, run.new_final) == ("oae-cae", Decimal("1.5"), Decimal("5.5"))


def test_a_renumbered_item_is_followed_through_the_mapping(world):
    record(world.a, "1.2.3", "reviews", "2024-05-01", presented_to_director=True)
    text = draft(move_123_to_134)
    compiled = parse_framework(text)
    mapping = mapping_between(world.framework.compiled(), compiled, {"1.2.3": "1.3.4"})
    result = dry_run(compiled, world.framework, mapping=mapping, examples=[])
    assert counts(result, "1.3.4") == {"reviewed": {"R6": None, "R12": 1}, "presented": {"R6": None, "R12": 1}}
    assert result.unmapped == {} and result.changes == ()
    # without the mapping, 1.2.3's records have nowhere to go: dropped and counted
    unmapped = dry_run(compiled, world.framework, examples=[])
    assert unmapped.unmapped == {("1.2.3", "reviews"): 1}
    assert counts(unmapped, "1.3.4")["reviewed"]["R12"] == 0
    [run] = unmapped.changes
    assert (run.code, run.delta) == ("oae-bapp", Decimal(-2))


def test_a_fact_without_a_successor_drops_its_records(followups):
    def rename_fact(document: dict[str, Any]) -> None:
        facts = item(document, "1.2.2")["facts"]
        facts["follow_ups"] = facts.pop("followups")
        for line in item(document, "1.2.2")["lines"]:
            line["when"] = line["when"].replace("followups", "follow_ups")
            for case in line["tests"]:
                case["records"]["follow_ups"] = case["records"].pop("followups")

    result = dry_run(draft(rename_fact), followups.framework, examples=[])
    assert result.unmapped == {("1.2.2", "followups"): 3}
    assert result.dropped == 3
    assert counts(result, "1.2.2")["first"] == {"R6": 0, "R12": 0}


def test_records_the_draft_refuses_are_counted(followups):
    def drop_field(document: dict[str, Any]) -> None:
        item(document, "1.2.2")["facts"]["followups"]["fields"]["in_meeting"] = {
            "type": "flag", "th": "ในที่ประชุม", "en": "At a meeting"
        }  # fmt: skip
        del item(document, "1.2.2")["facts"]["followups"]["fields"]["presented_to_director"]
        item(document, "1.2.2")["lines"][2]["when"] = "count(followups where in_meeting) >= 2"
        for line in item(document, "1.2.2")["lines"]:
            for case in line["tests"]:
                for followup in case["records"]["followups"]:
                    if followup.pop("presented_to_director", None):
                        followup["in_meeting"] = True

    result = dry_run(draft(drop_field), followups.framework, examples=[])
    assert result.refused == 1  # B's record with presented_to_director
    assert counts(result, "1.2.2")["first"] == {"R6": 2, "R12": 2}


def test_a_draft_of_a_later_year_sees_last_years_records_in_its_own_year(followups):
    def later(document: dict[str, Any]) -> None:
        for rnd in document["rounds"]:
            rnd["starts"] = rnd["starts"].replace("2023", "2026")
            rnd["cutoff"] = rnd["cutoff"].replace("2024", "2027").replace("2027-02-28", "2027-02-28")

    result = dry_run(draft(later, code="oae-2570"), followups.framework, examples=[])
    assert result.years == 3
    assert counts(result, "1.2.2")["first"] == {"R6": 2, "R12": 2}


def test_the_example_files_are_scored_too(world):
    result = dry_run(TEXT, world.framework)  # examples/ by default
    assert (result.units, result.files, result.skipped) == (2, 4, ())
    assert result.rounds[-1].maximum == Decimal("110.5")  # the strong unit (tests/test_examples.py)
    harder = draft(lambda d: item(d, "1.2.2")["lines"][0].update(when="count(followups) >= 5"))
    changed = dry_run(harder, world.framework)
    strong = next(run for run in changed.changes if run.origin == "strong-unit.yaml")
    assert strong.name == "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"
    assert (strong.old_final, strong.new_final) == (Decimal("110.5"), Decimal("109.5"))
    assert counts(changed, "1.2.2")["first"] == {"R6": 0, "R12": 0}


def test_an_example_file_of_another_framework_is_skipped(world, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text((EXAMPLES / "empty-unit.yaml").read_text().replace('version: "1"', 'version: "9"'))
    result = dry_run(TEXT, world.framework, examples=[other, EXAMPLES / "strong-unit.yaml"])
    assert result.skipped == ("other.yaml",) and result.files == 1


def test_the_queries_do_not_grow_with_the_number_of_units(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dry_run(compiled, world.framework, examples=[])
        return len(captured)

    compiled = world.framework.compiled()
    record(world.a, "1.2.2", "followups", "2023-10-02")
    refresh(world.a)
    few = queries()
    for n in range(5):
        extra = assessment(unit(f"u{n}", f"หน่วยที่ {n}"), world.framework)
        record(extra, "1.2.2", "followups", "2023-10-02")
        refresh(extra)
    assert queries() == few == 4  # assessments with units, records, sections, score cards


# -- the page -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["alice", "dan", "bob", "eve", "xena"])
def test_everyone_but_framework_editors_is_refused(client, world, username):
    client.force_login(getattr(world, username))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"draft_installed": world.framework.pk, "against": world.framework.pk}).status_code == 403


def test_a_framework_editor_runs_an_installed_framework_against_its_assessments(client, followups):
    client.force_login(person("fern", "framework_editor"))
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"draft_installed": followups.framework.pk, "against": followups.framework.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "ร่าง oae-2567@1 เทียบกับ oae-2567@1" in page
    assert "ให้คะแนนผลการประเมิน 2 หน่วยงานจากฐานข้อมูล และไฟล์ตัวอย่าง 4 ไฟล์" in page
    # 1.2.2 "first": A, B, the strong and the threshold unit in R6; the late one's follow-up too in R12
    row = re.search(r"<strong>1\.2\.2</strong>.*?<span class=\"muted\">\(first\)</span>(.*?)</tr>", page, re.S)
    assert re.findall(r"<td class=\"num\">([^<]*)</td>", row.group(1)) == ["1", "4/6", "5/6"]
    assert "ไม่มีหน่วยงานใดที่คะแนนรวมรอบสุดท้ายเปลี่ยน" in page


def test_an_administrator_uploads_a_draft_file(client, followups):
    client.force_login(followups.adam)
    upload = SimpleUploadedFile("oae-2570.yaml", draft(swap_first_and_second).encode(), "application/yaml")
    response = client.post(URL, {"draft_file": upload, "against": followups.framework.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "หน่วยงานที่คะแนนรวมเปลี่ยนมากที่สุด" in page
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in page and "-0.5" in page


def test_a_draft_with_problems_is_refused_at_the_form(client, world):
    client.force_login(world.adam)
    broken = draft(lambda d: item(d, "1.2.2")["lines"][0].update(when="count(folowups) >= 1"))
    upload = SimpleUploadedFile("oae-2570.yaml", broken.encode(), "application/yaml")
    response = client.post(URL, {"draft_file": upload, "against": world.framework.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "oae-2570.yaml: item 1.2.2: lines[0].when" in page and "folowups" in page
    assert f'<option value="{world.framework.pk}" selected>' in page  # what was chosen is kept


def test_a_draft_must_come_from_one_place(client, world):
    client.force_login(world.adam)
    response = client.post(URL, {"against": world.framework.pk})
    assert response.status_code == 400
    assert "อัปโหลดไฟล์" in response.content.decode()


def test_the_drafts_previous_maps_the_items(world):
    record(world.a, "1.2.3", "reviews", "2024-05-01", presented_to_director=True)

    def change(document: dict[str, Any]) -> None:
        move_123_to_134(document)
        document["previous"] = {"code": "oae-2567", "version": "1", "items": {"1.2.3": "1.3.4"}}

    result = dry_run(draft(change, code="oae-2570"), world.framework, examples=[])
    assert result.unmapped == {}
    assert counts(result, "1.3.4")["presented"] == {"R6": None, "R12": 1}


def test_a_studio_draft_is_dry_run_from_its_page(client, followups):
    from pramern.studio.services import save_revision, start_draft

    studio_draft = start_draft(followups.framework, "oae-2570", "1", followups.adam)
    document = studio_draft.document()
    swap_first_and_second(document)
    save_revision(studio_draft, document, followups.adam, "1.2.2: คะแนนสลับกัน")
    client.force_login(followups.adam)
    draft_page = client.get(studio_draft.get_absolute_url()).content.decode()
    assert f'href="{URL}?draft={studio_draft.pk}"' in draft_page
    form = client.get(f"{URL}?draft={studio_draft.pk}").content.decode()
    assert f'<option value="{studio_draft.pk}" selected>' in form
    response = client.post(URL, {"draft_studio": studio_draft.pk, "against": followups.framework.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "ร่าง oae-2570@1 เทียบกับ oae-2567@1" in page
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in page and "-0.5" in page  # the revision's swap, not the clone's


def test_a_studio_draft_with_problems_is_refused_at_the_form(client, world):
    from pramern.studio.services import save_revision, start_draft

    studio_draft = start_draft(world.framework, "oae-2570", "1", world.adam)
    document = studio_draft.document()
    item(document, "1.2.2")["lines"][0]["when"] = "count(folowups) >= 1"
    save_revision(studio_draft, document, world.adam, "typo")
    client.force_login(world.adam)
    response = client.post(URL, {"draft_studio": studio_draft.pk, "against": world.framework.pk})
    assert response.status_code == 400
    assert "folowups" in response.content.decode()
