"""Cached page data (pramern/reports/caching.py): every kind of change is seen on the very next
request, on the process's LocMemCache and on the real Redis, and the cached path saves queries."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from pramern.assessments.models import Assessment, Record
from pramern.assessments.services import add_link_evidence, assign_item, save_record, scores_changed
from pramern.organizations.models import Role
from pramern.reports import caching
from pramern.reports.models import ScoreCard
from pramern.reports.scorecards import refresh
from pramern.review.services import grant_extension, set_override, set_verdict, transition
from tests.conftest import LOCMEM_CACHES
from tests.factories import page_queries, person, record, verified_below_its_claim


@pytest.fixture(params=["locmem", "redis"])
def backend(request):
    """The tests' LocMemCache, or the machine's Redis (``redis_cache``)."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


def committed(django_capture_on_commit_callbacks, change, *args, **kwargs):
    """``change`` as a request makes it: its after-commit work (score cards) done."""
    with django_capture_on_commit_callbacks(execute=True):
        return change(*args, **kwargs)


def home_total(client, a, round_code="R12"):
    page = client.get(f"/a/{a.pk}/").content.decode()
    return re.search(rf'<span class="total" data-round="{round_code}">([^<]*)</span>', page).group(1)


def chip(client, a, item_code):
    page = client.get(f"/a/{a.pk}/").content.decode()
    return re.search(rf'data-item="{re.escape(item_code)}" data-state="([^"]*)"', page).group(1)


def dashboard_cells(client, unit_name):
    """(the figure it is ranked by, "*": not verified; self-assessed; verified) of a unit's
    ranking row on the dashboard."""
    ranking = client.get("/dashboard/").content.decode().split('id="table-ranking"')[1]
    row = ranking.split(unit_name)[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row)[:3]
    return [re.sub(r"<[^>]*>", "", re.sub(r'<span class="visually-hidden">.*?</span>', "", c)) for c in cells]


def progress(client):
    table = client.get("/dashboard/").content.decode().split('id="table-progress"')[1].split("</table>")[0]
    return dict(re.findall(r'<tr><td>([^<]*)</td><td class="num">(\d+)</td></tr>', table))


def save_followup(capture, world) -> None:
    """Alice records one follow-up of item 1.2.2 in unit A (a point in R6), committed."""
    committed(
        capture,
        save_record,
        world.a,
        "1.2.2",
        "followups",
        date=dt.date(2024, 3, 15),
        data={"presented_to_director": True},
        user=world.alice,
    )


def test_a_saved_record_shows_on_the_next_request(client, world, backend, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    assert home_total(client, world.a) == "0"
    assert home_total(client, world.a) == "0"  # from the cache
    save_followup(django_capture_on_commit_callbacks, world)
    assert home_total(client, world.a) == "1"
    item = client.get(f"/a/{world.a.pk}/items/1.2.2/").content.decode()
    assert item.count('class="record"') == 1


def test_evidence_added_changes_the_chip_at_once(client, world, backend, django_capture_on_commit_callbacks):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    client.force_login(world.alice)
    assert chip(client, world.a, "1.2.2") == "no-evidence"
    committed(
        django_capture_on_commit_callbacks,
        add_link_evidence,
        world.a,
        "https://example.go.th/report",
        user=world.alice,
        records=[rec],
    )
    assert chip(client, world.a, "1.2.2") == "partial"


def test_a_verdict_shows_to_the_unit_at_once(client, world, backend, django_capture_on_commit_callbacks):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "submit", user=world.dan)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "start_review", user=world.eve)
    client.force_login(world.alice)
    assert chip(client, world.a, "1.2.2") == "no-evidence"
    committed(django_capture_on_commit_callbacks, set_verdict, rec, "rejected", reason="ไม่มีหลักฐาน", user=world.eve)
    assert chip(client, world.a, "1.2.2") == "rejected"
    assert "ไม่มีหลักฐาน" in client.get(f"/a/{world.a.pk}/").content.decode()


