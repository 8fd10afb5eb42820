"""Carry-over: a unit copies chosen records of last year (FY2567) into its new year (FY2570) as
new dated records that say where they came from, with their evidence copied through storage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pramern.assessments.carryover import CarryOverError, CarryPick, carry_over
from pramern.assessments.models import Assessment, Evidence, Record
from pramern.assessments.opening import ScheduleDates, open_year
from pramern.assessments.services import add_file_evidence, add_link_evidence
from pramern.audit.models import AuditEntry
from tests.assessments.newyear import install_next_year
from tests.factories import page_queries, record

PDF = b"%PDF-1.4\n% last year's measure\n%%EOF"


def open_next_year(world, **options):
    """FY2570 (``options``: see ``next_year_text``) opened for units A and B; returns A's new assessment."""
    framework = install_next_year(**options)
    schedules = {"R6": ScheduleDates(None, dt.date(2027, 3, 15)), "R12": ScheduleDates(None, dt.date(2027, 8, 31))}
    counts = {world.unit_a.pk: {"R6": 40}, world.unit_b.pk: {"R6": 40}}
    open_year(framework, [world.unit_a, world.unit_b], counts, schedules, world.adam)
    return Assessment.objects.get(unit=world.unit_a, framework=framework)


@pytest.fixture
def last_year(world):
    """Unit A's FY2567: the 1.2.1 measure (a file and a link) and a 1.2.2 follow-up."""
    measure = record(
        world.a, "1.2.1", "measure", "2024-01-10", not_duplicate=True, signed_or_presented=True, published=True
    )
    measure.title = "มาตรการลดผลกระทบต่อสังคม"
    measure.save()
    add_file_evidence(world.a, SimpleUploadedFile("measure.pdf", PDF), user=world.alice, records=[measure])
    add_link_evidence(world.a, "https://oae.go.th/measure", user=world.alice, records=[measure])
    followup = record(world.a, "1.2.2", "followups", "2024-02-10", presented_to_director=True)
    return {"measure": measure, "followup": followup}


def url(assessment):
    return f"/a/{assessment.pk}/carry-over/"


def test_the_unit_copies_a_chosen_record_with_its_evidence_and_provenance(client, world, last_year):
    new = open_next_year(world)
    measure = last_year["measure"]
    client.force_login(world.alice)
    page = client.get(url(new))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'name="pick_{measure.pk}"' in text and f'name="pick_{last_year["followup"].pk}"' in text
    today = timezone.localdate()
    assert f'value="{today:%d/%m/}{today.year + 543}"' in text  # today by default, Buddhist era
    response = client.post(
        url(new), {f"pick_{measure.pk}": "on", f"date_{measure.pk}": "10/11/2569", f"evidence_{measure.pk}": "on"}
    )
    assert response.status_code == 302
    copy = Record.objects.get(assessment=new)  # only the ticked record
    assert (copy.item_code, copy.fact, copy.date) == ("1.2.1", "measure", dt.date(2026, 11, 10))
    assert copy.copied_from == measure and copy.data == measure.data and copy.title == measure.title
    assert copy.created_by == world.alice
    # the evidence: the file copied into storage under a new name, the link recreated
    file, link = copy.evidence.get(kind="file"), copy.evidence.get(kind="link")
    original = measure.evidence.get(kind="file")
    assert file.assessment == new and file.pk != original.pk and file.file.name != original.file.name
    with file.file.open("rb") as stored:
        assert file.sha256 == original.sha256 and stored.read() == PDF
    assert link.assessment == new and link.url == "https://oae.go.th/measure"
    assert measure.evidence.count() == 2 and original.assessment == world.a  # last year's stays as it was
    # it says where it came from, and counts by this year's rules
    item = client.get(f"/a/{new.pk}/items/1.2.1/").content.decode()
    assert "คัดลอกจาก ปี 2567 ข้อ 1.2.1" in item
    client.force_login(world.eve)  # the evaluator judging it sees it too
    assert "คัดลอกจาก ปี 2567 ข้อ 1.2.1" in client.get(f"/review/a/{new.pk}/R6/items/1.2.1/").content.decode()
    client.force_login(world.alice)
    entry = AuditEntry.objects.get(action="pramern.record.copied")
    assert entry.actor == world.alice and entry.assessment_id == new.pk and entry.item_code == "1.2.1"
    assert entry.data["from"]["record"] == measure.pk and entry.data["from"]["framework"] == "oae-2567@1"
    assert {e["kind"] for e in entry.data["evidence"]} == {"file", "link"}
    # copied once: the page says so, and a second copy is refused
    assert "คัดลอกแล้ว" in client.get(url(new)).content.decode()
    with pytest.raises(CarryOverError) as again:
        carry_over(new, [CarryPick(measure.pk, dt.date(2026, 11, 11))], user=world.alice)
    assert "คัดลอกไปแล้ว" in " ".join(again.value.problems)


