"""Huge numbers, NaN and counts of staff above the staff count, on the web (security review,
issue 8, findings 1 and 12): refused on import and in the record forms with a Thai message that
keeps what was typed, and stored data that no longer validates never hangs or 500s a page."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from pramern.assessments.models import Record
from tests.factories import record

IMPORT = """format: pramern-assessment/1
framework: {code: oae-2567, version: "1"}
unit: {code: oae-bapp, name_th: สำนักวิจัยเศรษฐกิจการเกษตร}
staff_count: 20
items:
  "5.1":
    respondents: [{date: "2024-01-10", value: %s}]
"""


def post_import(client, world, name, text):
    client.force_login(world.alice)
    world.framework.compiled()  # parsed once per process: not part of what is timed
    started = time.perf_counter()
    response = client.post(f"/a/{world.a.pk}/import/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))})
    return response, time.perf_counter() - started


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"1e10000000"', "respondents[0].value: expected a number, got &#x27;1e10000000&#x27; (an exponent larger"),
        (".nan", "respondents[0].value: expected a number, got nan (expected a finite number)"),
        ("21", "respondents[0].value: 21 is more than the unit&#x27;s staff in R6 (20)"),
    ],
)
def test_an_import_with_a_huge_nan_or_over_staff_number_is_refused_quickly(client, world, value, problem):
    response, elapsed = post_import(client, world, "unit.yaml", IMPORT % value)
    assert response.status_code == 400
    assert problem in response.content.decode()
    # a bound on a hang, not a speed: turning 1e10000000 into a number would take minutes, and
    # the machine running the suite may be busy (the framework's own load is in this time too)
    assert elapsed < 10.0
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("digits.json", '{"format": "pramern-assessment/1", "staff_count": ' + "9" * 5000 + "}",
         "not accepted JSON: a number with thousands of digits"),
        ("digits.yaml", IMPORT % ("9" * 5000), "not accepted YAML: a number with thousands of digits"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "lists and mappings nested more than 32 deep"),
        ("deep.yaml", "items: " + "[" * 40 + "]" * 40, "lists and mappings nested more than 32 deep"),
    ],
)  # fmt: skip
def test_huge_integers_and_deep_nesting_in_an_import_are_form_errors_not_500s(client, world, name, text, problem):
    response, _elapsed = post_import(client, world, name, text)
    assert response.status_code == 400
    assert problem in response.content.decode()


def make_bad_records(world):
    """Records stored before the checks existed: the unit has 20 staff now."""
    world.a.staff_counts = {"R6": 20, "R12": 20}
    world.a.save()
    huge = record(world.a, "5.1", "respondents", "2024-01-10", value="1e10000000")
    over = record(world.a, "4.2.4", "developed_staff", "2024-06-30", value=21)
    fine = record(world.a, "1.2.2", "followups", "2023-11-20", presented_to_director=True)
    return huge, over, fine


def test_stored_records_that_no_longer_validate_never_hang_or_500_a_page(client, world):
    huge, over, _fine = make_bad_records(world)
    world.framework.compiled()  # parsed once per process: not part of what is timed
    pages = {
        world.alice: [
            f"/a/{world.a.pk}/",
            f"/a/{world.a.pk}/next/",
            f"/a/{world.a.pk}/items/5.1/",
            f"/a/{world.a.pk}/items/1.2.2/",
            f"/a/{world.a.pk}/records/{huge.pk}/edit/",
            f"/a/{world.a.pk}/submit/R12/",
        ],
        world.eve: [f"/review/a/{world.a.pk}/R12/", f"/review/a/{world.a.pk}/R12/items/5.1/"],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            assert response.status_code == 200, url
            assert time.perf_counter() - started < 1.0, url
            page = response.content.decode()
            assert "บันทึกที่เก็บไว้ 2 รายการต้องแก้ไข" in page, url
            assert f'href="/a/{world.a.pk}/items/5.1/#record-{huge.pk}"' in page, url
            assert f'href="/a/{world.a.pk}/items/4.2.4/#record-{over.pk}"' in page, url
    home = client.get(f"/a/{world.a.pk}/").content.decode()
    assert "21 is more than the unit&#x27;s staff in R12 (20)" in home


def test_a_stored_month_that_is_not_a_month_is_shown_as_stored(client, world):
    record(world.a, "3.1", "complaint_summaries", "2024-01-31", covers="2024-13")
    client.force_login(world.alice)
    response = client.get(f"/a/{world.a.pk}/items/3.1/")
    assert response.status_code == 200
    assert "covers: 2024-13" in response.content.decode()


def test_check_records_lists_every_record_that_needs_attention(world, capsys):
    huge, over, fine = make_bad_records(world)
    with pytest.raises(CommandError, match=r"^2 records need attention in 1 assessment \(of 2\)\.$") as failed:
        call_command("check_records")
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert f"oae-bapp oae-2567@1 record {huge.pk} item 5.1 respondents 2024-01-10:" in out
    assert f"oae-bapp oae-2567@1 record {over.pk} item 4.2.4 developed_staff 2024-06-30:" in out
    assert f"record {fine.pk} " not in out


def test_check_records_is_quiet_and_succeeds_when_everything_validates(world, capsys):
    record(world.a, "1.2.2", "followups", "2023-11-20", presented_to_director=True)
    call_command("check_records")
    assert "Every stored record validates (2 assessments)." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NaN", "กรุณากรอกตัวเลข เช่น 12 หรือ 12.5"),
        ("Infinity", "กรุณากรอกตัวเลข เช่น 12 หรือ 12.5"),
        ("1e10000000", "กรุณากรอกตัวเลข เช่น 12 หรือ 12.5"),
        ("21", "21 มากกว่าจำนวนบุคลากรของหน่วยงานในรอบ 12 เดือน (20 คน)"),
    ],
)
def test_the_record_form_refuses_nan_infinity_huge_exponents_and_more_than_the_staff(client, world, typed, message):
    world.a.staff_counts = {"R6": 20, "R12": 20}
    world.a.save()
    client.force_login(world.alice)
    world.framework.compiled()  # parsed once per process: not part of what is timed
    started = time.perf_counter()
    response = client.post(
        f"/a/{world.a.pk}/items/5.1/records/respondents/new/",
        {"respondents-date": "15/03/2567", "respondents-value": typed, "respondents-title": "รายงานจากส่วนเทคโนโลยีฯ"},
    )
    assert time.perf_counter() - started < 1.0
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{typed}"' in page and 'value="รายงานจากส่วนเทคโนโลยีฯ"' in page
    assert not Record.objects.exists()


def test_the_record_form_accepts_the_whole_staff(client, world):
    world.a.staff_counts = {"R6": 20, "R12": 20}
    world.a.save()
    client.force_login(world.alice)
    response = client.post(
        f"/a/{world.a.pk}/items/5.1/records/respondents/new/",
        {"respondents-date": "15/03/2567", "respondents-value": "20"},
    )
    assert response.status_code == 302
    assert Record.objects.get().data == {"value": 20}