def test_a_verdict_and_an_override_move_the_verified_total_on_the_dashboard(
    client, world, backend, django_capture_on_commit_callbacks
):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "submit", user=world.dan)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "start_review", user=world.eve)
    client.force_login(world.eve)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["1*", "1", "0"]
    committed(django_capture_on_commit_callbacks, set_verdict, rec, "accepted", user=world.eve)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["1*", "1", "1"]
    committed(
        django_capture_on_commit_callbacks,
        set_override,
        world.a,
        "R12",
        "1.2.2",
        "2",
        reason="ตรวจแล้วได้เต็ม",
        user=world.eve,
    )
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["1*", "1", "2"]


def test_each_step_of_a_round_shows_on_the_dashboard_and_the_home(
    client, world, backend, django_capture_on_commit_callbacks
):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.xena)
    assert progress(client)["ส่งแล้ว"] == "0"

    def step(action, user, **options):
        committed(django_capture_on_commit_callbacks, transition, world.a, "R12", action, user=user, **options)

    step("submit", world.dan)
    assert progress(client)["ส่งแล้ว"] == "1"
    step("start_review", world.eve)
    assert progress(client)["ส่งแล้ว"] == "0" and progress(client)["กำลังตรวจ"] == "1"
    step("return", world.eve, reason="แก้ไขข้อ 1.2.2")
    assert progress(client)["ส่งกลับให้แก้ไข"] == "1"
    client.force_login(world.alice)
    assert "แก้ไขข้อ 1.2.2" in client.get(f"/a/{world.a.pk}/").content.decode()
    step("resubmit", world.alice)
    step("start_review", world.eve)
    committed(django_capture_on_commit_callbacks, set_verdict, rec, "accepted", user=world.eve)
    step("verify", world.eve)
    client.force_login(world.xena)
    assert progress(client)["ตรวจรับรองแล้ว"] == "1"
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร")[2] == "–"  # executives: once published
    step("publish", world.eve)
    assert progress(client)["ประกาศผลแล้ว"] == "1"
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร")[2] == "1"


def test_a_score_card_refresh_shows_on_the_next_dashboard(client, world, backend):
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.xena)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["0*", "0", "–"]
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["0*", "0", "–"]  # the cards: not yet refreshed
    refresh(world.a)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["2*", "2", "–"]


def test_a_deadline_extension_and_a_renamed_unit_show_at_once(client, world, backend):
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.xena)
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in client.get("/dashboard/").content.decode()
    world.unit_a.name_th = "สำนักวิจัยเศรษฐกิจการเกษตร (ใหม่)"
    world.unit_a.save()
    assert "สำนักวิจัยเศรษฐกิจการเกษตร (ใหม่)" in client.get("/dashboard/").content.decode()
    client.force_login(world.alice)
    deadline = client.get(f"/a/{world.a.pk}/").content.decode()
    assert "น้ำท่วมสำนักงาน" not in deadline
    grant_extension(world.a, "R12", dt.date.today() + dt.timedelta(days=90), reason="น้ำท่วมสำนักงาน", user=world.eve)
    assert "น้ำท่วมสำนักงาน" in client.get(f"/a/{world.a.pk}/").content.decode()


