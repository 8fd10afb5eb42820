"""Who may open the framework studio: administrators and framework editors; everyone else 403."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from pramern.organizations.models import Role
from tests.factories import person, unit


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get("/studio/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["alice", "dan", "bob", "eve", "xena"])
def test_unit_people_evaluators_and_executives_are_refused(client, world, username):
    client.force_login(getattr(world, username))
    response = client.get("/studio/")
    assert response.status_code == 403
    assert "สตูดิโอกรอบการประเมิน" not in response.content.decode()


def test_an_administrator_opens_it_and_finds_it_in_the_header(client, world):
    client.force_login(world.adam)
    response = client.get("/studio/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>สตูดิโอกรอบการประเมิน</h1>" in body
    assert 'href="/studio/"' in body


def test_a_framework_editor_opens_it_without_seeing_every_unit(client, world):
    editor = person("fern", Role.Kind.FRAMEWORK_EDITOR)
    client.force_login(editor)
    assert client.get("/studio/").status_code == 200
    assert client.get("/dashboard/").status_code == 403  # the role gives the studio, not the units
    assert client.get(f"/a/{world.a.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_framework_editor_role_is_office_wide():
    user = get_user_model().objects.create_user(username="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=user, kind=Role.Kind.FRAMEWORK_EDITOR, unit=unit("u", "หน่วย"))
