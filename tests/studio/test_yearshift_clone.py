"""Cloning a framework into a fiscal year in the studio: the clone form's year, the shifted draft,
the texts that mention a year on the draft's page."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.assessments.management.commands.load_demo import next_year_draft
from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.scoring import parse_framework
from pramern.scoring.linetests import run_line_tests
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import services
from pramern.studio.forms import CloneForm
from pramern.studio.models import FrameworkDraft
from pramern.studio.yearshift import fiscal_year_of
from tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def fern(world):
    return person("fern", Role.Kind.FRAMEWORK_EDITOR, first_name="เฟิร์น", last_name="ผู้ร่าง")


def _post(world, **extra):
    data = {
        "clone-framework": world.framework.pk,
        "clone-fiscal_year": "2570",
        "clone-code": "oae-2570",
        "clone-version": "1",
    }
    data.update({f"clone-{key}": value for key, value in extra.items()})
    return data


def test_the_clone_form_offers_the_current_fiscal_year(client, world, fern, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2026, 9, 30))
    assert CloneForm().fields["fiscal_year"].initial == 2569
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2026, 10, 1))
    assert CloneForm().fields["fiscal_year"].initial == 2570
    client.force_login(fern)
    body = client.get("/studio/").content.decode()
    assert 'name="clone-fiscal_year"' in body and 'value="2570"' in body
    assert "ปีงบประมาณ (พ.ศ.)" in body


def test_a_clone_into_2570_has_fy2570_rounds_and_its_line_tests_pass(client, world, fern):
    client.force_login(fern)
    response = client.post("/studio/new/", _post(world))
    draft = FrameworkDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/studio/d/{draft.pk}/"
    compiled = parse_framework(draft.current_revision().source, "oae-2570.yaml")
    assert [(r.starts, r.cutoff) for r in compiled.rounds] == [
        (dt.date(2026, 8, 1), dt.date(2027, 2, 28)),
        (dt.date(2026, 8, 1), dt.date(2027, 7, 31)),
    ]
    report = run_line_tests(compiled)
    assert len(report) == 181 and report.ok
    assert "ปี 2570" in draft.title_th and "2570" in draft.title_en and "2567" not in draft.title_th
    assert "2567" in draft.current_revision().summary and "2570" in draft.current_revision().summary
    entry = AuditEntry.objects.get(action="pramern.studio.draft_started", actor=fern)
    assert entry.data["fiscal_year"] == [2567, 2570]


def test_the_titles_follow_the_year_not_the_code(world, fern):
    draft = services.start_draft(world.framework, "oae-next", "1", fern, fiscal_year=2571)
    assert "ปี 2571" in draft.title_th
    assert draft.document()["rounds"][1]["cutoff"] == "2028-07-31"
    # a title typed by the editor is kept as typed
    typed = services.start_draft(world.framework, "oae-x", "1", fern, title_th="ชื่อเอง ปี 2567", fiscal_year=2570)
    assert typed.title_th == "ชื่อเอง ปี 2567"


def test_the_same_year_copies_the_dates_as_they_are(world, fern):
    draft = services.start_draft(world.framework, "oae-2567b", "1", fern, fiscal_year=2567)
    assert draft.current_revision().source == _source_with(world, draft)


def _source_with(world, draft):
    document = load_text(world.framework.source, "x.yaml")
    document.update(code=draft.code, version="1", title_th=draft.title_th, title_en=draft.title_en)
    return dump_framework(document)


def test_a_form_error_keeps_what_was_typed(client, world, fern):
    client.force_login(fern)
    response = client.post("/studio/new/", _post(world, fiscal_year="99", title_th="ชื่อที่พิมพ์ไว้"))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="99"' in body and 'value="ชื่อที่พิมพ์ไว้"' in body and 'value="oae-2570"' in body
    assert not FrameworkDraft.objects.exists()
    response = client.post("/studio/new/", _post(world, fiscal_year=""))
    assert response.status_code == 400 and not FrameworkDraft.objects.exists()


def test_the_new_drafts_page_lists_the_texts_that_mention_a_year(client, world, fern):
    client.force_login(fern)
    client.post("/studio/new/", _post(world))
    draft = FrameworkDraft.objects.get()
    body = client.get(f"/studio/d/{draft.pk}/").content.decode()
    assert 'id="year-mentions" open' in body
    assert "item 1.1.4: lines[1] (every-quarter): missing_th" in body
    assert f'href="/studio/d/{draft.pk}/items/1.1.4/"' in body
    assert "ต.ค. 66, มิ.ย. 67" in body


def test_others_cannot_clone(client, world):
    response = client.post("/studio/new/", _post(world))
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(world.alice)
    assert client.post("/studio/new/", _post(world)).status_code == 403
    assert not FrameworkDraft.objects.exists()


def test_the_demos_draft_is_moved_into_the_current_fiscal_year(world, fern):
    draft, created = next_year_draft(world.framework, fern, dt.date(2026, 12, 2))
    assert created and draft.code == "oae-2570"
    document = draft.document()
    assert fiscal_year_of(document) == 2570
    assert [r["cutoff"] for r in document["rounds"]] == ["2027-02-28", "2027-07-31"]
    assert run_line_tests(parse_framework(draft.current_revision().source, "oae-2570.yaml")).ok
