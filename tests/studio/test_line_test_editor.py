"""The line-test editor: a line's example cases added, edited and removed on the line page
(pramern.studio.item_views.line_test)."""

from __future__ import annotations

import pytest

from pramern.organizations.models import Role
from pramern.studio import edits, services
from pramern.studio.models import FrameworkDraft
from tests.factories import framework, person

pytestmark = pytest.mark.django_db

LINE = "second-presented"


@pytest.fixture
def fern(world):
    return person("fern", Role.Kind.FRAMEWORK_EDITOR)


@pytest.fixture
def draft(world, fern):
    return services.start_draft(framework(), "oae-2570", "1", fern)


def line_url(draft, line=LINE):
    return f"/studio/d/{draft.pk}/items/1.1.2/lines/{line}/"


def cases_url(draft, line=LINE):
    return f"{line_url(draft, line)}tests/"


def case_post(draft, index="", **values):
    data = {
        "base": draft.current_revision().number,
        "index": index,
        "action": "save",
        "name": "",
        "round": "",
        "staff_count": "",
        "sections": "",
        "records": "",
        "expect": "0",
    }
    data.update(values)
    return data


def cases(draft, line=LINE):
    draft = FrameworkDraft.objects.get(pk=draft.pk)
    return edits.find_line(draft.document(), "1.1.2", line).get("tests") or []


THREE_PRESENTED = (
    "followups:\n"
    '  - {date: "2023-10-02", presented_to_director: true}\n'
    '  - {date: "2023-10-03", presented_to_director: true}\n'
    '  - {date: "2023-10-04", presented_to_director: true}\n'
)


def test_adding_a_passing_and_a_failing_case_saves_revisions_and_shows_results(client, draft, fern):
    client.force_login(fern)
    before = len(cases(draft))
    response = client.post(
        cases_url(draft), case_post(draft, name="three presented", records=THREE_PRESENTED, expect="0.5")
    )
    assert response.status_code == 302
    saved = cases(draft)
    assert len(saved) == before + 1
    assert saved[-1] == {
        "name": "three presented",
        "records": {
            "followups": [
                {"date": "2023-10-02", "presented_to_director": True},
                {"date": "2023-10-03", "presented_to_director": True},
                {"date": "2023-10-04", "presented_to_director": True},
            ]
        },
        "expect": 0.5,
    }
    revision = FrameworkDraft.objects.get(pk=draft.pk).current_revision()
    assert LINE in revision.summary and "1.1.2" in revision.summary
    assert revision.author == fern

    # a case the line does not meet: shown failing, with the line's explanation
    response = client.post(
        cases_url(draft), case_post(draft, name="wrongly expected", records=THREE_PRESENTED, expect="0", round="R12")
    )
    assert response.status_code == 302
    assert cases(draft)[-1]["round"] == "R12"
    page = client.get(line_url(draft)).content.decode()
    assert f"{before + 1}/{before + 2}" in page  # every case passes except the new one
    assert f"tests[{before + 1}] (wrongly expected), R12: expected 0, got 0.5" in page
    assert "✓" in page


def test_editing_a_case_changes_only_it(client, draft, fern):
    client.force_login(fern)
    original = cases(draft)
    response = client.post(
        cases_url(draft),
        case_post(draft, index="1", name="one presented, 40 staff", records="followups: [{date: '2023-10-02'}]",
                  staff_count="40", sections="s1, s2", expect="0"),
    )  # fmt: skip
    assert response.status_code == 302
    saved = cases(draft)
    assert saved[0] == original[0]
    assert saved[1] == {
        "name": "one presented, 40 staff",
        "staff_count": 40,
        "sections": ["s1", "s2"],
        "records": {"followups": [{"date": "2023-10-02"}]},
        "expect": 0,
    }
    assert "tests[1] one presented, 40 staff" in client.get(line_url(draft)).content.decode()


def test_the_line_page_prefills_each_case_and_shows_an_example_with_the_items_facts(client, draft, fern):
    client.force_login(fern)
    body = client.get(line_url(draft)).content.decode()
    assert "two follow-ups, both presented" in body
    assert "presented_to_director: true" in body  # the first case's records, as YAML
    assert "followups:\n  - {date: &quot;2023-08-01&quot;, presented_to_director: true}" in body
    assert body.count('name="index"') == len(cases(draft)) + 1  # one form per case and a new one


def test_removing_a_case(client, draft, fern):
    client.force_login(fern)
    original = cases(draft)
    response = client.post(
        cases_url(draft), {"base": draft.current_revision().number, "index": "0", "action": "remove"}
    )
    assert response.status_code == 302
    assert cases(draft) == original[1:]
    summary = FrameworkDraft.objects.get(pk=draft.pk).current_revision().summary
    assert LINE in summary and "ลบกรณีทดสอบที่ 0" in summary


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("records", "followups: [{date: 2023-10-02", "ไม่ใช่ YAML"),
        ("records", "- just a list", "ชื่อข้อมูล"),
        ("expect", "half", "ตัวเลข"),
        ("round", "R9", "R9"),
        ("staff_count", "many", "ตัวเลข"),
    ],
)
def test_bad_input_is_refused_at_its_field_with_the_text_kept(client, draft, fern, field, value, message):
    client.force_login(fern)
    before = draft.current_revision().number
    typed = {"name": "my new case", "records": "followups: []", field: value}
    response = client.post(cases_url(draft), case_post(draft, **typed))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "has-error" in body
    if field != "round":
        assert value.replace("'", "&#x27;") in body
    assert "my new case" in body
    assert FrameworkDraft.objects.get(pk=draft.pk).current_revision().number == before


def test_a_record_only_the_loader_refuses_is_saved_and_shown_as_a_problem(client, draft, fern):
    client.force_login(fern)
    response = client.post(
        cases_url(draft), case_post(draft, records="followups: [{date: '2023-13-01'}]\nnotafact: []", expect="0")
    )
    assert response.status_code == 302
    assert cases(draft)[-1]["records"]["followups"] == [{"date": "2023-13-01"}]
    body = client.get(line_url(draft)).content.decode()
    assert "is not a date" in body
    assert "notafact" in body


def test_a_published_draft_refuses_changes(client, draft, fern):
    client.force_login(fern)
    FrameworkDraft.objects.filter(pk=draft.pk).update(state=FrameworkDraft.State.PUBLISHED)
    response = client.post(cases_url(draft), case_post(draft, expect="0"))
    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in(client, draft):
    response = client.post(cases_url(draft), case_post(draft))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("username", ["alice", "eve", "xena"])
def test_unit_people_evaluators_and_executives_are_refused(client, world, draft, username):
    client.force_login(getattr(world, username))
    before = cases(draft)
    assert client.post(cases_url(draft), case_post(draft, expect="0")).status_code == 403
    assert cases(draft) == before


def test_an_administrator_and_a_framework_editor_may(client, world, draft, fern):
    for user in (world.adam, fern):
        client.force_login(user)
        assert client.get(line_url(draft)).status_code == 200
        count = len(cases(draft))
        assert client.post(cases_url(draft), case_post(draft, expect="1")).status_code == 302
        assert len(cases(draft)) == count + 1