def test_the_cached_pages_save_queries(client, world, backend):
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.alice)
    home = f"/a/{world.a.pk}/"
    computed = page_queries(client, home)
    cached = page_queries(client, home)
    # 1 session, 2 user, 3 roles, 4 assessment with unit and framework (and its revision, the key
    # of the home's content), 5 the bell: the content, as this reader sees it, comes from the cache
    assert (computed, cached) == (16, 5)
    item = f"/a/{world.a.pk}/items/1.2.2/"
    # the first six, 7 evidence of the item's records, 8 all evidence (to attach), 9 the item's
    # history, 10 its comments, 11 its assignment, 12 the unit's people, 13 the bell
    assert page_queries(client, item) == 13
    assert page_queries(client, item) == 5  # the first four and the bell: the content is cached
    caching._RECENT.clear()  # the shared cache only (another web process)
    assert page_queries(client, home) == 5
    client.force_login(world.xena)
    computed = page_queries(client, "/dashboard/")
    cached = page_queries(client, "/dashboard/")
    # 1 session, 2 user, 3 roles, 4 the frameworks, 5 the year's score cards' generation (count
    # and sum of its assessments' scorecard_revision), 6 the bell; the content is cached
    assert (computed, cached) == (8, 6)
    computed = page_queries(client, "/")
    cached = page_queries(client, "/")
    # the units overview: the same six; its assessments, round schedules, unit rounds, deadline
    # extensions, score cards and records counted per round are cached
    assert (computed, cached) == (12, 6)


def test_the_cache_keeps_each_readers_rule_apart(client, world, backend, django_capture_on_commit_callbacks):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "submit", user=world.dan)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "start_review", user=world.eve)
    committed(django_capture_on_commit_callbacks, set_verdict, rec, "accepted", user=world.eve)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "verify", user=world.eve)
    refresh(world.b)
    for persona, verified in (("eve", "1"), ("xena", "–"), ("eve", "1"), ("xena", "–")):
        client.force_login(getattr(world, persona))
        assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร")[2] == verified


def test_a_cache_that_is_down_costs_speed_not_the_page(client, world, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.xena)
    assert client.get("/dashboard/").status_code == 200
    client.force_login(world.alice)
    assert home_total(client, world.a) == "0"
    settings.CACHES = LOCMEM_CACHES


def test_every_change_gives_a_new_revision(world):
    before = Assessment.objects.get(pk=world.a.pk).revision
    other = Assessment.objects.get(pk=world.b.pk).revision
    record(world.a, "1.2.2", "followups", "2024-03-15")
    after = Assessment.objects.get(pk=world.a.pk).revision
    assert after != before
    assert Assessment.objects.get(pk=world.b.pk).revision == other  # another unit's stays


def test_the_home_shows_the_units_people_as_they_are_now(client, world, backend):
    """The home's content is cached whole: who looks after an item, the people's names and who
    submits move the revision too; a log-in does not."""
    client.force_login(world.alice)
    home = f"/a/{world.a.pk}/"
    assert "ผู้รับผิดชอบ" not in client.get(home).content.decode()  # "assigned to": nobody yet
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assert "ผู้รับผิดชอบ อลิส ใจดี" in client.get(home).content.decode()
    world.alice.first_name = "อลิสา"
    world.alice.save()
    assert "ผู้รับผิดชอบ อลิสา ใจดี" in client.get(home).content.decode()
    submits = client.get(home).content.decode().split('class="muted who-submits">')[1].split("</p>")[0]
    assert "แดน ผู้อำนวยการ" in submits and "ดวง" not in submits
    person("duang", "director", world.unit_a, first_name="ดวง", last_name="ใจงาม")
    submits = client.get(home).content.decode().split('class="muted who-submits">')[1].split("</p>")[0]
    assert "แดน ผู้อำนวยการ" in submits and "ดวง ใจงาม" in submits
    duang = Role.objects.get(user__username="duang")
    duang.unit = world.unit_b  # moved to another unit (the admin allows it): gone from this one's page
    duang.save()
    submits = client.get(home).content.decode().split('class="muted who-submits">')[1].split("</p>")[0]
    assert "ดวง ใจงาม" not in submits
    before = Assessment.objects.get(pk=world.a.pk).revision
    client.force_login(world.dan)  # a log-in writes last_login: nothing shown changes
    assert Assessment.objects.get(pk=world.a.pk).revision == before


