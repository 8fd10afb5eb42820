"""The predecessor page: a draft's ``previous:`` (the framework it succeeds and where that
framework's items and facts went) chosen in the browser and saved as a revision."""

from __future__ import annotations

import pytest

from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.scoring import parse_framework
from pramern.scoring.mapping import mapping_for
from pramern.scoring.yamlio import dump_framework, load_text
from pramern.studio import edits, services
from pramern.studio.dryrun import dry_run
from pramern.studio.models import FrameworkDraft
from tests.factories import person, record
from tests.studio.test_studio_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def fern(world):
    return person("fern", Role.Kind.FRAMEWORK_EDITOR, first_name="เฟิร์น", last_name="ผู้ร่าง")


@pytest.fixture
def draft(world, fern):
    return services.start_draft(world.framework, "oae-2570", "1", fern)


def url(draft: FrameworkDraft) -> str:
    return f"/studio/d/{draft.pk}/predecessor/"


def group(document, code):
    return next(g for d in document["dimensions"] for g in d["items"] if g["code"] == code)


@pytest.fixture
def moved(draft, fern):
    """The draft with 1.2.3 moved to 1.3.4 and 1.2.2's fact ``followups`` renamed ``meetings``."""
    document = draft.document()
    taken = group(document, "1.2")["items"].pop(2)
    group(document, "1.2")["points"] -= taken["points"]
    taken["code"] = "1.3.4"
    group(document, "1.3")["items"].append(taken)
    group(document, "1.3")["points"] += taken["points"]
    document = edits.rename_fact(document, "1.2.2", "followups", "meetings")
    services.save_revision(draft, document, fern, "move 1.2.3, rename a fact")
    draft.refresh_from_db()
    return draft


# ---- who may open it ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    for response in (client.get(url(draft)), client.post(url(draft), {"action": "save"})):
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["alice", "eve", "xena"])
def test_unit_people_evaluators_and_executives_are_refused(client, world, draft, username):
    client.force_login(getattr(world, username))
    assert client.get(url(draft)).status_code == 403
    assert client.post(url(draft), {"action": "save", "framework": ""}).status_code == 403
    assert draft.revisions.count() == 1


def test_it_opens_for_framework_editors_in_thai(client, draft, fern):
    client.force_login(fern)
    response = client.get(url(draft))
    body = response.content.decode()
    assert response.status_code == 200
    assert "กรอบก่อนหน้าและการจับคู่รายการ" in body
    assert "ไม่มี (ยกเลิก)" in body  # "none (dropped)" in each item's choice
    # the draft was copied from FY2567: offered first, every old item continuing its own code
    assert 'value="oae-2567@1" selected' in body
    assert '<option value="1.2.3" selected>' in body
    assert f'href="{url(draft)}"' in client.get(f"/studio/d/{draft.pk}/").content.decode()


# ---- saving ------------------------------------------------------------------------------------


def test_saving_writes_the_mapping_into_a_new_revision(client, world, moved, fern):
    client.force_login(fern)
    data = form_data(client, url(moved))
    assert data["item:1.2.3"] == ""  # prefilled: no 1.2.3 in the draft any more
    assert data["fact:1.2.2/followups"] == ""  # and no fact followups in the draft's 1.2.2
    data.update({"item:1.2.3": "1.3.4", "item:7.1.1": "", "fact:1.2.2/followups": "meetings", "action": "save"})
    response = client.post(url(moved), data)
    assert response.status_code == 302 and response["Location"] == url(moved)
    revision = moved.current_revision()
    assert revision.number == 3
    document = load_text(revision.source, "r.yaml")
    assert document["previous"] == {
        "code": "oae-2567",
        "version": "1",
        "items": {"1.2.3": "1.3.4", "7.1.1": None},
        "facts": {"1.2.2/followups": "meetings"},
    }
    assert list(document)[list(document).index("previous") + 1] == "rounds"
    assert dump_framework(document) == revision.source  # the saved text round-trips exactly
    compiled = parse_framework(revision.source)
    mapping = mapping_for(world.framework.compiled(), compiled)
    assert mapping.new_item("1.2.3") == "1.3.4" and mapping.new_item("7.1.1") is None
    assert mapping.new_fact("1.2.2", "followups") == "meetings"
    entry = AuditEntry.objects.filter(action="pramern.studio.revision_saved", actor=fern).latest("pk")
    assert entry.data["number"] == 3 and "oae-2567@1" in entry.data["summary"]
    # the page reads the saved mapping back
    again = form_data(client, url(moved))
    assert (again["item:1.2.3"], again["item:7.1.1"], again["fact:1.2.2/followups"]) == ("1.3.4", "", "meetings")


