"""The admin's pages for item assignments and notifications: listed, filtered and searched, but
read-only, since the workspace (``assign_item``) and ``deliver`` are what write them, checked and
audited."""

from __future__ import annotations

import pytest

from pramern.assessments.models import ItemAssignment
from pramern.assessments.services import assign_item
from pramern.notifications.models import Notification
from pramern.notifications.services import deliver

ASSIGNMENTS = "/admin/assessments/itemassignment/"
NOTIFICATIONS = "/admin/notifications/notification/"


@pytest.fixture
def sent(world):
    assign_item(world.a, "1.2.2", world.alice.pk, user=world.dan)
    assign_item(world.a, "6.1", world.dan.pk, user=world.dan)
    assign_item(world.b, "1.2.2", world.bob.pk, user=world.bob)
    deliver("return", [world.alice], lambda: ("รอบ 6 เดือน ถูกส่งกลับให้แก้ไข", ""), link="/", assessment=world.a)
    deliver("deadline", [world.alice, world.bob], lambda: ("ใกล้กำหนดส่งรอบ 12 เดือน", ""), link="/")
    Notification.objects.filter(recipient=world.bob).update(read_at="2024-03-01T09:00:00+07:00")


def rows(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    return page.split('id="result_list"')[1].split("</table>")[0]


def test_item_assignments_are_listed_filtered_and_searched(admin_client, world, sent):
    listed = rows(admin_client.get(ASSIGNMENTS))
    assert listed.count("<tr") == 4  # the heading and three assignments
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in listed and "ศูนย์สารสนเทศการเกษตร" in listed
    by_item = rows(admin_client.get(ASSIGNMENTS + "?item_code=6.1"))
    assert by_item.count("<tr") == 2 and "6.1" in by_item
    found = rows(admin_client.get(ASSIGNMENTS + "?q=ศูนย์สารสนเทศ"))
    assert found.count("<tr") == 2 and "bob" in found


def test_notifications_are_listed_filtered_and_searched(admin_client, world, sent):
    listed = rows(admin_client.get(NOTIFICATIONS))
    assert listed.count("<tr") == 4
    assert "รอบ 6 เดือน ถูกส่งกลับให้แก้ไข" in listed and "รอบถูกตีกลับให้แก้ไข" in listed  # subject, kind's name
    unread = rows(admin_client.get(NOTIFICATIONS + "?read=no"))
    assert unread.count("<tr") == 3 and "bob" not in unread
    returned = rows(admin_client.get(NOTIFICATIONS + "?kind=return"))
    assert returned.count("<tr") == 2 and "ถูกส่งกลับ" in returned
    searched = rows(admin_client.get(NOTIFICATIONS + "?q=ใกล้กำหนดส่ง"))
    assert searched.count("<tr") == 3
    kinds = admin_client.get(NOTIFICATIONS).content.decode().split('id="changelist-filter"')[1]
    assert "รอบถูกตีกลับให้แก้ไข" in kinds and "ใกล้กำหนดส่งของรอบ" in kinds  # the kinds by name, not code
    assert 'id="result_list"' in admin_client.get(NOTIFICATIONS + "?read=yes&emailed__exact=0").content.decode()


def test_neither_is_added_changed_or_deleted_in_the_admin(admin_client, world, sent):
    assignment = ItemAssignment.objects.get(assessment=world.a, item_code="1.2.2")
    notification = Notification.objects.get(recipient=world.alice, kind="return")
    for url, obj, field in (
        (ASSIGNMENTS, assignment, "assignee"),
        (NOTIFICATIONS, notification, "read_at"),
    ):
        assert admin_client.get(url + "add/").status_code == 403
        view = admin_client.get(f"{url}{obj.pk}/change/")
        assert view.status_code == 200 and 'type="submit"' not in view.content.decode().split('id="content-main"')[1]
        assert admin_client.post(f"{url}{obj.pk}/change/", {field: ""}).status_code == 403
        assert admin_client.post(f"{url}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ItemAssignment.objects.filter(pk=assignment.pk, assignee=world.alice).exists()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_people_without_the_admin_are_refused(client, world, sent):
    for url in (ASSIGNMENTS, NOTIFICATIONS):
        assert client.get(url)["Location"].startswith("/admin/login/")
        client.force_login(world.alice)
        assert client.get(url).status_code == 302  # not staff: the admin's login
        client.logout()