def test_the_units_overview_shows_a_save_and_a_submission_at_once(
    client, world, backend, django_capture_on_commit_callbacks
):
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.xena)

    def self_total():
        units = client.get("/?round=R12").content.decode().split('id="table-units"')[1].split("</table>")[0]
        row = units.split("สำนักวิจัยเศรษฐกิจการเกษตร")[1].split("</tr>")[0]
        return re.sub(r"<[^>]*>", "", row.split('data-label="ประเมินตนเอง">')[1].split("</td>")[0]).strip()

    def stage_link(code):
        page = client.get("/?round=R12").content.decode()
        return re.search(rf'class="pill stage-{code}" href="[^"]*">([^<]*)</a>', page).group(1)

    assert self_total() == "0*"
    assert stage_link("submitted") == "ส่งแล้ว 0"
    save_followup(django_capture_on_commit_callbacks, world)
    assert self_total() == "1*"
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "submit", user=world.dan)
    assert stage_link("submitted") == "ส่งแล้ว 1"


def test_a_framework_replaced_in_place_shows_its_new_scores(client, world, backend, django_capture_on_commit_callbacks):
    """``install_framework(replace=True)`` (and the studio's ``patch_published``) keep code@version
    and change the source: the workspace and the dashboard are keyed by its hash too."""
    from pramern.frameworks.services import install_framework

    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    client.force_login(world.alice)
    assert home_total(client, world.a) == "1"
    line = "when: count(followups) >= {}\n        th: ติดตามผลอย่างน้อย 1 ครั้ง"  # 1.2.2's first line
    text = world.framework.source.replace(line.format(1), line.format(5))
    assert text != world.framework.source
    committed(django_capture_on_commit_callbacks, install_framework, text, "oae-2567.yaml", replace=True)
    assert home_total(client, world.a) == "0"


def test_an_erased_evaluator_leaves_no_cached_page(client, world, backend, django_capture_on_commit_callbacks):
    """Erasure pseudonymises the person's name: every assessment gets a new revision, so no page
    is served from an entry that holds the old name; the entries hold no password hash."""
    from pramern.assessments.workspace import load_workspace
    from pramern.privacy.erasure import erase_person
    from pramern.review.models import Override

    world.eve.email = "eve@example.go.th"
    world.eve.save()
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "submit", user=world.dan)
    committed(django_capture_on_commit_callbacks, transition, world.a, "R12", "start_review", user=world.eve)
    committed(
        django_capture_on_commit_callbacks, set_override, world.a, "R12", "1.2.2", "0", reason="ทดสอบ", user=world.eve
    )
    assert Override.objects.get().decided_by == world.eve
    before = caching.current_revision(world.a), caching.current_revision(world.b)
    client.force_login(world.alice)
    assert client.get(f"/a/{world.a.pk}/items/1.2.2/").status_code == 200
    load_workspace(Assessment.objects.get(pk=world.a.pk), with_verified=True)
    entry = caching._RECENT[caching.key("workspace", world.a.pk, before[0], world.framework.source_sha256)][1]
    kept = caching._dumps(entry, world.framework.compiled())
    assert world.eve.password.encode() not in kept and b"eve@example" not in kept
    committed(django_capture_on_commit_callbacks, erase_person, world.eve, user=world.adam)
    after = caching.current_revision(world.a), caching.current_revision(world.b)
    assert after[0] != before[0] and after[1] != before[1]


def test_a_deleted_record_moves_the_revision_of_its_copies(world, backend):
    """Deleting an earlier year's record sets its copies' ``copied_from`` to NULL by an UPDATE
    that sends no post_save: the copies' assessment gets a new revision all the same."""
    source = record(world.b, "1.2.2", "followups", "2024-03-15")
    copy = record(world.a, "1.2.2", "followups", "2024-03-15")
    copy.copied_from = source
    copy.save()
    before = caching.current_revision(world.a)
    source.delete()
    assert caching.current_revision(world.a) != before


