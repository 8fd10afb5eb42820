"""Every page is behind two-factor (T1). The suite's other tests log in with sessions trusted as
multi-factor (tests/conftest.py, docs/decisions.md), so they would not notice a view that escapes
the second factor; this test walks every URL pattern of the project under the production settings
(``two_factor_enforced``) as an evaluator without an authenticator, and as one with an
authenticator whose session is not verified, and requires each page to send them to the step
(except the pages open before it, ``OPEN_NAMES``)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django_otp.plugins.otp_totp.models import TOTPDevice

from pramern.accounts import twofactor_middleware

pytestmark = [
    pytest.mark.identity,
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.usefixtures("two_factor_enforced"),
]

#: The pages open before the second factor (docs/identity.md): a change here is a security decision.
OPEN_NAMES = {
    "logout",
    "admin:logout",
    "login",
    "set_language",
    "two_factor:setup",
    "two_factor:verify",
    "two_factor:codes",
    "two_factor:codes-download",
}
SETUP = "/account/two-factor/setup/"
VERIFY = "/account/two-factor/verify/"
#: A sample value for each path converter: any value will do (the step comes before the view).
SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.UUID(int=1))}
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<[^>]+>(?P<body>[^)]*)\)")


def _sample(pattern) -> str:
    """A path that ``pattern`` (one level of a route) matches, its parameters filled in."""
    if isinstance(pattern, RoutePattern):
        return CONVERTER.sub(lambda m: SAMPLES.get(m["converter"] or "str", "1"), str(pattern._route))
    assert isinstance(pattern, RegexPattern)

    def group(match: re.Match) -> str:  # the first alternative of (a|b|c); a number; a word
        body = match["body"]
        return body.split("|")[0] if "|" in body else ("1" if body.startswith("\\d") else "x")

    text = REGEX_GROUP.sub(group, pattern._regex).lstrip("^").rstrip("$").replace("\\", "")
    return re.sub(r"\?$", "", text)


def every_page(resolver=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(path, view name) of every URL pattern of the project, the admin site's included."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        here = prefix + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += every_page(entry, here, inner)
        elif isinstance(entry, URLPattern):
            found.append(("/" + here, f"{namespace}{entry.name}" if entry.name else here))
    return found


def test_the_walk_finds_the_projects_pages():
    pages = dict(every_page())
    names = set(pages.values())
    assert {"review:queue", "two_factor:setup", "admin:index", "logout", "workspace:export"} <= names
    assert len(pages) > 100
    assert set(twofactor_middleware.OPEN_NAMES) == OPEN_NAMES
    resolved = get_resolver()
    for path, name in pages.items():  # each sample path reaches its own pattern
        if (not name.startswith("admin:") and ":" in name) or name in OPEN_NAMES:
            assert resolved.resolve(path).view_name == name, path


@pytest.mark.parametrize("state", ["no device", "unverified"])
def test_no_page_escapes_the_second_factor(world, state):
    """An evaluator must enrol (no device) or verify (a device, the session not verified) before
    any page but the steps, the log-in and log-out and the language switch."""
    if state == "unverified":
        TOTPDevice.objects.create(user=world.eve, name="authenticator", confirmed=True)
    step = SETUP if state == "no device" else VERIFY
    client = Client()
    client.force_login(world.eve)
    escaped = []
    for path, name in every_page():
        if name in OPEN_NAMES:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if response.status_code != 302 or not response["Location"].startswith(step):
                escaped.append((method.upper(), path, name, response.status_code))
    assert escaped == []
    assert len(every_page()) > 100
