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
from pramern.thaidates import thai_date
from tests.factories import record


class Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path.startswith("/redirect?"):
            self.send_response(302)
            self.send_header("Location", self.path.split("?", 1)[1])
        else:
            self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.LINK_CHECK_ALLOW = ["127.0.0.1/32"]  # this test server; any other local address stays refused
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_a_link_that_answers_gets_todays_date(world, server, client):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(world.a, f"{server}/ok", user=world.alice, records=[rec], checked_on=dt.date(2024, 1, 1))
    client.force_login(world.alice)
    assert "ตรวจเมื่อ 1 ม.ค. 2567" in client.get(f"/a/{world.a.pk}/items/1.1.1/").content.decode()  # now cached
    assert check_link(link).ok
    link.refresh_from_db()
    assert link.link_checked_on == dt.date.today()
    page = client.get(f"/a/{world.a.pk}/items/1.1.1/").content.decode()
    assert f"ตรวจเมื่อ {thai_date(dt.date.today())}" in page  # the cached page is renewed


def test_a_broken_link_keeps_its_last_date_and_is_reported(world, server):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    add_link_evidence(world.a, f"{server}/gone", user=world.alice, records=[rec], checked_on=dt.date(2024, 1, 1))
    out = StringIO()
    call_command("check_evidence_links", stdout=out)
    assert f"oae-bapp: {server}/gone: HTTP 404" in out.getvalue()
    assert Evidence.objects.get().link_checked_on == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:9/",  # loopback outside the allowed network
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
def test_the_checker_does_not_knock_on_internal_addresses(world, settings, url):
    settings.LINK_CHECK_ALLOW = ["127.0.0.1/32"]
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(world.a, url, user=world.alice, records=[rec])
    result = check_link(link, timeout=2)
    assert not result.ok and "is not a public address" in result.detail
    assert Evidence.objects.get().link_checked_on is None


def test_a_redirect_to_an_internal_address_is_refused(world, server):
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(
        world.a, f"{server}/redirect?http://127.0.0.2:{server.rsplit(':', 1)[1]}/ok", user=world.alice, records=[rec]
    )
    result = check_link(link, timeout=2)
    assert not result.ok and "127.0.0.2 is not a public address" in result.detail
    assert check_link(add_link_evidence(world.a, f"{server}/redirect?/ok", user=world.alice), timeout=2).ok


def test_an_intranet_can_be_allowed(world, server, settings):
    settings.LINK_CHECK_ALLOW = []
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(world.a, f"{server}/ok", user=world.alice, records=[rec])
    assert not check_link(link, timeout=2).ok
    settings.LINK_CHECK_ALLOW = ["127.0.0.0/8"]
    assert check_link(link, timeout=2).ok


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("64:ff9b::a00:1", False),  # NAT64 to 10.0.0.1
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("224.0.0.1", False),
    ],
)
def test_which_addresses_the_checker_may_contact(settings, address, allowed):
    from pramern.assessments.links import _allowed

    settings.LINK_CHECK_ALLOW = []
    assert _allowed(address) is allowed


def test_every_scheme_goes_through_the_checked_connections():
    import urllib.request

    from pramern.assessments.links import _CheckedHTTPHandler, _CheckedHTTPSHandler, _opener

    handlers = {type(h) for h in _opener().handlers}
    assert {_CheckedHTTPHandler, _CheckedHTTPSHandler} <= handlers
    assert not {urllib.request.HTTPHandler, urllib.request.HTTPSHandler} & handlers
    assert not {urllib.request.FTPHandler, urllib.request.FileHandler, urllib.request.DataHandler} & handlers


def test_a_host_is_resolved_once_and_every_address_is_tried(world, server, monkeypatch):
    import socket

    from pramern.assessments import links

    port = int(server.rsplit(":", 1)[1])
    calls = []
    real = socket.getaddrinfo

    def two_addresses(host, *args, **kwargs):
        calls.append(host)
        closed = real("127.0.0.1", 1, type=socket.SOCK_STREAM)[0]  # nothing listens on port 1
        return [closed[:4] + (("127.0.0.1", 1),), *real("127.0.0.1", port, type=socket.SOCK_STREAM)]

    monkeypatch.setattr(links.socket, "getaddrinfo", two_addresses)
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(world.a, f"http://intranet.example:{port}/ok", user=world.alice, records=[rec])
    assert check_link(link, timeout=2).ok
    assert calls == ["intranet.example"]


@pytest.fixture
def listener():
    """A TCP socket on a loopback address outside the allowed network, recording every
    connection made to it (as an internal FTP server would see them)."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.2", 0))
    sock.listen(8)
    sock.settimeout(0.05)
    connections = []

    def accept_all():
        while sock.fileno() != -1:
            try:
                conn, peer = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(peer)
            conn.sendall(b"220 internal ftp ready\r\n")
            conn.close()

    thread = threading.Thread(target=accept_all, daemon=True)
    thread.start()
    yield sock.getsockname()[1], connections
    sock.close()
    thread.join(timeout=2)


@pytest.mark.parametrize("scheme", ["ftp", "file", "data"])
def test_a_redirect_to_another_scheme_is_refused_without_connecting(world, server, listener, scheme):
    port, connections = listener
    target = {
        "ftp": f"ftp://127.0.0.2:{port}/pub/secret.txt",
        "file": "file:///etc/passwd",
        "data": "data:text/plain,hello",
    }[scheme]
    rec = record(world.a, "1.1.1", "guideline", "2024-03-01")
    link = add_link_evidence(world.a, f"{server}/redirect?{target}", user=world.alice, records=[rec])
    result = check_link(link, timeout=2)
    assert connections == []
    assert not result.ok
    assert "redirect" in result.detail and scheme in result.detail
    assert Evidence.objects.get().link_checked_on is None


def test_a_link_of_another_scheme_is_not_opened(world, listener):
    port, connections = listener
    link = Evidence.objects.create(
        assessment=world.a, kind=Evidence.Kind.LINK, url=f"ftp://127.0.0.2:{port}/x", uploaded_by=world.alice
    )
    result = check_link(link, timeout=2)
    assert not result.ok and connections == []
