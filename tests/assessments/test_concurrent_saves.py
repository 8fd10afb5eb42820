"""Many saves at once, against a real server and a real database file.

The suite's SQLite database lives in memory, where every thread shares one connection and
"database is locked" can never happen. These tests use the ``live`` fixture (tests/live.py): the
test database (the ``world``, committed by ``transactional_db``) copied into a file, served by
``manage.py runserver`` (threaded, one connection per request thread) on 127.0.0.1, and parallel
posts fired the way ten browser tabs or a double click would. On PostgreSQL the server uses the
test database itself.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from contextlib import closing

import pytest
from django.test import Client

from pramern.assessments.models import Record
from pramern.audit.models import AuditEntry
from pramern.reports.models import ScoreCard
from pramern.reports.scorecards import refresh

pytestmark = pytest.mark.django_db(transaction=True)

ITEM = "1.2.2"


def _item_page(world) -> str:
    return f"/a/{world.a.pk}/items/{ITEM}/"


def _create_url(world) -> str:
    return f"/a/{world.a.pk}/items/{ITEM}/records/followups/new/"


@pytest.mark.slow
def test_ten_parallel_saves_are_all_saved_without_an_error(live, world):
    posts = []
    for n in range(10):  # ten tabs, each with the form as it was rendered for it
        fields, csrf = live.form(_item_page(world), _create_url(world))
        fields.update({"followups-date": f"{n + 1:02d}/03/2567", "followups-presented_to_director": "on"})
        posts.append((_create_url(world), fields, csrf, "alice"))
    answers = live.post_at_once(posts)
    statuses = [answer.status for answer in answers]
    assert statuses == [302] * 10, f"{statuses}\n{live.errors()}"
    live.pull_back()
    dates = sorted(Record.objects.filter(assessment=world.a, item_code=ITEM).values_list("date", flat=True))
    assert dates == [dt.date(2024, 3, n) for n in range(1, 11)]
    assert AuditEntry.objects.filter(action="pramern.record.created", assessment_id=world.a.pk).count() == 10
    if live.database is not None:
        with closing(sqlite3.connect(live.database)) as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # The score cards follow the last change: refreshing them again now changes nothing.
    stored = {c.round_code: (c.self_total, c.self_items) for c in ScoreCard.objects.filter(assessment=world.a)}
    assert stored, live.errors()
    refresh(world.a)
    again = {c.round_code: (c.self_total, c.self_items) for c in ScoreCard.objects.filter(assessment=world.a)}
    assert stored == again


@pytest.mark.slow
def test_a_form_posted_twice_at_once_creates_one_record(live, world):
    fields, csrf = live.form(_item_page(world), _create_url(world))
    fields.update({"followups-date": "15/03/2567", "followups-presented_to_director": "on"})
    answers = live.post_at_once([(_create_url(world), fields, csrf, "alice")] * 2)
    statuses = [answer.status for answer in answers]
    assert statuses == [302, 302], f"{statuses}\n{live.errors()}"
    live.pull_back()
    assert Record.objects.filter(assessment=world.a, item_code=ITEM).count() == 1
    assert AuditEntry.objects.filter(action="pramern.record.created", assessment_id=world.a.pk).count() == 1


@pytest.fixture
def followup(world) -> Record:
    """A record made before the server starts (so that its database holds it)."""
    return Record.objects.create(
        assessment=world.a, item_code=ITEM, fact="followups", date=dt.date(2024, 3, 1), title="เดิม"
    )


@pytest.mark.slow
def test_two_people_saving_the_same_record_at_once_do_not_overwrite_each_other(followup, live, world):
    edit = f"/a/{world.a.pk}/records/{followup.pk}/edit/"
    posts = []
    for user, title in (("alice", "ของอลิส"), ("dan", "ของแดน")):  # both opened the record as it was
        fields, csrf = live.form(edit, "", user)
        fields.update({"followups-date": "01/03/2567", "followups-title": title})
        posts.append((edit, fields, csrf, user))
    answers = live.post_at_once(posts)
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [302, 409], f"{statuses}\n{live.errors()}"
    refused = next(answer.page for answer in answers if answer.status == 409)
    live.pull_back()
    saved = Record.objects.get(pk=followup.pk)
    assert saved.title in ("ของอลิส", "ของแดน")
    mine = "ของแดน" if saved.title == "ของอลิส" else "ของอลิส"
    assert f'value="{mine}"' in refused  # what the refused person typed is still in the form
    assert saved.title in refused  # and the other person's saved value is shown beside it
    assert saved.version == followup.version + 1
    assert AuditEntry.objects.filter(action="pramern.record.changed", object_id=str(followup.pk)).count() == 1


# --------------------------------------------------------------------------- the refresh after commit


def _post_followup(world, client_for, date="15/03/2567"):
    client = Client(raise_request_exception=False)
    client.force_login(client_for)
    return client.post(_create_url(world), {"followups-date": date, "followups-presented_to_director": "on"})


def _failing_first(times, monkeypatch):
    """The score-card refresh meets a locked database ``times`` times, then works."""
    from django.db import OperationalError

    import pramern.reports.scorecards as scorecards

    real, calls = scorecards.refresh, []

    def refresh_meeting_a_lock(assessment):
        calls.append(assessment.pk)
        if len(calls) <= times:
            raise OperationalError("database is locked")
        return real(assessment)

    monkeypatch.setattr(scorecards, "refresh", refresh_meeting_a_lock)
    return calls


def test_a_refresh_that_meets_a_lock_after_the_save_is_retried(world, monkeypatch, caplog):
    monkeypatch.setattr("pramern.reports.scorecards.RETRY_PAUSES", (0.01, 0.01))
    calls = _failing_first(2, monkeypatch)
    response = _post_followup(world, world.alice)
    assert response.status_code == 302  # the change was saved: the person is told so
    assert Record.objects.filter(assessment=world.a).count() == 1
    assert len(calls) == 3
    stored = {c.round_code: c.self_items for c in ScoreCard.objects.filter(assessment=world.a)}
    assert len(stored) == 2
    assert stored == {c.round_code: c.self_items for c in refresh(world.a)}  # the saved record counts
    assert "retrying" in caplog.text


def test_a_refresh_that_keeps_failing_is_logged_and_left_for_refresh_scores(world, monkeypatch, caplog):
    from django.core.management import call_command

    monkeypatch.setattr("pramern.reports.scorecards.RETRY_PAUSES", (0.01, 0.01))
    calls = _failing_first(100, monkeypatch)
    response = _post_followup(world, world.alice)
    assert response.status_code == 302
    assert Record.objects.filter(assessment=world.a).count() == 1
    assert 1 < len(calls) < 10  # a few tries, not forever
    failure = [r for r in caplog.records if r.levelname == "ERROR"]
    assert failure and "refresh_scores" in failure[-1].getMessage()
    assert not ScoreCard.objects.filter(assessment=world.a).exists()
    monkeypatch.undo()
    call_command("refresh_scores", stdout=io.StringIO())
    assert ScoreCard.objects.filter(assessment=world.a).count() == 2
