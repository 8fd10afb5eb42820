"""Many saves at once, against a real server and a real database file.

The suite's SQLite database lives in memory, where every thread shares one connection and
"database is locked" can never happen. These tests copy the test database (the ``world``,
committed by ``transactional_db``) into a file, start ``manage.py runserver`` (threaded, one
connection per request thread) on 127.0.0.1 against it, and fire parallel posts the way ten
browser tabs or a double click would. On PostgreSQL the server uses the test database itself.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from pramern.assessments.models import Record
from pramern.audit.models import AuditEntry
from pramern.reports.models import ScoreCard
from pramern.reports.scorecards import refresh
from pramern.settings import BASE_DIR

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60  # seconds for any one request: the test is bounded even when the server hangs


class _Forms(HTMLParser):
    """Each form's action and its inputs' values, as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append((values.get("action") or "", {}))
        elif tag == "input" and self.forms and values.get("name"):
            if values.get("type") not in ("checkbox", "file", "submit"):
                self.forms[-1][1][values["name"] or ""] = values.get("value") or ""


@dataclass
class LiveServer:
    host: str
    port: int
    sessions: dict[str, str]  # user name -> session cookie
    log: Path
    database: Path | None  # the SQLite file (None on PostgreSQL)

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None, csrf: str = "", user: str = "alice"
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            cookies = f"sessionid={self.sessions[user]}" + (f"; csrftoken={csrf}" if csrf else "")
            headers = {"Cookie": cookies, "Referer": f"http://{self.host}:{self.port}/"}
            body = None
            if fields is not None:
                body = urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def form(self, page_path: str, action: str, user: str = "alice") -> tuple[dict[str, str], str]:
        """The form posting to ``action`` on the page, as rendered now for ``user`` (hidden
        fields included), and the CSRF cookie that goes with it."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request("GET", page_path, headers={"Cookie": f"sessionid={self.sessions[user]}"})
            response = conn.getresponse()
            page = response.read().decode()
            assert response.status == 200, page[:500]
            cookie = response.getheader("Set-Cookie") or ""
        finally:
            conn.close()
        match = re.search(r"csrftoken=([A-Za-z0-9]+)", cookie)
        assert match, cookie
        parser = _Forms()
        parser.feed(page)
        fields = next(values for url, values in parser.forms if url == action)
        return dict(fields), match.group(1)

    def post_at_once(self, posts: list[tuple[str, dict[str, str], str, str]]) -> list[tuple[int, str]]:
        """Send every (path, fields, csrf, user) post at the same moment, each on its own
        connection, and return the answers in order."""
        start = threading.Barrier(len(posts))

        def send(post: tuple[str, dict[str, str], str, str]) -> tuple[int, str]:
            path, fields, csrf, user = post
            start.wait(timeout=TIMEOUT)
            return self.request("POST", path, fields, csrf, user)

        with ThreadPoolExecutor(max_workers=len(posts)) as pool:
            return list(pool.map(send, posts))

    def pull_back(self) -> None:
        """Make what the server wrote visible to the test's ORM (SQLite: copy the file back)."""
        if self.database is not None:
            source = sqlite3.connect(self.database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()

    def errors(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live(world, tmp_path) -> Iterator[LiveServer]:
    """A threaded server on 127.0.0.1 over a real database holding the world (and whatever the
    test made before asking for it), with alice and dan logged in."""
    sessions = {}
    for person in (world.alice, world.dan):
        client = Client()
        client.force_login(person)
        sessions[person.username] = client.cookies["sessionid"].value
    settings_dict = connection.settings_dict
    database: Path | None = None
    if connection.vendor == "sqlite":
        database = tmp_path / "live.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        url = f"sqlite:///{database}"
    else:
        url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )
    port = _free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_")}
    env.update(
        DATABASE_URL=url,
        PRAMERN_SECRET_KEY=settings.SECRET_KEY,  # the sessions made here are signed with it
        PRAMERN_MEDIA_ROOT=str(tmp_path / "media"),
        PRAMERN_ALLOWED_HOSTS="127.0.0.1",
    )
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.1)
        yield LiveServer("127.0.0.1", port, sessions, log, database)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


ITEM = "1.2.2"


def _item_page(world) -> str:
    return f"/a/{world.a.pk}/items/{ITEM}/"


def _create_url(world) -> str:
    return f"/a/{world.a.pk}/items/{ITEM}/records/followups/new/"


def test_ten_parallel_saves_are_all_saved_without_an_error(live, world):
    posts = []
    for n in range(10):  # ten tabs, each with the form as it was rendered for it
        fields, csrf = live.form(_item_page(world), _create_url(world))
        fields.update({"followups-date": f"{n + 1:02d}/03/2567", "followups-presented_to_director": "on"})
        posts.append((_create_url(world), fields, csrf, "alice"))
    answers = live.post_at_once(posts)
    statuses = [status for status, _ in answers]
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


def test_a_form_posted_twice_at_once_creates_one_record(live, world):
    fields, csrf = live.form(_item_page(world), _create_url(world))
    fields.update({"followups-date": "15/03/2567", "followups-presented_to_director": "on"})
    answers = live.post_at_once([(_create_url(world), fields, csrf, "alice")] * 2)
    statuses = [status for status, _ in answers]
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


def test_two_people_saving_the_same_record_at_once_do_not_overwrite_each_other(followup, live, world):
    edit = f"/a/{world.a.pk}/records/{followup.pk}/edit/"
    posts = []
    for user, title in (("alice", "ของอลิส"), ("dan", "ของแดน")):  # both opened the record as it was
        fields, csrf = live.form(edit, "", user)
        fields.update({"followups-date": "01/03/2567", "followups-title": title})
        posts.append((edit, fields, csrf, user))
    answers = live.post_at_once(posts)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [302, 409], f"{statuses}\n{live.errors()}"
    refused = next(page for status, page in answers if status == 409)
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


# --------------------------------------------------------------------------- settings


def _database_options(url: str) -> dict:
    code = "import json, django; from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "pramern.settings", "DATABASE_URL": url, "PRAMERN_SECRET_KEY": "x"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    )
    return json.loads(out.stdout)


def test_sqlite_queues_writers_and_postgresql_keeps_its_defaults(tmp_path):
    sqlite = _database_options(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert sqlite["transaction_mode"] == "IMMEDIATE" and sqlite["timeout"] == 20
    assert "journal_mode=WAL" in sqlite["init_command"]
    assert _database_options("postgres://pramern@127.0.0.1:5432/pramern") == {}
