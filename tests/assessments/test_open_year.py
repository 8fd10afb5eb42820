"""Opening a new year: an administrator chooses the framework and the units, checks the staff
counts (pre-filled from last year) and the rounds' Buddhist-era dates, and confirms; last year's
assessments then stay read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pramern.assessments.models import Assessment
from pramern.assessments.opening import ScheduleDates, YearOpeningError, open_year
from pramern.assessments.rounds import lock_state
from pramern.assessments.services import save_record
from pramern.audit.models import AuditEntry
from pramern.errors import WorkspaceError
from pramern.frameworks.models import RoundSchedule
from pramern.notifications.unread import forget_unread
from pramern.organizations.models import Unit
from pramern.review.services import ReviewError, transition
from tests.assessments.newyear import install_next_year
from tests.factories import assessment, unit

URL = "/years/open/"
PAST_YEAR = "การประเมินของปีที่ผ่านมา"  # the Thai message of a past year's lock


@pytest.fixture
def next_year(world):
    """FY2570 installed; a third unit C (FY2567 staff 30, then 32) beside units A and B (40)."""
    world.unit_c = unit("oae-c", "ศูนย์ทดสอบ")
    world.c = assessment(world.unit_c, world.framework)
    world.c.staff_counts = {"R6": 30, "R12": 32}
    world.c.save()
    world.fy2570 = install_next_year()
    return world.fy2570


def units(world):
    return [world.unit_a, world.unit_b, world.unit_c]


def confirm_data(world, **changes):
    data = {
        "step": "confirm",
        "framework": world.fy2570.pk,
        "units": [u.pk for u in units(world)],
        "opens_R6": "01/08/2569",
        "deadline_R6": "15/03/2570",
        "opens_R12": "01/08/2569",
        "deadline_R12": "31/08/2570",
    }
    for u, (r6, r12) in zip(units(world), [(40, 40), (40, 40), (30, 32)], strict=True):
        data[f"staff_{u.pk}_R6"], data[f"staff_{u.pk}_R12"] = str(r6), str(r12)
    data.update(changes)
    return data


def test_the_administrator_opens_the_year_for_three_units_with_last_years_staff_and_the_typed_dates(
    client, world, next_year
):
    client.force_login(world.adam)
    first = client.get(URL)
    assert first.status_code == 200
    ticked = set(first.context["choice"]["units"].value())
    assert {u.pk for u in units(world)} <= {int(pk) for pk in ticked}  # every active unit by default
    confirm = client.post(URL, {"step": "choose", "framework": next_year.pk, "units": [u.pk for u in units(world)]})
    assert confirm.status_code == 200
    form = confirm.context["form"]
    # staff pre-filled from each unit's FY2567 assessment; nothing created before confirming
    assert form[f"staff_{world.unit_c.pk}_R6"].value() == 30 and form[f"staff_{world.unit_c.pk}_R12"].value() == 32
    assert form[f"staff_{world.unit_a.pk}_R12"].value() == 40
    assert not Assessment.objects.filter(framework=next_year).exists()
    page = confirm.content.decode()
    assert "28 ก.พ. 2570" in page  # the round's dates shown in the Buddhist era
    response = client.post(URL, confirm_data(world, **{f"staff_{world.unit_b.pk}_R12": "45"}))
    assert response.status_code == 302
    opened = {a.unit_id: a for a in Assessment.objects.filter(framework=next_year)}
    assert set(opened) == {u.pk for u in units(world)}
    assert opened[world.unit_c.pk].staff_counts == {"R6": 30, "R12": 32}
    assert opened[world.unit_b.pk].staff_counts == {"R6": 40, "R12": 45}  # changed on the page
    schedules = RoundSchedule.objects.by_code(next_year)
    assert schedules["R6"].submission_deadline == dt.date(2027, 3, 15)
    assert schedules["R12"].submission_deadline == dt.date(2027, 8, 31)
    assert schedules["R6"].opens_on == dt.date(2026, 8, 1)
    # audited: one entry for the opening, one per assessment
    year = AuditEntry.objects.get(action="pramern.year.opened")
    assert year.actor == world.adam and set(year.data["created"]) == {u.code for u in units(world)}
    assert year.data["schedules"]["R6"]["after"]["deadline"] == "2027-03-15"
    per_unit = AuditEntry.objects.filter(action="pramern.assessment.opened")
    assert sorted(e.assessment_id for e in per_unit) == sorted(a.pk for a in opened.values())


def test_reminders_follow_the_deadlines_set_when_opening(world, next_year, mailoutbox):
    from pramern.review.notifications import send_deadline_reminders

    world.alice.email = "alice@oae.go.th"
    world.alice.save()
    schedules = {"R6": ScheduleDates(None, dt.date(2027, 3, 15)), "R12": ScheduleDates(None, dt.date(2027, 8, 31))}
    open_year(next_year, units(world), {u.pk: {"R6": 40} for u in units(world)}, schedules, world.adam)
    assert send_deadline_reminders(today=dt.date(2027, 3, 8)) >= 1  # 7 days before R6's deadline
    assert any("2570" in m.subject and m.to == ["alice@oae.go.th"] for m in mailoutbox)


def test_a_second_opening_skips_the_units_that_have_the_year(client, world, next_year):
    schedules = {"R6": ScheduleDates(None, dt.date(2027, 3, 15)), "R12": ScheduleDates(None, dt.date(2027, 8, 31))}
    counts = {u.pk: {"R6": 40} for u in units(world)}
    first = open_year(next_year, units(world)[:2], counts, schedules, world.adam)
    assert len(first.created) == 2 and first.skipped == []
    second = open_year(next_year, units(world), counts, schedules, world.adam)
    assert [a.unit for a in second.created] == [world.unit_c]
    assert second.skipped == sorted([world.unit_a, world.unit_b], key=lambda u: u.code)
    assert Assessment.objects.filter(framework=next_year).count() == 3
    client.force_login(world.adam)
    page = client.post(URL, {"step": "choose", "framework": next_year.pk, "units": [u.pk for u in units(world)]})
    assert world.unit_a.name_th in page.content.decode().split('id="opening-skipped"')[1].split("</li>")[0]
    third = open_year(next_year, units(world), counts, schedules, world.adam)
    assert third.created == [] and AuditEntry.objects.filter(action="pramern.year.opened").count() == 2


def test_opening_refuses_wrong_dates_and_keeps_what_was_typed(client, world, next_year):
    client.force_login(world.adam)
    data = confirm_data(world, deadline_R6="31/02/2570", deadline_R12="31/08/2567")  # no such day; last year typed
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="31/02/2570"' in page and "พ.ศ." in page
    assert "กรุณาตรวจสอบปี" in page  # 31/08/2567: two years before the rounds
    assert not Assessment.objects.filter(framework=next_year).exists()
    with pytest.raises(YearOpeningError) as refused:
        open_year(
            next_year,
            units(world),
            {world.unit_a.pk: {"R6": 0}},
            {"R6": ScheduleDates(dt.date(2027, 4, 1), dt.date(2027, 3, 15))},
            world.adam,
        )
    problems = " ".join(refused.value.problems)
    assert "รอบ 12 เดือน" in problems and world.unit_b.name_th in problems
    assert not Assessment.objects.filter(framework=next_year).exists()


@pytest.mark.parametrize("who", ["alice", "dan", "eve", "xena"])
def test_only_administrators_open_a_year(client, world, next_year, who):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, confirm_data(world)).status_code == 403
    with pytest.raises(PermissionDenied):
        open_year(next_year, units(world), {}, {}, getattr(world, who))
    assert not Assessment.objects.filter(framework=next_year).exists()
    client.force_login(world.adam)
    assert client.get(URL).status_code == 200


def test_the_header_links_administrators_to_the_opening(client, world):
    client.force_login(world.adam)
    assert f'href="{URL}"' in client.get("/frameworks/").content.decode()
    client.force_login(world.eve)
    assert f'href="{URL}"' not in client.get("/frameworks/").content.decode()


def test_last_years_assessment_is_read_only_with_a_thai_message(client, world, next_year):
    schedules = {"R6": ScheduleDates(None, dt.date(2027, 3, 15)), "R12": ScheduleDates(None, dt.date(2027, 8, 31))}
    assert not lock_state(world.a).read_only  # FY2567 is open until a newer year is opened
    open_year(next_year, [world.unit_a], {world.unit_a.pk: {"R6": 40}}, schedules, world.adam)
    locks = lock_state(world.a)
    assert locks.read_only and locks.past_year and not locks.current.can_submit
    with pytest.raises(WorkspaceError) as refused:
        save_record(world.a, "1.2.2", "followups", date=dt.date(2024, 1, 10), data={}, user=world.alice)
    assert PAST_YEAR in refused.value.message and "ปี 2570" in refused.value.message
    with pytest.raises(ReviewError) as not_submitted:
        transition(world.a, "R6", "submit", user=world.dan)
    assert PAST_YEAR in str(not_submitted.value)
    # unit B has not been opened yet, but its FY2567 is a past year too: the year is over
    assert lock_state(world.b).past_year
    client.force_login(world.alice)
    page = client.get(f"/a/{world.a.pk}/").content.decode()
    assert PAST_YEAR in page and "ปี 2570" in page
    assert f"/a/{world.a.pk}/carry-over/" not in page  # nothing to copy into a past year
    new = Assessment.objects.get(unit=world.unit_a, framework=next_year)
    made = save_record(new, "1.2.2", "followups", date=dt.date(2026, 11, 10), data={}, user=world.alice)
    assert made.pk  # this year's assessment takes records
    home = client.get(f"/a/{new.pk}/").content.decode()
    assert PAST_YEAR not in home and f"/a/{new.pk}/carry-over/" in home


def test_an_older_year_than_one_opened_is_neither_offered_nor_opened(client, world, next_year):
    schedules = {"R6": ScheduleDates(None, dt.date(2027, 3, 15)), "R12": ScheduleDates(None, dt.date(2027, 8, 31))}
    client.force_login(world.adam)
    offered = client.get(URL).context["choice"].fields["framework"].queryset
    assert set(offered) == {world.framework, next_year}  # FY2567 is the year opened so far
    open_year(next_year, [world.unit_a], {world.unit_a.pk: {"R6": 40}}, schedules, world.adam)
    offered = client.get(URL).context["choice"].fields["framework"].queryset
    assert list(offered) == [next_year]
    late = unit("oae-late", "หน่วยงานใหม่")
    with pytest.raises(YearOpeningError) as refused:
        open_year(world.framework, [late], {late.pk: {"R6": 10}}, {}, world.adam)
    assert "ปี 2567" in refused.value.message
    assert not late.assessments.exists()


def test_the_confirmation_page_reads_a_fixed_number_of_queries(client, world, next_year):
    client.force_login(world.adam)

    def confirm_queries():
        data = {"step": "choose", "framework": next_year.pk, "units": [u.pk for u in Unit.objects.all()]}
        forget_unread([world.adam.pk])  # the bell counted, as on the first page after a notification
        with CaptureQueriesContext(connection) as captured:
            assert client.post(URL, data).status_code == 200
        return len(captured)

    confirm_queries()  # warm the compiled frameworks
    few = confirm_queries()
    for n in range(5):
        assessment(unit(f"oae-more-{n}", f"หน่วยงาน {n}"), world.framework)
    assert confirm_queries() == few
    # 1 session, 2 user, 3 roles, 4 the newest opened framework (what may be chosen), 5 the framework
    # chosen, 6 the units chosen, 7 assessments of the framework already, 8 each unit's previous
    # assessment, 9 the round schedules, 10 the bell's unread count (the header)
    assert few == 10
