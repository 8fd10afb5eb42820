"""A section that records use keeps its code and cannot be deleted, on every path; a record that
names a missing section never makes a page fail (security review, issue 8, finding 8)."""

from __future__ import annotations

import pytest
from django.db import transaction

from pramern.assessments.sections import SectionInUse
from pramern.organizations.models import Section
from tests.factories import record


@pytest.fixture
def used(world):
    """Section s1 of unit A is used by two records; s3 by none."""
    record(world.a, "6.1", "flowcharts", "2024-03-02", section="s1", task="งานสารบรรณ", meets_standard=True)
    record(world.a, "7.2", "section_meetings", "2023-09-04", section="s1", minutes_presented=True)
    return world.unit_a.sections.get(code="s1")


def pages_still_work(client, world):
    client.force_login(world.alice)
    for url in (f"/a/{world.a.pk}/", f"/a/{world.a.pk}/items/6.1/", f"/a/{world.a.pk}/items/7.2/"):
        assert client.get(url).status_code == 200, url


def test_the_admin_keeps_a_used_sections_code_and_lets_its_name_change(admin_client, client, world, used):
    url = f"/admin/organizations/section/{used.pk}/change/"
    assert "ส่วน s1 ถูกใช้ในบันทึก 2 รายการ จึงเปลี่ยนรหัสหรือลบไม่ได้ (เปลี่ยนชื่อได้)" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"unit": world.unit_a.pk, "code": "farm", "name_th": "ส่วนฟาร์ม", "position": 1})
    assert response.status_code == 302
    used.refresh_from_db()
    assert (used.code, used.name_th) == ("s1", "ส่วนฟาร์ม")
    pages_still_work(client, world)


def unit_form(world, sections, **change):
    data = {
        "code": world.unit_a.code,
        "name_th": world.unit_a.name_th,
        "name_en": "",
        "short_name": "",
        "kind": world.unit_a.kind,
        "region": "",
        "is_active": "on",
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
    }
    for n, section in enumerate(sections):
        data.update(
            {
                f"sections-{n}-id": section.pk,
                f"sections-{n}-unit": world.unit_a.pk,
                f"sections-{n}-code": section.code,
                f"sections-{n}-name_th": section.name_th,
                f"sections-{n}-position": section.position,
            }
        )
    data.update(change)
    return data


def test_the_unit_page_keeps_a_used_code_and_refuses_deleting_a_used_section(admin_client, client, world, used):
    url = f"/admin/organizations/unit/{world.unit_a.pk}/change/"
    sections = list(world.unit_a.sections.all())
    assert admin_client.post(url, unit_form(world, sections, **{"sections-0-code": "farm"})).status_code == 302
    assert set(world.unit_a.sections.values_list("code", flat=True)) == {"s1", "s2", "s3"}
    response = admin_client.post(url, unit_form(world, sections, **{"sections-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "ส่วน s1 ถูกใช้ในบันทึก 2 รายการ" in response.content.decode()
    assert world.unit_a.sections.filter(code="s1").exists()
    assert admin_client.post(url, unit_form(world, sections, **{"sections-2-DELETE": "on"})).status_code == 302
    assert not world.unit_a.sections.filter(code="s3").exists()  # an unused section may go
    pages_still_work(client, world)


def test_the_admin_refuses_deleting_a_used_section_with_the_count(admin_client, world, used):
    response = admin_client.post(f"/admin/organizations/section/{used.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "ส่วน s1 ถูกใช้ในบันทึก 2 รายการ" in response.content.decode()
    response = admin_client.post(
        "/admin/organizations/section/", {"action": "delete_selected", "_selected_action": [used.pk], "post": "yes"}
    )
    assert "ส่วน s1 ถูกใช้ในบันทึก 2 รายการ" in response.content.decode()
    assert Section.objects.filter(pk=used.pk).exists()


def test_every_other_path_refuses_too(world, used):
    with pytest.raises(SectionInUse, match="ส่วน s1 ถูกใช้ในบันทึก 2 รายการ"), transaction.atomic():
        used.delete()
    with pytest.raises(SectionInUse), transaction.atomic():
        Section.objects.filter(unit=world.unit_a).delete()
    used.code = "farm"
    with pytest.raises(SectionInUse):
        used.save()
    used.refresh_from_db()
    used.name_th = "ส่วนใหม่"
    used.save()  # the name may change
    world.unit_a.sections.get(code="s3").delete()  # an unused section may go
    assert set(world.unit_a.sections.values_list("code", flat=True)) == {"s1", "s2"}


def test_a_record_naming_a_missing_section_needs_attention_instead_of_a_500(client, world, used):
    Section.objects.filter(pk=used.pk).update(code="farm")  # a bulk update bypasses every guard
    client.force_login(world.alice)
    for url in (f"/a/{world.a.pk}/", f"/a/{world.a.pk}/items/6.1/", f"/a/{world.a.pk}/next/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "บันทึกที่เก็บไว้ 2 รายการต้องแก้ไข" in response.content.decode()
        assert "&#x27;s1&#x27; is not one of the unit&#x27;s sections" in response.content.decode()
    client.force_login(world.eve)
    assert client.get(f"/review/a/{world.a.pk}/R12/items/6.1/").status_code == 200


def test_the_unit_page_counts_section_use_once_however_many_sections(admin_client, world, used):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/admin/organizations/unit/{world.unit_a.pk}/change/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    queries()  # the first request of a process also fills its caches (compiled framework, content types)
    before = queries()
    for n in range(5):
        Section.objects.create(unit=world.unit_a, code=f"extra{n}", name_th=f"ส่วนเพิ่ม {n}", position=10 + n)
    assert queries() == before  # one count of the unit's records by section, not one per row
