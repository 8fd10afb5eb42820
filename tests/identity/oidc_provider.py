"""A real OpenID Connect provider for the identity tests: panva's certified ``oidc-provider``
(tests/identity/oidc/provider.mjs) run with the machine's Node.js on 127.0.0.1, one per test
session (so one per pytest-xdist worker, each on a free port).

``oidc_settings`` points Pramern at it; ``ProviderUser`` walks its login and consent pages as a
person would (with ``requests``, keeping the provider's cookies) and hands back the callback URL
the provider redirects to, for the Django test client to open.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_SECRET = "pramern-test-secret"
PID_HASH_KEY = "test-pid-hash-key-" + "k" * 32
START_TIMEOUT = 30

#: The provider's people (login -> claims). Somchai's citizen ID is registered in the tests that
#: need it; Malee is known to ThaiD only; Kanya's provider uses her citizen ID as her subject.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "somchai": {
        "sub": "thaid-7f3a9c21",
        "given_name": "สมชาย",
        "family_name": "รักษ์ดี",
        "email": "somchai@oae.go.th",
        "email_verified": True,
        "pid": "1101700230708",
    },
    "malee": {
        "sub": "thaid-0b5e1d44",
        "given_name": "มาลี",
        "family_name": "ศรีสุข",
        "email": "malee@example.com",
        "email_verified": True,
        "pid": "1509900123453",
    },
    "kanya": {"sub": "3700100456781", "name": "กัญญา มั่นคง", "pid": "3700100456781"},
}


@dataclass(frozen=True)
class Provider:
    issuer: str
    process: subprocess.Popen[str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _node_or_skip() -> str:
    node = shutil.which("node")
    installed = (HERE / "node_modules" / "oidc-provider").is_dir()
    if node and installed:
        return node
    # Under CI the identity marker turns this skip into a failure (tests/conftest.py).
    pytest.skip(
        "the test OpenID Connect provider is not installed: run `cd tests/identity/oidc && npm ci`"
        if node
        else "Node.js is needed for the test OpenID Connect provider (Debian: apt-get install nodejs npm)"
    )


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    node = _node_or_skip()
    accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
    by_subject = {claims["sub"]: claims for claims in ACCOUNTS.values()}  # the provider's login names its subject
    accounts.write_text(json.dumps(by_subject, ensure_ascii=False), encoding="utf-8")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "OIDC_ACCOUNTS": str(accounts),
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SHORT_CODE_TTL": "1",
    }
    process = subprocess.Popen(
        [node, "provider.mjs"], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.communicate()[0]
            pytest.fail(f"the test OpenID Connect provider did not start:\n{output}")
        time.sleep(0.1)
    yield Provider(issuer, process)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


@pytest.fixture
def oidc_settings(settings: Any, oidc_provider: Provider) -> Provider:
    """Pramern logs in through the test provider, as client "pramern" (refusing unknown people)."""
    settings.PRAMERN_OIDC_ISSUER = oidc_provider.issuer
    settings.PRAMERN_OIDC_CLIENT_ID = "pramern"
    settings.PRAMERN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.PRAMERN_OIDC_SCOPES = "openid profile email pid"
    settings.PRAMERN_OIDC_NAME = "ThaiD"
    settings.PRAMERN_OIDC_UNKNOWN_PEOPLE = "refuse"
    settings.PRAMERN_OIDC_PID_CLAIM = "pid"
    settings.PRAMERN_PID_HASH_KEY = PID_HASH_KEY
    return oidc_provider


class _Form(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self._inside = values.get("action") or "", True
        elif tag == "input" and self._inside and values.get("name"):
            self.fields[str(values["name"])] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


class ProviderUser:
    """A person at the provider's pages, with the provider's cookies kept between visits."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def _walk(self, url: str, stop_at: str, login: str) -> str:
        """Follows redirects and fills the provider's login and consent forms until the browser
        would leave for a URL with the path ``stop_at``; returns that URL."""
        response = self.session.get(url, allow_redirects=False, timeout=10)
        for _step in range(20):
            if response.is_redirect:
                target = urljoin(response.url, response.headers["Location"])
                if urlsplit(target).path == stop_at:
                    return target
                response = self.session.get(target, allow_redirects=False, timeout=10)
                continue
            response.raise_for_status()
            form = _Form(response.text)
            assert form.action is not None, f"no form at {response.url}: {response.text[:500]}"
            fields = form.fields
            if "login" in fields:
                fields.update(login=ACCOUNTS[login]["sub"], password="any password")  # devInteractions: any password
            if 'name="logout"' in response.text:
                fields["logout"] = "yes"
            response = self.session.post(
                urljoin(response.url, form.action), data=fields, allow_redirects=False, timeout=10
            )
        raise AssertionError(f"the provider never sent the browser to {stop_at}")

    def log_in(self, authorization_url: str, login: str) -> str:
        """Logs in as ``login`` (and consents); returns the callback URL with its code and state."""
        return self._walk(authorization_url, "/oidc/callback/", login)

    def log_out(self, end_session_url: str) -> str:
        """Confirms the provider's logout page; returns where the provider sends the browser."""
        return self._walk(end_session_url, "/login/", login="")