def test_choosing_no_predecessor_removes_it(client, moved, fern):
    client.force_login(fern)
    data = form_data(client, url(moved))
    data.update({"item:1.2.3": "1.3.4", "action": "save"})
    client.post(url(moved), data)
    assert "previous" in moved.document()
    page = client.get(url(moved) + "?framework=").content.decode()
    assert "บันทึก: ไม่มีกรอบก่อนหน้า" in page
    response = client.post(url(moved), {"framework": "", "action": "save", "base": "3"})
    assert response.status_code == 302
    assert "previous" not in moved.document() and moved.current_revision().number == 4


def test_a_bad_row_is_refused_at_its_row_with_the_choice_kept(client, moved, fern):
    client.force_login(fern)
    data = form_data(client, url(moved))
    data.update({"item:1.2.3": "9.9.9", "fact:1.2.2/followups": "reviews", "action": "save"})
    response = client.post(url(moved), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "ไม่ได้บันทึก" in body
    assert "9.9.9 ไม่ใช่รายการของร่างนี้" in body
    assert '<option value="9.9.9" selected>9.9.9</option>' in body
    # reviews is a fact of 1.2.3 (now 1.3.4), not of 1.2.2
    assert "reviews ไม่ใช่ข้อเท็จจริงของรายการ 1.2.2" in body
    assert '<option value="reviews" selected>reviews</option>' in body
    assert moved.revisions.count() == 2 and "previous" not in moved.document()


def test_an_unknown_predecessor_is_refused(client, moved, fern):
    client.force_login(fern)
    response = client.post(url(moved), {"framework": "oae-2599@1", "action": "save", "base": "2"})
    assert response.status_code == 400
    assert "oae-2599@1 ไม่ใช่กรอบการประเมินที่ติดตั้งไว้" in response.content.decode()
    assert moved.revisions.count() == 2


def test_a_published_draft_refuses_changes(client, world, fern):
    published = services.start_draft(world.framework, "oae-2570", "1", fern)
    FrameworkDraft.objects.filter(pk=published.pk).update(state=FrameworkDraft.State.PUBLISHED)
    client.force_login(fern)
    assert client.get(url(published)).status_code == 200
    assert client.post(url(published), {"framework": "", "action": "save"}).status_code == 403


# ---- the dry run follows it ----------------------------------------------------------------------


def test_the_dry_run_follows_the_mapping_saved_through_the_form(client, world, moved, fern):
    record(world.a, "1.2.3", "reviews", "2024-05-01", presented_to_director=True)
    record(world.b, "1.2.2", "followups", "2023-10-05")
    before = dry_run(moved.current_revision().source, world.framework, examples=[])
    assert before.unmapped == {("1.2.3", "reviews"): 1, ("1.2.2", "followups"): 1}
    client.force_login(fern)
    data = form_data(client, url(moved))
    data.update({"item:1.2.3": "1.3.4", "fact:1.2.2/followups": "meetings", "action": "save"})
    assert client.post(url(moved), data).status_code == 302
    after = dry_run(moved.current_revision().source, world.framework, examples=[])
    assert after.unmapped == {}
    [moved_item] = [i for i in after.items if i.item.code == "1.3.4"]
    assert {c.line.id: c.earned["R12"] for c in moved_item.lines} == {"reviewed": 1, "presented": 1}
    [followed] = [i for i in after.items if i.item.code == "1.2.2"]
    assert {c.line.id: c.earned["R6"] for c in followed.lines}["first"] == 1
