"""One source of truth for a round's state: ``rounds.round_label`` names every state, and every
page (home, item, submit, review, dashboard, exports) says what it says."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from pramern.assessments.models import UnitRound
from pramern.assessments.rounds import RoundStatus, round_label, state_label
from pramern.frameworks.models import RoundSchedule
from pramern.review.services import set_verdict, transition
from tests.conftest import ROOT
from tests.factories import record
from tests.years import TwoYears

State = UnitRound.State
TODAY = dt.date(2026, 12, 2)


def status(fw2567, state=None, *, days=10, round_state=RoundSchedule.State.OPEN, superseded=None):
    unit_round = UnitRound(round_code="R6", state=state) if state else None
    deadline = TODAY + dt.timedelta(days=days)
    return RoundStatus(fw2567.rounds[0], deadline, unit_round, TODAY, round_state, None, superseded)


def thai(label):
    with translation.override("th"):
        return round_label(label)


def test_an_open_draft_says_its_days_left_and_is_open(fw2567):
    label = thai(status(fw2567, days=10))
    assert (label.tone, label.text, label.open) == ("open", "เปิดรับ: เหลืออีก 10 วัน", True)
    assert label.css == "round-open"


def test_a_draft_on_its_last_day_says_so(fw2567):
    assert thai(status(fw2567, days=0)).text == "เปิดรับ: ครบกำหนดส่งวันนี้"


def test_a_draft_past_its_deadline_is_late_and_closed_to_points(fw2567):
    label = thai(status(fw2567, days=-1))
    assert (label.tone, label.text, label.open) == ("late", "เลยกำหนดส่งแล้ว", False)


@pytest.mark.parametrize(
    ("state", "tone", "text"),
    [
        (State.SUBMITTED, "waiting", "ส่งแล้ว"),
        (State.IN_REVIEW, "waiting", "กำลังตรวจ"),
        (State.RESUBMITTED, "waiting", "ส่งใหม่แล้ว"),
        (State.VERIFIED, "settled", "ตรวจรับรองแล้ว"),
        (State.PUBLISHED, "settled", "ประกาศผลแล้ว"),
    ],
)
def test_a_submitted_round_says_its_state_and_offers_no_points(fw2567, state, tone, text):
    label = thai(status(fw2567, state))
    assert (label.tone, label.open) == (tone, False)
    assert label.text == state_label(state) == text
    assert not status(fw2567, state).open_to_unit


def test_a_returned_round_is_open_to_the_unit(fw2567):
    label = thai(status(fw2567, State.RETURNED, days=-30))  # the deadline does not lock a returned round
    assert (label.tone, label.text, label.open) == ("returned", "ส่งกลับให้แก้ไข", True)


def test_a_round_the_centre_closed_says_so_whatever_the_units_state(fw2567):
    for state in (None, State.RETURNED, State.SUBMITTED):
        label = thai(status(fw2567, state, round_state=RoundSchedule.State.CLOSED))
        assert (label.tone, label.text, label.open) == ("closed", "ศูนย์ประเมินผลปิดรอบแล้ว", False)


def test_a_past_years_round_is_locked_whatever_its_state(fw2567):
    for state in (None, State.RETURNED, State.PUBLISHED):
        label = thai(status(fw2567, state, superseded="oae-2568"))
        assert (label.tone, label.text, label.open) == ("past-year", "ปีที่ผ่านมา: อ่านอย่างเดียว", False)


def test_an_unknown_state_is_shown_as_it_is():
    assert state_label("archived") == "archived"


def test_labels_follow_the_active_language(fw2567):
    with translation.override("en"):
        assert round_label(status(fw2567, days=3)).text == "open: 3 days left"
        assert round_label(status(fw2567, State.SUBMITTED)).text == "submitted"


# --------------------------------------------------------------------------- pages


def home(client, world, user=None):
    client.force_login(user or world.alice)
    return client.get(f"/a/{world.a.pk}/").content.decode()


def test_a_submitted_round_never_says_points_are_still_available(client, world):
    record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    assert home(client, world).count("ยังทำเพิ่มได้อีก") == 2  # both rounds open
    transition(world.a, "R6", "submit", user=world.dan)
    page = home(client, world)
    r6 = page[page.index('id="score-R6"') : page.index('id="score-R12"')]
    assert "ยังทำเพิ่มได้อีก" not in r6 and "ส่งแล้ว" in r6
    assert "ยังทำเพิ่มได้อีก" in page[page.index('id="score-R12"') :]
    transition(world.a, "R12", "submit", user=world.dan)
    assert "ยังทำเพิ่มได้อีก" not in home(client, world)


def test_a_returned_round_offers_points_again(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=False)
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R6", "start_review", user=world.eve)
    set_verdict(rec, "rejected", reason="ไม่ได้เสนอ ผอ.", user=world.eve)
    transition(world.a, "R6", "return", reason="แก้ไข", user=world.eve)
    page = home(client, world)
    r6 = page[page.index('id="score-R6"') : page.index('id="score-R12"')]
    assert "ยังทำเพิ่มได้อีก" in r6 and "round-returned" in r6 and "ส่งกลับให้แก้ไข" in r6


def test_the_read_only_banner_is_information_not_an_error(client, world):
    transition(world.a, "R6", "submit", user=world.dan)
    transition(world.a, "R12", "submit", user=world.dan)
    page = home(client, world)
    banner = re.search(r'<div class="banner locked" role="status">', page)
    assert banner is not None and 'role="alert"' not in page
    css = (ROOT / "static" / "pramern" / "pramern.css").read_text()
    locked = re.search(r"^\.banner\.locked \{([^}]*)\}", css, re.M)
    error = re.search(r"^\.banner\.error \{([^}]*)\}", css, re.M)
    assert locked and error and "background: #fde8e8" in error.group(1)
    assert "#fde8e8" not in locked.group(1) and "#7a1c1c" not in locked.group(1)


def test_a_past_years_home_says_past_year_in_every_round(client, world):
    TwoYears(world)
    page = home(client, world)
    assert page.count("ปีที่ผ่านมา: อ่านอย่างเดียว") >= 4  # the two score cards, the round card, the sign-off list
    assert "ยังทำเพิ่มได้อีก" not in page and "เปิดรับ" not in page


def test_the_item_pills_and_the_line_table_agree(client, world):
    record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    transition(world.a, "R6", "submit", user=world.dan)
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    pills = dict(
        re.findall(r'class="pill round-pill[^"]*" data-round="(R\d+)">.*?<span class="round-state-text">([^<]*)', page)
    )
    assert pills == {"R6": "ส่งแล้ว", "R12": "เปิดรับ: เหลืออีก 40 วัน"}
    current = re.search(
        r'class="pill round-pill current" data-round="(R\d+)">[^<]*<strong class="item-points"[^>]*>([^<]*)</strong> / ([^ ]*) ',
        page,
    )
    assert current is not None and current.group(1) == "R12"
    caption = re.search(
        r'<p class="lines-caption">รายการคะแนนของรอบ 12 เดือน \(([^)]*)\): (\S+) / (\S+) คะแนน</p>', page
    )
    assert caption is not None
    assert caption.group(1) == pills["R12"] and caption.groups()[1:] == current.groups()[1:]


def test_the_review_and_dashboard_name_states_as_the_workspace_does(client, world):
    transition(world.a, "R12", "submit", user=world.dan)
    client.force_login(world.eve)
    queue = client.get("/review/?round=R12&state=all").content.decode()
    assert '<span class="pill state-submitted">ส่งแล้ว</span>' in queue
    assert '<span class="pill state-draft">ร่าง</span>' in queue


def test_round_states_are_put_into_words_only_in_rounds_py():
    """A new page naming a state its own way (``get_state_display``, ``UnitRound.State.choices``
    as labels) would drift from the others: every label reads ``rounds.state_label``/``round_label``."""
    allowed = {
        "pramern/assessments/rounds.py",
        "pramern/assessments/models.py",  # the field's choices
        "pramern/review/forms.py",  # the queue filter's accepted values (the page labels them)
    }
    offenders = []
    for path in [*(ROOT / "pramern").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        name = str(path.relative_to(ROOT))
        if name in allowed or "/migrations/" in name:
            continue
        text = path.read_text(encoding="utf-8")
        uses_unit_round = "UnitRound" in text or "unit_round" in text
        if uses_unit_round and re.search(r"State\.choices|get_state_display", text):
            offenders.append(name)
    assert offenders == []
