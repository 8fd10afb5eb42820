"""Evidence links are checked against a real (local) web server."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from pramern.assessments.links import check_link
from pramern.assessments.models import Evidence
from pramern.assessments.services import add_link_evidence
from tests.factories import record


class Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_a_link_that_answers_gets_todays_date(world, server):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(world.a, f"{server}/ok", user=world.alice, records=[rec], checked_on=dt.date(2024, 1, 1))
    assert check_link(link).ok
    link.refresh_from_db()
    assert link.link_checked_on == dt.date.today()


def test_a_broken_link_keeps_its_last_date_and_is_reported(world, server):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    add_link_evidence(world.a, f"{server}/gone", user=world.alice, records=[rec], checked_on=dt.date(2024, 1, 1))
    out = StringIO()
    call_command("check_evidence_links", stdout=out)
    assert f"oae-bapp: {server}/gone: HTTP 404" in out.getvalue()
    assert Evidence.objects.get().link_checked_on == dt.date(2024, 1, 1)