def test_the_process_copy_expires_with_the_cache_entries(backend, monkeypatch):
    """``_RECENT`` keeps a value no longer than the cache keeps it (``TIMEOUT``)."""
    computed = []
    monkeypatch.setattr(caching, "TIMEOUT", 0)  # expired as soon as kept
    key = caching.key("expiry-test", uuid.uuid4().hex)
    assert caching.cached(key, lambda: computed.append(1) or len(computed), remember=True) == 1
    assert caching.cached(key, lambda: computed.append(1) or len(computed), remember=True) == 2
    monkeypatch.setattr(caching, "TIMEOUT", 60)
    assert caching.cached(key, lambda: computed.append(1) or len(computed), remember=True) == 3
    assert caching.cached(key, lambda: computed.append(1) or len(computed), remember=True) == 3


def hidden_value(page: str, name_end: str) -> str:
    return re.search(rf'name="[\w-]*{name_end}" value="([^"]+)"', page).group(1)


def test_a_cached_item_page_is_a_new_form_for_each_reader_and_each_reading(world, backend):
    """The item page's content is cached whole; each reading still carries the reader's own CSRF
    token (posts are checked) and a new one-time key in each form to add a record, so that two
    readings of the same cached page save two records."""
    from django.test import Client

    from pramern.assessments.models import Record

    page = f"/a/{world.a.pk}/items/1.2.2/"
    tabs = []
    for _ in range(2):  # two browsers of alice's, each with its own CSRF cookie
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(world.alice)
        tabs.append((browser, browser.get(page).content.decode()))
    (first, first_page), (_, second_page) = tabs
    assert hidden_value(first_page, "form_key") != hidden_value(second_page, "form_key")
    assert caching.CSRF_PLACEHOLDER not in first_page + second_page
    assert hidden_value(first_page, "csrfmiddlewaretoken") != hidden_value(second_page, "csrfmiddlewaretoken")
    for n, (browser, shown) in enumerate(tabs, start=1):
        fields = {
            "fact": "followups",
            "followups-date": f"0{n}/03/2567",
            "followups-presented_to_director": "on",
            "followups-form_key": hidden_value(shown, "form_key"),
            "csrfmiddlewaretoken": hidden_value(shown, "csrfmiddlewaretoken"),
        }
        answer = browser.post(f"/a/{world.a.pk}/items/1.2.2/records/followups/new/", fields)
        assert answer.status_code == 302, answer.content.decode()[-2000:]
    assert Record.objects.filter(assessment=world.a, item_code="1.2.2").count() == 2
    forged = {"followups-date": "03/03/2567", "csrfmiddlewaretoken": caching.CSRF_PLACEHOLDER}
    assert first.post(f"/a/{world.a.pk}/items/1.2.2/records/followups/new/", forged).status_code == 403


def test_the_item_page_shows_a_comment_and_each_page_of_records_at_once(client, world, backend, settings):
    from pramern.review.services import add_comment

    settings.RECORDS_PER_PAGE = 5

    client.force_login(world.alice)
    page = f"/a/{world.a.pk}/items/1.2.2/"
    assert "ขอเอกสารเพิ่มเติม" not in client.get(page).content.decode()
    add_comment(world.a, "1.2.2", "ขอเอกสารเพิ่มเติม", user=world.eve)
    assert "ขอเอกสารเพิ่มเติม" in client.get(page).content.decode()
    for day in range(1, 8):
        record(world.a, "1.2.2", "followups", f"2024-03-{day:02d}", presented_to_director=True)
    first, second = client.get(page).content.decode(), client.get(f"{page}?page-followups=2").content.decode()
    shown = [re.findall(r'<li class="record[^"]*" id="record-(\d+)"', p) for p in (first, second)]
    assert [len(s) for s in shown] == [5, 2] and not set(shown[0]) & set(shown[1])


# --------------------------------------------------------------------------- the dashboard's key


def followup(capture, world, day: str) -> None:
    """Alice records a follow-up of item 1.2.2 presented to the director, committed."""
    committed(
        capture,
        save_record,
        world.a,
        "1.2.2",
        "followups",
        date=dt.date.fromisoformat(day),
        data={"presented_to_director": True},
        user=world.alice,
    )