def test_a_record_copied_without_its_evidence_brings_none(world, last_year):
    new = open_next_year(world)
    [copy] = carry_over(new, [CarryPick(last_year["measure"].pk, dt.date(2026, 11, 10), False)], user=world.alice)
    assert copy.evidence.count() == 0 and not Evidence.objects.filter(assessment=new).exists()


def test_a_copy_dated_outside_the_new_year_is_refused_and_the_form_keeps_what_was_typed(client, world, last_year):
    new = open_next_year(world)
    measure = last_year["measure"]
    client.force_login(world.dan)
    response = client.post(url(new), {f"pick_{measure.pk}": "on", f"date_{measure.pk}": "10/01/2567"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "ต้องลงวันที่ภายในปีนี้" in text and "1 ส.ค. 2569 – 31 ก.ค. 2570" in text
    assert 'value="10/01/2567"' in text
    assert not Record.objects.filter(assessment=new).exists()
    assert not AuditEntry.objects.filter(action="pramern.record.copied").exists()


def test_nothing_ticked_is_said(client, world, last_year):
    new = open_next_year(world)
    client.force_login(world.alice)
    response = client.post(url(new), {})
    assert response.status_code == 400 and "เลือกบันทึกที่จะคัดลอก" in response.content.decode()


def test_only_the_units_own_people_copy(client, world, last_year):
    new = open_next_year(world)
    assert client.get(url(new)).status_code == 302  # anonymous: to the login page
    client.force_login(world.bob)  # another unit's officer
    assert client.get(url(new)).status_code == 404
    measure = last_year["measure"]
    data = {f"pick_{measure.pk}": "on", f"date_{measure.pk}": "10/11/2569"}
    assert client.post(url(new), data).status_code == 404
    client.force_login(world.eve)  # sees every unit, changes none
    assert client.get(url(new)).status_code == 403
    client.force_login(world.dan)
    assert client.get(url(new)).status_code == 200
    assert not Record.objects.filter(assessment=new).exists()
    # bob's own new year cannot take unit A's records either
    bobs = Assessment.objects.get(unit=world.unit_b, framework=new.framework)
    with pytest.raises(CarryOverError):
        carry_over(bobs, [CarryPick(measure.pk, dt.date(2026, 11, 10))], user=world.bob)


def test_an_item_with_no_successor_is_listed_as_not_transferable(client, world, last_year):
    new = open_next_year(world, renumber={"1.2.1": "1.2.4"})  # no mapping: 1.2.1 continues nothing
    client.force_login(world.alice)
    text = client.get(url(new)).content.decode()
    assert f'name="pick_{last_year["measure"].pk}"' not in text and "โอนไม่ได้" in text
    with pytest.raises(CarryOverError) as refused:
        carry_over(new, [CarryPick(last_year["measure"].pk, dt.date(2026, 11, 10))], user=world.alice)
    assert "ไม่มีข้อหรือข้อมูลที่สืบต่อ" in " ".join(refused.value.problems)


def test_a_renumbered_item_is_followed_through_the_new_frameworks_mapping(client, world, last_year):
    previous = {"code": "oae-2567", "version": "1", "items": {"1.2.1": "1.2.4"}}
    new = open_next_year(world, renumber={"1.2.1": "1.2.4"}, previous=previous)
    measure = last_year["measure"]
    client.force_login(world.alice)
    text = client.get(url(new)).content.decode()
    assert f'name="pick_{measure.pk}"' in text and "ข้อ 1.2.4 ของปีนี้" in text
    response = client.post(url(new), {f"pick_{measure.pk}": "on", f"date_{measure.pk}": "10/11/2569"})
    assert response.status_code == 302
    copy = Record.objects.get(assessment=new)
    assert (copy.item_code, copy.fact, copy.copied_from) == ("1.2.4", "measure", measure)
    assert "คัดลอกจาก ปี 2567 ข้อ 1.2.1" in client.get(f"/a/{new.pk}/items/1.2.4/").content.decode()


def test_the_carry_over_page_reads_a_fixed_number_of_queries(client, world, last_year):
    new = open_next_year(world)
    client.force_login(world.alice)
    page_queries(client, url(new))  # warm the compiled frameworks
    few = page_queries(client, url(new))
    for day in range(1, 16):
        rec = record(world.a, "1.2.2", "followups", f"2024-03-{day:02d}", presented_to_director=True)
        link = Evidence.objects.create(
            assessment=world.a, kind="link", url=f"https://oae.go.th/{day}", uploaded_by=world.alice
        )
        link.records.add(rec)  # last year is read-only now: written as it was then
    assert page_queries(client, url(new)) == few
    # 1 session, 2 user, 3 roles, 4 assessment+unit+framework, 5 last year's assessment,
    # 6 its records, 7 their evidence links, 8 the copies made already, 9 the bell's unread count (the header)
    assert few == 9
