"""Every page carries the Content-Security-Policy (no inline script anywhere, so none is allowed);
pages for a logged-in person and every download are not stored by browsers or proxies."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pramern.assessments.services import add_file_evidence
from tests.conftest import ROOT
from tests.factories import record

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def assert_strict_policy(response):
    csp = policy(response)
    assert csp.get("default-src") == ["'self'"]
    assert csp.get("script-src") == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp.get("style-src") == ["'self'"]
    assert csp.get("object-src") == ["'none'"] and csp.get("base-uri") == ["'none'"]
    assert csp.get("frame-ancestors") == ["'none'"] and csp.get("form-action") == ["'self'"]


def assert_not_stored(response):
    cache = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache, response.headers.get("Cache-Control")


def test_an_anonymous_page_has_the_policy(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert_strict_policy(response)


def test_a_public_page_seen_anonymously_may_be_cached_but_has_the_policy(client, world):
    response = client.get("/frameworks/")
    assert response.status_code == 200
    assert_strict_policy(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/a/{a}/", "/a/{a}/items/1.1.1/", "/frameworks/", "/reports/jobs/"])
def test_pages_for_a_logged_in_person_are_not_stored(client, world, path):
    client.force_login(world.alice)
    response = client.get(path.format(a=world.a.pk), follow=True)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_not_stored(response)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_an_assessment_export_is_not_stored(client, world, fmt):
    client.force_login(world.alice)
    response = client.get(f"/a/{world.a.pk}/export.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert_not_stored(response)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_score_export_is_not_stored(client, world, fmt):
    client.force_login(world.eve)
    response = client.get(f"/reports/scores.{fmt}")
    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.parametrize("view", ["", "view/"])
def test_an_evidence_download_keeps_its_sandbox_and_is_not_stored(client, world, view):
    rec = record(world.a, "1.2.2", "followups", "2024-03-15")
    evidence = add_file_evidence(
        world.a, SimpleUploadedFile("memo.pdf", PDF_BYTES), user=world.alice, records=[rec], title="บันทึก"
    )
    client.force_login(world.alice)
    response = client.get(f"/evidence/{evidence.pk}/{view}")
    assert response.status_code == 200
    csp = policy(response)
    assert csp["default-src"] == ["'none'"] and "sandbox" in csp
    assert_not_stored(response)
    response.close()


def test_the_admin_has_a_policy_too(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert policy(response).get("script-src") == ["'self'"]
    assert_not_stored(response)


# ----------------------------------------------------------------------------- templates

SERVED = [
    path
    for path in sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("pramern/*/templates/**/*.html")])
    # PDF templates are opened by Chromium from a file to print, never served over HTTP
    if not (path.parent.name == "reports" and (path.stem.endswith("_pdf") or path.stem == "pdf_base"))
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)


def test_the_templates_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in SERVED}
    assert {"templates/base.html", "templates/admin/base_site.html", "templates/500.html"} <= names
    assert "templates/reports/pdf_base.html" not in names


@pytest.mark.parametrize("path", SERVED, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_template_has_inline_script_handlers_or_styles(path):
    """The policy allows none of these; json_script data blocks are a filter, not in the source."""
    text = path.read_text(encoding="utf-8")
    found = [
        match.group(0)
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, SCRIPT_URL, INLINE_STYLE)
        for match in pattern.finditer(text)
    ]
    assert found == []
