"""Recording work on an item: Buddhist-era dates, the item's own fields, recompute, history."""

from __future__ import annotations

import datetime as dt

import pytest

from pramern.assessments.forms import parse_thai_date
from pramern.assessments.models import Record
from pramern.audit.models import AuditEntry
from tests.factories import record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/07/2567", dt.date(2024, 7, 25)),
        ("25/7/67", dt.date(2024, 7, 25)),
        ("2567-07-25", dt.date(2024, 7, 25)),
        ("25 ก.ค. 2567", dt.date(2024, 7, 25)),
        ("25 กรกฎาคม 2567", dt.date(2024, 7, 25)),
        ("25/07/2024", dt.date(2024, 7, 25)),
        ("2024-07-25", dt.date(2024, 7, 25)),
        ("29/02/2567", dt.date(2024, 2, 29)),
        ("30/02/2567", None),
        ("25 ก.ย 2566", dt.date(2023, 9, 25)),
        ("yesterday", None),
    ],
)
def test_dates_are_typed_in_the_buddhist_era_and_stored_in_ce(text, expected):
    assert parse_thai_date(text) == expected


def item_url(world, code="1.2.2"):
    return f"/a/{world.a.pk}/items/{code}/"


def test_adding_follow_ups_recomputes_the_item_without_a_reload(client, world):
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/items/1.2.2/records/followups/new/"
    first = client.post(
        url, {"followups-date": "15/03/2567", "followups-presented_to_director": "on"}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200
    assert "<html" not in first.content.decode()  # a fragment for htmx, not a page
    assert 'data-round="R12">1</strong>' in first.content.decode()
    second = client.post(
        url,
        {"followups-date": "20 พ.ค. 2567", "followups-presented_to_director": "on", "followups-title": "ติดตามครั้งที่ 2"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-round="R12">2</strong>' in second.content.decode()
    saved = list(Record.objects.filter(assessment=world.a).order_by("date").values_list("date", "data", "created_by"))
    assert saved == [
        (dt.date(2024, 3, 15), {"presented_to_director": True}, world.alice.pk),
        (dt.date(2024, 5, 20), {"presented_to_director": True}, world.alice.pk),
    ]
    home = client.get(f"/a/{world.a.pk}/").content.decode()
    assert '<span class="total" data-round="R12">2</span>' in home


def test_without_javascript_a_post_redirects_back_to_the_item(client, world):
    client.force_login(world.alice)
    response = client.post(f"/a/{world.a.pk}/items/1.2.2/records/followups/new/", {"followups-date": "15/03/2567"})
    assert response.status_code == 302
    made = Record.objects.get()
    assert response["Location"] == f"{item_url(world)}#record-{made.pk}"  # the new record, in view


def test_a_form_with_errors_keeps_what_was_typed(client, world):
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/items/5.1/records/respondents/new/",
        {"respondents-date": "31/02/2567", "respondents-value": "12", "respondents-title": "รายงานจากส่วนเทคโนโลยีฯ"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "25/07/2567" in page  # the message says how to write a date
    assert 'value="31/02/2567"' in page and 'value="12"' in page and 'value="รายงานจากส่วนเทคโนโลยีฯ"' in page
    assert not Record.objects.exists()


def test_a_date_outside_the_assessment_year_is_refused_at_the_date_field(client, world):
    client.force_login(world.alice)
    url = f"/a/{world.a.pk}/items/1.2.2/records/followups/new/"
    response = client.post(url, {"followups-date": "15/03/2570", "followups-title": "ติดตามครั้งที่ 1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "15 มี.ค. 2570 อยู่นอกปีการประเมิน (1 ส.ค. 2566 – 31 ก.ค. 2567)" in page
    assert 'value="15/03/2570"' in page and 'value="ติดตามครั้งที่ 1"' in page
    assert not Record.objects.exists()
    assert client.post(url, {"followups-date": "15/03/2024"}).status_code == 302  # a CE year is understood
    assert Record.objects.get().date == dt.date(2024, 3, 15)


def test_a_refused_change_is_shown_at_the_form_that_made_it(client, world, settings):
    from pramern.review.services import transition

    transition(world.a, "R6", "submit", user=world.dan)  # R6's records are read-only now
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/items/1.2.2/records/followups/new/", {"followups-date": "15/01/2567"}, HTTP_HX_REQUEST="true"
    )
    form = response.content.decode().split('class="record-form"')[1].split("</form>")[0]
    assert 'class="banner error"' in form and 'value="15/01/2567"' in form


def test_rules_across_records_are_checked_with_a_clear_message(client, world):
    record(world.a, "5.1", "respondents", "2024-06-30", value=30)
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/items/5.1/records/respondents/new/",
        {"respondents-date": "31/07/2567", "respondents-value": "20"},
    )
    assert response.status_code == 400
    assert "this count only grows" in response.content.decode()
    assert 'value="20"' in response.content.decode()
    assert Record.objects.count() == 1


def test_every_fact_type_has_a_working_form(client, world):
    client.force_login(world.alice)
    posts = [
        ("2.3", "agreements", {"agreements-date": "01/11/2566", "agreements-level": "director_to_staff"}),
        (
            "3.1",
            "complaint_summaries",
            {"complaint_summaries-date": "31/08/2566", "complaint_summaries-covers": "2023-08"},
        ),
        (
            "6.1",
            "flowcharts",
            {
                "flowcharts-date": "01/12/2566",
                "flowcharts-section": "s1",
                "flowcharts-task": "งานสารบรรณ",
                "flowcharts-meets_standard": "on",
            },
        ),
        ("6.3", "manual", {"manual-date": "01/02/2567", "manual-claimed": "3.5"}),
        (
            "7.3",
            "applications",
            {
                "applications-date": "25/01/2567",
                "applications-option": "report_based",
                "applications-related_to_mission": "on",
            },
        ),
        ("4.2.4", "developed_staff", {"developed_staff-date": "30/06/2567", "developed_staff-value": "32"}),
    ]
    for code, fact, data in posts:
        response = client.post(f"/a/{world.a.pk}/items/{code}/records/{fact}/new/", data)
        assert response.status_code == 302, (code, response.content.decode()[-2000:])
    data = {r.item_code: r.data for r in Record.objects.all()}
    assert data["7.3"] == {"related_to_mission": True, "option": "report_based"}
    assert data["6.3"] == {"claimed": 3.5}
    assert data["3.1"] == {"covers": "2023-08"}
    assert data["6.1"] == {"section": "s1", "task": "งานสารบรรณ", "meets_standard": True}
    page = client.get(item_url(world, "7.3")).content.decode()
    assert 'data-round="R12">8</strong>' in page


def test_editing_and_deleting_are_logged_with_before_and_after(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    client.force_login(world.alice)
    edit = f"/a/{world.a.pk}/records/{rec.pk}/edit/"
    assert 'value="15/03/2567"' in client.get(edit).content.decode()
    assert (
        client.post(edit, {"followups-date": "16/03/2567", "followups-presented_to_director": "on"}).status_code == 302
    )
    assert client.post(f"/a/{world.a.pk}/records/{rec.pk}/delete/").status_code == 302
    entries = list(AuditEntry.objects.for_item(world.a.pk, "1.2.2"))
    assert [e.action for e in entries] == ["pramern.record.deleted", "pramern.record.changed"]
    changed = entries[1]
    assert changed.actor == world.alice
    assert changed.data["before"]["date"] == "2024-03-15" and changed.data["before"]["data"] == {}
    assert changed.data["after"]["date"] == "2024-03-16" and changed.data["after"]["data"] == {
        "presented_to_director": True
    }
    history = client.get(item_url(world)).content.decode()
    assert "อลิส ใจดี (alice) — ลบรายการ (16 มี.ค. 2567)" in history
    assert "อลิส ใจดี (alice) — แก้ไขรายการ (16 มี.ค. 2567)" in history


def test_unknown_items_and_facts_are_404(client, world):
    client.force_login(world.alice)
    assert client.get(f"/a/{world.a.pk}/items/9.9/").status_code == 404
    assert client.post(f"/a/{world.a.pk}/items/1.2.2/records/nothing/new/", {}).status_code == 404
