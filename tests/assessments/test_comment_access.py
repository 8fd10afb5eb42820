"""Writing in an item's comment thread: who may is checked before anything is written."""

from __future__ import annotations

import pytest

from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.review import services as review_services
from pramern.review.models import Comment


@pytest.fixture
def service_calls(monkeypatch):
    """The comment service, recording each call before running it."""
    calls = []
    add_comment = review_services.add_comment

    def recorded(*args, **kwargs):
        calls.append(kwargs["user"].username)
        return add_comment(*args, **kwargs)

    monkeypatch.setattr(review_services, "add_comment", recorded)
    return calls


def post_comment(client, world, user, body="แนบบันทึกเสนอ ผอ. แล้ว"):
    client.force_login(user)
    return client.post(f"/a/{world.a.pk}/items/1.2.2/comments/", {"body": body})


def test_a_reader_who_may_not_write_is_refused_before_the_service_runs(client, world, service_calls):
    audited = AuditEntry.objects.count()
    assert post_comment(client, world, world.xena).status_code == 403  # an executive reads the thread only
    assert post_comment(client, world, world.bob).status_code == 404  # another unit's: not even shown
    assert service_calls == []
    assert not Comment.objects.exists() and AuditEntry.objects.count() == audited


def test_a_refused_reader_is_refused_whatever_they_post(client, world, service_calls):
    """An empty comment from an executive is the refusal (403), not the form's message (400)."""
    assert post_comment(client, world, world.xena, body="").status_code == 403
    assert service_calls == []


def test_the_units_people_and_the_centre_write(client, world, service_calls):
    assert post_comment(client, world, world.alice).status_code == 302
    assert post_comment(client, world, world.eve, body="ขอหลักฐานเพิ่มเติม").status_code == 302
    Role.objects.create(user=world.adam, kind="officer", unit=world.unit_a)  # of the Centre and a member
    assert post_comment(client, world, world.adam, body="ส่งแล้ว").status_code == 302
    assert service_calls == ["alice", "eve", "adam"]
    assert list(Comment.objects.order_by("id").values_list("author__username", flat=True)) == ["alice", "eve", "adam"]


def test_an_empty_comment_from_the_unit_is_shown_on_the_item_page(client, world, service_calls):
    response = post_comment(client, world, world.alice, body="  ")
    assert response.status_code == 400
    assert "กรุณาเขียนความเห็นก่อน" in response.content.decode()
    assert service_calls == ["alice"] and not Comment.objects.exists()
