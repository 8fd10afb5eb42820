"""Thai PDF reports printed by Chromium: the text layer must give the Thai back exactly.

The checks read the PDF the way people search and copy from it, through poppler's
``pdftotext`` and ``pdffonts``. Under CI (CI=true) missing tools fail the run; on a
developer's machine the tests skip and say what to install.
"""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from pramern.reports.models import ScoreCard
from pramern.reports.pdf import base_context, consolidated_pdf, css_string, unit_scorecard_pdf
from pramern.reports.printing import PdfError, html_to_pdf
from pramern.reports.scorecards import refresh
from pramern.thaidates import thai_date
from tests.factories import record
from tests.reports.poppler import poppler, text_of

ORGANIZATION = "สำนักงานเศรษฐกิจการเกษตร"
TITLE_1_2_2 = "มีการติดตามการดำเนินงานตามมาตรการฯ"


@pytest.fixture
def scored(world):
    """Unit A followed up 1.2.2 once in the 6-month round and had 30 of 40 staff answer 5.1."""
    record(world.a, "1.2.2", "followups", "2024-01-15", presented_to_director=True)
    record(world.a, "5.1", "respondents", "2024-06-30", value=30)
    refresh(world.a)
    refresh(world.b)
    return world


@pytest.mark.browser
@pytest.mark.django_db
def test_the_score_card_gives_thai_back_exactly(tools, scored, tmp_path):
    text = text_of(unit_scorecard_pdf(scored.a), tmp_path)

    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in text
    assert ORGANIZATION in text
    assert TITLE_1_2_2 in text
    assert "oae-2567@1" in text
    assert thai_date(timezone.localdate()) in text
    # framework maximum, then R6 self / verified, R12 self / verified
    assert re.search(r"คะแนนรวมทั้งหมด\s+120\s+1\s+0\s+3\s+0\b", text), text
    assert re.search(r"1\.2\.2\s+" + TITLE_1_2_2 + r"\s+2\s+1\s+0\s+1\s+0\b", text), text


@pytest.mark.browser
@pytest.mark.django_db
def test_the_score_card_lists_what_is_left_to_earn(tools, scored, tmp_path):
    text = text_of(unit_scorecard_pdf(scored.a), tmp_path)

    todo = text[text.index("สิ่งที่ควรทำต่อ") :]
    assert "ต้องติดตามผลครั้งที่ 2" in todo  # 1.2.2's second follow-up
    assert "5.1" not in todo  # 30 of 40 staff answered: every line earned


@pytest.mark.browser
@pytest.mark.django_db
def test_the_score_card_embeds_sarabun(tools, scored, tmp_path):
    fonts = poppler("pdffonts", unit_scorecard_pdf(scored.a), tmp_path).splitlines()

    sarabun = [line for line in fonts if "Sarabun" in line]
    assert sarabun, fonts
    header = fonts[0].split()
    for line in sarabun:
        # name type... encoding emb sub uni object ID: "emb" is the 5th column from the end
        assert line.split()[-5] == "yes", (header, line)
    assert all("Sarabun" in line for line in fonts[2:]), "no fallback font may be needed"


@pytest.mark.browser
@pytest.mark.django_db
def test_a_unit_without_score_cards_is_scored_first(tools, world, tmp_path):
    assert not ScoreCard.objects.filter(assessment=world.b).exists()

    text = text_of(unit_scorecard_pdf(world.b), tmp_path)

    assert ScoreCard.objects.filter(assessment=world.b).count() == 2
    assert "ศูนย์สารสนเทศการเกษตร" in text


