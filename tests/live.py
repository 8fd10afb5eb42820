"""A real server over a real database, for tests of requests that race each other.

The suite's SQLite database lives in memory, where every thread shares one connection: two
requests can never meet there the way they meet in production. ``start_live_server`` copies the
test database (the ``world``, committed by ``transactional_db``) into a file, starts
``manage.py runserver`` (threaded, one connection per request thread) on 127.0.0.1 against it,
and ``LiveServer.post_at_once`` fires parallel posts the way ten browser tabs or a double click
would; ``LiveServer.transaction_held_open`` runs a service in another process on the same
database and keeps its transaction open while the test posts. On PostgreSQL the server uses the
test database itself. The ``live`` fixture in tests/conftest.py gives a test one (the test is
marked ``django_db(transaction=True)``).

The server runs with tests/live_settings.py: background jobs are queued in a file of the test's
own and no consumer runs them (``LiveServer.queued`` reads that queue).
"""

from __future__ import annotations

import http.client
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
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from pramern.settings import BASE_DIR

TIMEOUT = 60  # seconds for any one request: the test is bounded even when the server hangs
START_TIMEOUT = 30  # seconds for the server to start listening


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


class Answer(NamedTuple):
    status: int
    page: str
    location: str  # the Location header ("" when there is none)


@dataclass
class LiveServer:
    host: str
    port: int
    sessions: dict[str, str]  # user name -> session cookie
    log: Path
    database: Path | None  # the SQLite file (None on PostgreSQL)
    huey_file: Path  # the server's queue of background jobs
    env: dict[str, str]  # the server's environment (settings, database)

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None, csrf: str = "", user: str = "alice"
    ) -> Answer:
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
            page = response.read().decode("utf-8", "replace")
            return Answer(response.status, page, response.getheader("Location") or "")
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

    def post_at_once(self, posts: list[tuple[str, dict[str, str], str, str]]) -> list[Answer]:
        """Send every (path, fields, csrf, user) post at the same moment, each on its own
        connection, and return the answers in order."""
        start = threading.Barrier(len(posts))

        def send(post: tuple[str, dict[str, str], str, str]) -> Answer:
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

    def queued(self) -> list[tuple[str, tuple[Any, ...]]]:
        """The background jobs the server queued and nobody ran: (task name, arguments)."""
        from huey import SqliteHuey

        queue = SqliteHuey(settings.HUEY["name"], filename=str(self.huey_file))
        try:
            messages = [queue.serializer.deserialize(data) for data in queue.storage.enqueued_items()]
        finally:
            queue.storage.close()
        return [(message.name, tuple(message.args)) for message in messages]

    @contextmanager
    def transaction_held_open(self, code: str) -> Iterator[None]:
        """Run ``code`` (Python, with Django set up) in a transaction of another process on the
        server's database, the way a request of another person would, and keep that transaction
        open until the ``with`` block ends; it commits then. Raises if ``code`` fails."""
        script = (
            "import sys, django\n"
            "django.setup()\n"
            "from django.db import transaction\n"
            "with transaction.atomic():\n"
            "    exec(sys.argv[1])\n"
            "    print('open', flush=True)\n"
            "    sys.stdin.readline()\n"
            "print('committed', flush=True)\n"
        )
        other = subprocess.Popen(
            [sys.executable, "-c", script, code],
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert other.stdin is not None and other.stdout is not None
        try:
            if _read_line(other.stdout, START_TIMEOUT) != "open\n":
                pytest.fail(f"the other transaction did not open:\n{_ended(other)}")
            yield
            other.stdin.write("commit\n")
            other.stdin.flush()
            if _read_line(other.stdout, TIMEOUT) != "committed\n":
                pytest.fail(f"the other transaction did not commit:\n{_ended(other)}")
            other.wait(TIMEOUT)
        finally:
            _ended(other)

    def errors(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _read_line(stream: Any, timeout: float) -> str:
    """The next line of a child's output, or "" when none comes within ``timeout`` seconds."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


def _ended(process: subprocess.Popen[str]) -> str:
    """Stop ``process`` if it still runs and return what it wrote to stderr."""
    if process.poll() is None:
        process.kill()
    return process.communicate(timeout=10)[1] or ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_live_server(people: list[Any], tmp_path: Path) -> Iterator[LiveServer]:
    """A threaded server on 127.0.0.1 over a real database holding everything the test has
    committed so far, with ``people`` logged in; stopped when the generator is closed."""
    sessions = {}
    for person in people:
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
    huey_file = tmp_path / "huey.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAMERN_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.live_settings",
        LIVE_SERVER_HUEY_FILE=str(huey_file),
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
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.1)
        yield LiveServer("127.0.0.1", port, sessions, log, database, huey_file, env)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
