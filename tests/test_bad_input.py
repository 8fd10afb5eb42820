"""Bad input is a 400 or a Thai form error that keeps what was typed, never a server error.

Each test is one of the review's findings (issue 8, finding 12) or a 500 the fuzz test
(tests/test_no_server_errors.py) found; the NUL-byte ones were 500s on PostgreSQL (psycopg
refuses NUL in text) and stored the NUL on SQLite.
"""

from __future__ import annotations

import pytest

from pramern.assessments.models import Assessment
from pramern.frameworks.models import Framework
from pramern.organizations.models import Section
from pramern.review.models import Comment, DeadlineExtension, Override, Verdict
from pramern.review.services import transition
from tests.factories import record

NUL_MESSAGE = "อักขระ NUL"


@pytest.fixture
def in_review(world):
    """Unit A's R12 under review, with a follow-up of 1.2.2 and a judgement (6.3)."""
    followup = record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    manual = record(world.a, "6.3", "manual", "2024-02-01", claimed=4)
    transition(world.a, "R12", "submit", user=world.dan)
    transition(world.a, "R12", "start_review", user=world.eve)
    return followup, manual


def review_item(world, code="1.2.2"):
    return f"/review/a/{world.a.pk}/R12/items/{code}/"


# --------------------------------------------------------------------------- query strings


@pytest.mark.parametrize("query", ["region=²", "region=%00", "region=-1", "round=R99", "kind=%00"])
def test_dashboard_filters_it_does_not_offer_are_a_thai_400(client, world, query):
    client.force_login(world.xena)
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "ค่าที่หน้านี้ไม่มีให้เลือก" in page and "ออกจากระบบ" in page  # the site around it, logged in


def test_dashboard_filters_it_offers_still_work(client, world):
    client.force_login(world.xena)
    assert client.get("/dashboard/?region=3&kind=regional&round=R6").status_code == 200
    assert client.get("/dashboard/?region=").status_code == 200


@pytest.mark.parametrize("query", ["dimension=%00", "dimension=99", "state=%00"])
def test_review_queue_filters_it_does_not_offer_are_a_400(client, world, query):
    client.force_login(world.eve)
    assert client.get(f"/review/?{query}").status_code == 400


def test_a_nul_byte_in_a_code_in_the_address_is_a_404(client, world):
    client.force_login(world.alice)
    assert client.get("/frameworks/%00/1/").status_code == 404
    assert client.get(f"/frameworks/{world.framework.code}/{world.framework.version}/").status_code == 200
    assert client.get(f"/a/{world.a.pk}/items/1.2%00/").status_code == 404


# --------------------------------------------------------------------------- the review item page


@pytest.mark.parametrize("record_id", ["abc", "", "²", "1.5"])
def test_a_verdict_for_a_record_that_is_no_record_id_is_a_form_error(client, world, in_review, record_id):
    client.force_login(world.eve)
    data = {"kind": "verdict", "record": record_id, "status": "rejected", "reason": "ไฟล์ไม่ชัด"}
    response = client.post(review_item(world), data)
    assert response.status_code == 400
    assert 'role="alert">รายการ' in response.content.decode()  # the message names the field, in Thai
    assert not Verdict.objects.exists()


def test_a_verdict_for_a_record_id_past_the_largest_number_is_a_404(client, world, in_review):
    client.force_login(world.eve)
    data = {"kind": "verdict", "record": "99999999999999999999", "status": "rejected", "reason": "ไฟล์ไม่ชัด"}
    assert client.post(review_item(world), data).status_code == 404  # a whole number, but no record has it
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("points", ["NaN", "-NaN", "sNaN", "Infinity", "-inf"])
def test_override_points_that_are_no_number_are_a_form_error_keeping_the_reason(client, world, in_review, points):
    client.force_login(world.eve)
    response = client.post(review_item(world), {"kind": "override", "points": points, "reason": "หลักฐานไม่ครบ"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "กรุณากรอกตัวเลข" in page
    assert f'name="points" size="5" value="{points}"' in page and 'value="หลักฐานไม่ครบ"' in page
    assert not Override.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "sNaN"])