@pytest.mark.browser
@pytest.mark.django_db
def test_the_consolidated_report_ranks_units_in_one_dense_table(tools, scored, tmp_path):
    seen: list[tuple[int, str]] = []

    pdf = consolidated_pdf(scored.framework, "R12", progress=lambda percent, stage: seen.append((percent, stage)))
    text = text_of(pdf, tmp_path)

    pages = text.split("\f")[:-1]
    assert len(pages) == 1  # two units, the key of dimensions: one landscape page
    assert "หน้า 1 / 1" in pages[0]
    assert ORGANIZATION in pages[0]
    # rank, unit, the 7 dimensions, the figure ranked by (marked: self-assessed), self, verified, state
    assert re.search(r"1\s+สำนักวิจัยเศรษฐกิจการเกษตร\s+1\s+0\s+0\s+0\s+2\s+0\s+0\s+3\*\s+3\s+0", text), text
    assert re.search(r"2\s+ศูนย์สารสนเทศการเกษตร(\s+0){7}\s+0\*\s+0\s+0", text), text
    assert "การป้องกันการทุจริต" in text  # dimension 1's title, in the key
    assert "* คะแนนประเมินตนเอง ยังไม่ผ่านการตรวจรับรองของศูนย์ประเมินผล" in text
    assert seen[0] == (0, "reading") and seen[-1] == (95, "saving")
    assert [p for p, _s in seen] == sorted(p for p, _s in seen)
    assert [s for _p, s in seen if s != seen[0][1]][:1] == ["layout"]
    assert (15, "printing") in seen  # Chromium's step starts once the layout is done


@pytest.mark.django_db
def test_an_unknown_round_is_refused(scored):
    with pytest.raises(PdfError, match="R9"):
        consolidated_pdf(scored.framework, "R9")


@pytest.mark.browser
def test_long_thai_text_breaks_only_between_words(tools, tmp_path):
    # ICU's dictionary splits the compound into its words; a break anywhere else (สำนัก|งาน)
    # leaves a line that is not made of these words.
    words = ("สำนักงาน", "เศรษฐกิจ", "การ", "เกษตร")
    sentence = " ".join(["".join(words)] * 12)
    template = Template(
        '{% extends "reports/pdf_base.html" %}{% block body %}<p style="width: 38mm">{{ sentence }}</p>{% endblock %}'
    )
    html = template.render(Context({**base_context("ทดสอบการตัดคำ"), "sentence": sentence}))

    text = text_of(html_to_pdf(html), tmp_path)

    body = text.split("\f")[0].splitlines()
    lines = [line.replace(" ", "") for line in body if any(w in line for w in words) and "ทดสอบ" not in line]
    assert len(lines) > 5, body
    pattern = re.compile("(?:" + "|".join(words) + ")+")
    assert all(pattern.fullmatch(line) for line in lines), lines
    assert "".join(lines) == sentence.replace(" ", "")


def test_a_running_header_cannot_escape_its_css_string():
    assert css_string('ก"ข\\ค</style>') == '"ก\\"ข\\\\ค\\3C /style>"'
    assert css_string("a\rb\fc\nd") == '"a\\D b\\C c\\A d"'  # every line break CSS knows


@pytest.mark.browser
def test_the_consolidated_report_is_a_background_job_with_progress(
    tools, scored, client, world, tmp_path, django_capture_on_commit_callbacks
):
    from pramern.reports.models import ReportJob

    client.force_login(world.eve)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/consolidated/", {"round": "R12"})
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.status, job.progress, job.filename) == ("done", 100, "oae-2567-R12-all-units.pdf")
    assert job.step is None  # done: no step is running
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    pdf = b"".join(download.streaming_content)
    text = text_of(pdf, tmp_path)
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in text and "ศูนย์สารสนเทศการเกษตร" in text


@pytest.mark.browser
def test_a_units_scorecard_pdf_hides_verified_scores_it_may_not_see(tools, scored, client, world, tmp_path):
    from pramern.review.services import set_verdict, transition

    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    for rec in world.a.records.all():
        set_verdict(rec, "accepted", user=world.eve)
    refresh(world.a)

    def dashes(persona):
        client.force_login(getattr(world, persona))
        response = client.get(f"/a/{world.a.pk}/scorecard.pdf")
        assert response["Content-Type"] == "application/pdf"
        text = text_of(response.content, tmp_path)
        assert "สำนักวิจัยเศรษฐกิจการเกษตร" in text
        return text.count("–")

    assert dashes("alice") > dashes("eve")  # in review: the unit does not see the verified column yet
    client.force_login(world.bob)
    assert client.get(f"/a/{world.a.pk}/scorecard.pdf").status_code == 404