def test_a_save_that_moves_no_score_keeps_the_dashboard_cached(
    client, world, backend, django_capture_on_commit_callbacks
):
    """Item 1.2.2 is full after two follow-ups: a third is saved (the unit's pages change) but no
    score card does, so the dashboard stays in the cache; a save that moves a score does not."""
    followup(django_capture_on_commit_callbacks, world, "2024-03-15")
    followup(django_capture_on_commit_callbacks, world, "2024-05-20")
    refresh(world.b)
    client.force_login(world.xena)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["2*", "2", "–"]
    cards = list(ScoreCard.objects.filter(assessment=world.a).order_by("round_code").values())
    key, revision = caching.scorecard_generation(world.framework), caching.current_revision(world.a)
    followup(django_capture_on_commit_callbacks, world, "2024-06-20")
    assert caching.current_revision(world.a) != revision  # the unit's own pages are computed again
    assert list(ScoreCard.objects.filter(assessment=world.a).order_by("round_code").values()) == cards
    assert caching.scorecard_generation(world.framework) == key
    # 1 session, 2 user, 3 roles, 4 the frameworks, 5 the year's score cards' generation, 6 the
    # bell: the dashboard's content comes from the cache
    assert page_queries(client, "/dashboard/") == 6
    Record.objects.filter(assessment=world.a).delete()
    committed(django_capture_on_commit_callbacks, scores_changed, world.a)
    assert caching.scorecard_generation(world.framework) != key
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["0*", "0", "–"]


def test_a_refresh_that_finds_the_same_figures_writes_no_card(world):
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    refresh(world.a)
    before = list(ScoreCard.objects.filter(assessment=world.a).order_by("round_code").values())
    revision = Assessment.objects.get(pk=world.a.pk).scorecard_revision
    refresh(world.a)
    assert list(ScoreCard.objects.filter(assessment=world.a).order_by("round_code").values()) == before
    assert Assessment.objects.get(pk=world.a.pk).scorecard_revision == revision
    record(world.a, "1.2.2", "followups", "2024-05-20", presented_to_director=True)
    refresh(world.a)
    assert Assessment.objects.get(pk=world.a.pk).scorecard_revision != revision


def test_a_reopened_round_withdraws_its_verified_figures_from_the_dashboard(
    client, world, backend, django_capture_on_commit_callbacks
):
    verified_below_its_claim(world, publish=True)
    client.force_login(world.xena)
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["1", "2", "1"]
    committed(
        django_capture_on_commit_callbacks,
        transition,
        world.a,
        "R12",
        "reopen",
        reason="ตรวจทานใหม่",
        user=world.adam,
    )
    assert dashboard_cells(client, "สำนักวิจัยเศรษฐกิจการเกษตร") == ["2*", "2", "–"]
    assert progress(client)["กำลังตรวจ"] == "1"


def test_a_units_kind_region_and_short_name_show_on_the_dashboard_at_once(client, world, backend):
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.xena)

    def listed(query=""):
        page = client.get(f"/dashboard/{query}").content.decode()
        ranking = page.split('id="table-ranking"')[1].split("</table>")[0]
        heatmap = page.split('id="table-heatmap"')[1].split("</table>")[0]
        return re.findall(r'scorecard/">([^<]*)</a>', ranking), re.findall(r"<tr><td>([^<]*)<", heatmap)

    assert listed("?kind=regional") == ([], [])
    world.unit_b.kind, world.unit_b.region, world.unit_b.short_name = "regional", 3, "ศสส."
    world.unit_b.save()
    assert listed("?kind=regional") == (["ศูนย์สารสนเทศการเกษตร"], ["ศสส."])
    assert listed("?region=3") == (["ศูนย์สารสนเทศการเกษตร"], ["ศสส."])