def test_a_verified_value_that_is_no_number_is_a_form_error_keeping_it(client, world, in_review, value):
    _followup, manual = in_review
    client.force_login(world.eve)
    response = client.post(review_item(world, "6.3"), {"kind": "value", "record": manual.pk, "value": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "กรุณากรอกตัวเลข" in page and f'name="value" size="5" value="{value}"' in page
    manual.refresh_from_db()
    assert "verified" not in manual.data


def test_a_nul_byte_in_a_verdict_reason_is_a_form_error_keeping_the_rest(client, world, in_review):
    followup, _manual = in_review
    client.force_login(world.eve)
    data = {"kind": "verdict", "record": followup.pk, "status": "rejected", "reason": "ไฟล์\x00ไม่ชัด"}
    response = client.post(review_item(world), data)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert not Verdict.objects.exists()


def test_a_nul_byte_in_an_override_reason_is_a_form_error(client, world, in_review):
    client.force_login(world.eve)
    response = client.post(review_item(world), {"kind": "override", "points": "1", "reason": "x\x00"})
    assert response.status_code == 400 and NUL_MESSAGE in response.content.decode()
    assert not Override.objects.exists()


def test_a_nul_byte_in_a_comment_is_a_form_error_keeping_the_comment(client, world, in_review):
    client.force_login(world.eve)
    response = client.post(review_item(world), {"kind": "comment", "body": "ขอเอกสาร\x00เพิ่ม"})
    assert response.status_code == 400
    page = response.content.decode()
    assert NUL_MESSAGE in page and "ขอเอกสาร" in page.split('id="comment-body"')[1].split("</textarea>")[0]
    client.force_login(world.alice)
    response = client.post(f"/a/{world.a.pk}/items/1.2.2/comments/", {"kind": "comment", "body": "แนบแล้ว\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert NUL_MESSAGE in page and "แนบแล้ว" in page.split('id="comment-body"')[1].split("</textarea>")[0]
    assert not Comment.objects.exists()


# --------------------------------------------------------------------------- the unit round page


def test_a_nul_byte_in_a_return_reason_is_a_form_error_keeping_it(client, world, in_review):
    client.force_login(world.eve)
    url = f"/review/a/{world.a.pk}/R12/step/return/"
    response = client.post(url, {"reason": "แก้ไข\x00ข้อ 1.2.2", "confirm": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    assert NUL_MESSAGE in page and "แก้ไข" in page.split('name="reason"')[1].split("</textarea>")[0]
    assert world.a.unit_rounds.get(round_code="R12").state == "in_review"


@pytest.mark.parametrize(
    ("extend_to", "reason"), [("01/01/2570", "ขอขยาย\x00"), ("๐๑/๐๑/๒๕๗๐\x00", "ขอขยาย"), ("²/01/2570", "ขอขยาย")]
)
def test_junk_in_a_deadline_extension_is_a_form_error_keeping_it(client, world, extend_to, reason):
    client.force_login(world.eve)
    response = client.post(f"/review/a/{world.a.pk}/R12/", {"extend_to": extend_to, "reason": reason})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ขอขยาย" in page.split('name="reason" required size="40" value="')[-1]
    assert not DeadlineExtension.objects.exists()


# --------------------------------------------------------------------------- the admin site


@pytest.fixture
def superuser(world):
    world.adam.is_staff = world.adam.is_superuser = True
    world.adam.save()
    return world.adam


def test_frameworks_cannot_be_added_in_the_admin(client, world, superuser):
    """Every field of a framework is read-only there: an added one was an empty row (a 500)."""
    client.force_login(superuser)
    assert client.post("/admin/frameworks/framework/add/", {"_save": "1"}).status_code == 403
    assert Framework.objects.count() == 1


def test_a_unit_that_is_no_id_in_the_admin_is_a_form_error(client, world, superuser):
    client.force_login(superuser)
    data = {"unit": "²", "code": "s9", "name_th": "ส่วนที่ 9", "position": "1"}
    response = client.post("/admin/organizations/section/add/", data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Section.objects.filter(code="s9").exists()


@pytest.mark.parametrize("counts", ["NaN", '{"R6": NaN}', '{"R6": Infinity, "R12": 40}'])
def test_staff_counts_that_are_not_json_numbers_are_a_form_error(client, world, superuser, counts):
    client.force_login(superuser)
    data = {"unit": world.unit_a.pk, "framework": world.framework.pk, "staff_counts": counts}
    response = client.post(f"/admin/assessments/assessment/{world.a.pk}/change/", data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert Assessment.objects.get(pk=world.a.pk).staff_counts == {"R6": 40, "R12": 40}
