"""The consolidated PDF is a few dense pages, ranks by the verified total where the round is
settled and shown, and marks self-assessed figures as not verified (issue 11)."""

from __future__ import annotations

import re
import subprocess

import pytest

from pramern.reports.pdf import consolidated_context, consolidated_pdf
from pramern.reports.scorecards import refresh
from pramern.review.services import transition
from pramern.review.visibility import verified_shown_for
from tests.factories import assessment, record, unit, verified_below_its_claim
from tests.reports.poppler import text_of


def pages_of(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True, timeout=30).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


@pytest.mark.browser
@pytest.mark.django_db
def test_forty_units_fit_on_a_few_pages(tools, world, tmp_path):
    for n in range(38):
        extra = assessment(unit(f"oae-x{n:02}", f"สำนักงานเศรษฐกิจการเกษตรทดสอบที่ {n}"), world.framework)
        record(extra, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
        refresh(extra)
    refresh(world.a)
    refresh(world.b)

    pdf = consolidated_pdf(world.framework, "R12")

    pages = pages_of(pdf, tmp_path)
    assert pages <= 3, pages  # one page per unit before: 41
    text = text_of(pdf, tmp_path)
    assert f"หน้า {pages} / {pages}" in text
    assert "สำนักงานเศรษฐกิจการเกษตรทดสอบที่ 37" in text and "จำนวน 40 หน่วยงาน" in text


@pytest.mark.browser
@pytest.mark.django_db
def test_the_ranking_uses_verified_totals_once_published_and_marks_the_rest(tools, world, tmp_path):
    verified_below_its_claim(world)

    def ranking(persona):
        text = text_of(consolidated_pdf(world.framework, "R12", verified_shown=verified_shown_for(persona)), tmp_path)
        return text

    before = ranking(world.xena)  # verified, not published: the executive sees claims only
    assert re.search(r"1\s+สำนักวิจัยเศรษฐกิจการเกษตร(\s+\S+){7}\s+2\*\s+2\s+–\s+ตรวจรับรองแล้ว", before), before
    transition(world.a, "R12", "publish", user=world.eve)
    refresh(world.a)
    after = ranking(world.xena)
    assert re.search(r"1\s+ศูนย์สารสนเทศการเกษตร(\s+\S+){7}\s+2\*\s+2\s+–", after), after
    # A: dimension 1 verified at 1, ranked by its verified 1 (no mark), claimed 2
    assert re.search(r"2\s+สำนักวิจัยเศรษฐกิจการเกษตร\s+1(\s+0){6}\s+1\s+2\s+1\s+ประกาศผลแล้ว", after), after


@pytest.mark.django_db
def test_the_report_reads_totals_without_the_item_detail(world, django_assert_num_queries):
    from pramern.reports.data import unit_scores

    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    refresh(world.a)
    refresh(world.b)
    with django_assert_num_queries(2):  # assessments with units, score cards without items
        scores = unit_scores(world.framework, items=False)
    row = scores[0].rounds["R12"]
    assert (row.self_total, row.self_dimensions["1"], row.self_items) == (1, 1, {})
    with django_assert_num_queries(2):  # the same reading, then the layout: nothing per unit
        context = consolidated_context(world.framework, "R12")
    assert [u.dimensions[0] for u in context["units"]] == [1, 0]