def test_an_upgrade_never_reads_what_an_older_release_cached(settings, tmp_path):
    """Every key starts with the hash of the code, templates and translations: a page cached before
    an upgrade (its HTML, or a workspace pickled in an older shape) is not read after it."""
    assert caching.key("home", 1).startswith(f"{caching.code_version()}:home:1")
    for folder, name in (("pramern", "views.py"), ("templates", "page.html"), ("locale", "django.mo")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text("สวัสดี")
    settings.BASE_DIR = tmp_path
    caching.code_version.cache_clear()
    try:
        before = caching.code_version()
        (tmp_path / "templates" / "page.html").write_text("สวัสดีครับ")
        caching.code_version.cache_clear()
        assert caching.code_version() != before
        (tmp_path / "templates" / "page.html").write_text("สวัสดี")
        caching.code_version.cache_clear()
        assert caching.code_version() == before
        settings.EVIDENCE_MAX_MB = 7  # printed into every file drop, which the browser checks by
        caching.code_version.cache_clear()
        assert caching.code_version() != before
    finally:
        caching.code_version.cache_clear()


def test_only_the_csrf_field_gets_the_readers_token(client, world, backend):
    """A reader's search printed back in the search box may say anything, the placeholder too: the
    token goes into the form's CSRF field only, never into a box a GET form would put in a URL."""
    refresh(world.a)
    client.force_login(world.xena)
    page = client.get(f"/dashboard/?q={caching.CSRF_PLACEHOLDER}").content.decode()
    boxes = re.findall(r'<input[^>]*name="q"[^>]*value="([^"]*)"', page)  # the dashboard's search
    assert boxes == [caching.CSRF_PLACEHOLDER]


def test_a_readers_address_cannot_fill_the_cache(client, world, backend, settings, monkeypatch):
    """The cached content is keyed by what the page reads, not by the address: parameters a page
    does not read share its entry (and are not printed into it); a page number is cached up to
    ``CACHED_PAGES``, a search and any other spelling are made for each reading."""
    settings.RECORDS_PER_PAGE = 5
    for day in range(1, 8):
        record(world.a, "1.2.2", "followups", f"2024-03-{day:02d}", presented_to_director=True)
    refresh(world.a)
    refresh(world.b)
    client.force_login(world.alice)
    item = f"/a/{world.a.pk}/items/1.2.2/"
    client.get(item)
    assert page_queries(client, f"{item}?utm_source=x&junk=1") == 5  # the first page's entry
    assert page_queries(client, f"{item}?page-followups=2") > 5  # made for this reading
    assert page_queries(client, f"{item}?page-followups=2") > 5
    from pramern.dashboards import summary

    monkeypatch.setattr(summary, "UNITS_PER_PAGE", 1)  # two units: two pages, with links
    client.force_login(world.xena)
    client.get("/dashboard/")
    assert page_queries(client, "/dashboard/?utm_source=evil") == 6  # the first page's entry
    page = client.get("/dashboard/?utm_source=evil&page=2").content.decode()
    pagers = re.findall(r'<nav class="pager".*?</nav>', page, re.S)
    assert pagers and "page=1" not in "".join(pagers) and not any("utm_source" in p for p in pagers)
    assert [caching.page_key(v) for v in ("", "1", "2", "all", "02", "9999", "x")] == [
        "1",
        "1",
        "2",
        "all",
        None,
        None,
        None,
    ]


def test_a_refused_review_shows_in_the_items_history_at_once(client, world, backend):
    """A Centre member of the unit trying to judge its record is refused, and the attempt is in
    the item's history (an audit entry that comes with no record saved)."""
    from pramern.review.services import ConflictOfInterest

    member = person("evan", "evaluator")
    Role.objects.create(user=member, kind=Role.Kind.OFFICER, unit=world.unit_a)
    rec = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    client.force_login(world.alice)
    page = f"/a/{world.a.pk}/items/1.2.2/"
    assert "ผลประโยชน์ทับซ้อน" not in client.get(page).content.decode()
    with pytest.raises(ConflictOfInterest):
        set_verdict(rec, "accepted", user=member)
    assert "ผลประโยชน์ทับซ้อน" in client.get(page).content.decode()
